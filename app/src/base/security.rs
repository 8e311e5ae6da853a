//! The Content-Security-Policy of pages: scripts only from this site or with this response's
//! nonce, WASM allowed to compile, nothing framed, no plugins, no `<base>`.

/// The policy for a page whose inline scripts carry `nonce`.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// The policy for every other response (files, server functions, health): nothing runs.
pub const STRICT_POLICY: &str =
    "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// A per-request place where the page's renderer leaves the nonce Leptos put on its inline
/// scripts. The security layer puts it in the request and writes the page's policy from it
/// once the page is rendered, so the header does not depend on anything else carrying it.
#[derive(Clone, Debug, Default)]
pub struct PageNonce(pub std::sync::Arc<std::sync::OnceLock<String>>);

/// Hands this page's script nonce to the security layer.
pub fn share_page_nonce() {
    use leptos::prelude::use_context;
    let slot = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
    if let (Some(slot), Some(nonce)) = (slot, leptos::nonce::use_nonce()) {
        // A page renders its shell once; a second value could only be the same page's.
        let _ = slot.0.set(nonce.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_allow_only_this_site_and_the_nonce_to_run_scripts() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        for directive in [
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{directive}");
        }
        assert!(!policy.contains("unsafe-inline"));
    }
}
