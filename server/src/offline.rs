//! Opening the site with no network: the service worker at `/sw.js` (`service_worker.js`) and
//! the web app manifest beside it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use leptos::config::LeptosOptions;

/// The worker's script, with its release written in.
const TEMPLATE: &str = include_str!("service_worker.js");

/// What the worker may do itself: fetch from this site (to keep pages and files), nothing else.
pub const WORKER_POLICY: &str =
    "default-src 'none'; connect-src 'self'; object-src 'none'; base-uri 'none'";

/// The service worker for this release: a new release is a new script, which the browser
/// installs in place of the old one (and which drops the old caches).
pub fn worker_script(options: &LeptosOptions) -> String {
    TEMPLATE.replace("__RELEASE__", &release(options))
}

/// What tells this release's files apart: the content hashes their names carry (from the
/// file cargo-leptos writes beside the server, which the pages' links are named from too),
/// or the crate's version in a build without them.
fn release(options: &LeptosOptions) -> String {
    let hashes = options
        .hash_files
        .then(|| std::env::current_exe().ok())
        .flatten()
        .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())))
        .and_then(|path| std::fs::read_to_string(path).ok());
    match hashes {
        Some(hashes) => release_of(&hashes),
        None => env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The hashes of `hash.txt` (`js: …`, `wasm: …`, `css: …`) as one name: their characters
/// only, so that it can go into the script's text as it is.
fn release_of(hashes: &str) -> String {
    hashes
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(_, hash)| {
            hash.trim()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        })
        .filter(|hash| !hash.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

/// `/sw.js`: checked by the browser on each visit (never cached for long), with a policy that
/// lets it fetch from this site only.
pub fn worker_response(script: &str) -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        script.to_owned(),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(WORKER_POLICY),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_release_is_named_by_its_files_hashes_and_nothing_else_gets_into_the_script() {
        assert_eq!(
            release_of("js: AbC-1_x\nwasm: Zz9\ncss: q\"w;e\n"),
            "AbC-1_x.Zz9.qwe"
        );
        let script = TEMPLATE.replace("__RELEASE__", "r1");
        assert!(script.contains("const RELEASE = \"r1\";"));
        assert!(!script.contains("__RELEASE__"));
    }
}
