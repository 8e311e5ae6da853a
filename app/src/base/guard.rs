//! The one access check every server function starts with, and what it reads from the request.
//!
//! Staff functions call `require(&[Role::...])`; family functions call `require_family()`,
//! then check the child or booking belongs to that family before anything else.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;

use super::access::{CurrentFamily, CurrentStaff, Role, Viewer, authorize, authorize_family};
use super::session::{SESSION_COOKIE, resolve};
use crate::base::cookies::request_cookie;
use crate::base::error::AppError;

fn request() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The session token in this request's cookie.
pub fn session_token() -> Option<String> {
    request_cookie(&request()?.headers, SESSION_COOKIE).map(str::to_owned)
}

/// Whether the browser reached the site over TLS (directly, or through a proxy that says so).
pub fn request_is_https() -> bool {
    request().is_some_and(|parts| {
        parts.uri.scheme_str() == Some("https")
            || parts
                .headers
                .get("x-forwarded-proto")
                .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"))
    })
}

/// The address a request came from: the peer, or, when the peer is a proxy on this machine,
/// the address that proxy saw (the last `X-Forwarded-For` entry, the one it added itself).
/// An IPv6 address counts as its /64: one subscriber holds a whole /64 and can change its
/// last 64 bits at will.
pub fn client_address_of(peer: Option<SocketAddr>, forwarded_for: Option<&str>) -> String {
    let Some(peer) = peer else {
        return "unknown".into();
    };
    let mut address = peer.ip();
    if address.is_loopback()
        && let Some(forwarded) = forwarded_for
            .and_then(|list| list.rsplit(',').next())
            .and_then(|last| last.trim().parse::<IpAddr>().ok())
    {
        address = forwarded;
    }
    match address {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(network))
        }
        IpAddr::V6(v6) => v6.to_canonical().to_string(),
        IpAddr::V4(v4) => v4.to_string(),
    }
}

/// This request's client address (see [`client_address_of`]).
pub fn client_address() -> String {
    let Some(parts) = request() else {
        return "unknown".into();
    };
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    let forwarded = parts
        .headers
        .get("x-forwarded-for")
        .and_then(|value| value.to_str().ok());
    client_address_of(peer, forwarded)
}

/// Whether the server runs in demo mode.
pub fn demo_mode() -> bool {
    leptos::prelude::use_context::<crate::base::db::AppState>().is_some_and(|state| state.demo)
}

/// Who is signed in, looked up once per request: a page asks for the layout and again for
/// its own data, and both get the first answer.
#[derive(Clone, Default)]
pub struct ViewerCache(Arc<tokio::sync::OnceCell<Option<Viewer>>>);

/// Gives this request its [`ViewerCache`]; the router calls it for every page and server
/// function request.
pub fn provide_viewer_cache() {
    leptos::prelude::provide_context(ViewerCache::default());
}

/// Whoever is signed in on this request, if anyone.
pub async fn current_viewer() -> Result<Option<Viewer>, AppError> {
    let token = session_token();
    let pool = crate::base::db::pool()?;
    let demo = demo_mode();
    let lookup = || async move {
        match token {
            Some(token) => resolve(&pool, &token, chrono::Utc::now().timestamp(), demo).await,
            None => Ok(None),
        }
    };
    Ok(match leptos::prelude::use_context::<ViewerCache>() {
        Some(cache) => cache.0.get_or_try_init(lookup).await?.clone(),
        None => lookup().await?,
    })
}

/// Returns the signed-in staff member if they hold one of `allowed`; else 401 or 403.
/// Call it first in every staff server function:
/// `let staff = require(&[Role::HouseStaff, Role::Admin]).await?;`
pub async fn require(allowed: &[Role]) -> Result<CurrentStaff, AppError> {
    authorize(current_viewer().await?, allowed)
}

/// The role check of a plain axum handler (a download, a live stream), which has no server
/// function context: the signed-in staff member if they hold one of `roles` (else 401 or
/// 403), and the language to answer in.
pub async fn require_in_handler(
    state: &crate::base::db::AppState,
    headers: &http::HeaderMap,
    roles: &[Role],
) -> Result<(CurrentStaff, crate::base::i18n::Lang), AppError> {
    use crate::base::i18n::{LANG_COOKIE, Lang};
    let now = chrono::Utc::now().timestamp();
    let viewer = match request_cookie(headers, SESSION_COOKIE) {
        Some(token) => resolve(&state.pool, token, now, state.demo).await?,
        None => None,
    };
    let staff = authorize(viewer, roles)?;
    let lang = request_cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or(staff.language);
    Ok((staff, lang))
}

/// Returns the signed-in family; else 401 (nobody) or 403 (staff). Call it first in every
/// family server function, then check the record asked for is the family's own.
pub async fn require_family() -> Result<CurrentFamily, AppError> {
    authorize_family(current_viewer().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_proxy_is_believed_and_anyone_else_is_not() {
        let peer = |s: &str| Some(s.parse::<SocketAddr>().expect("address"));
        assert_eq!(client_address_of(None, None), "unknown");
        assert_eq!(
            client_address_of(peer("203.0.113.9:5000"), None),
            "203.0.113.9"
        );
        assert_eq!(
            client_address_of(peer("203.0.113.9:5000"), Some("10.0.0.1")),
            "203.0.113.9",
            "a remote client cannot choose its address"
        );
        assert_eq!(
            client_address_of(peer("127.0.0.1:5000"), Some("10.0.0.1, 198.51.100.7")),
            "198.51.100.7",
            "the entry the local proxy added"
        );
        assert_eq!(
            client_address_of(peer("127.0.0.1:5000"), Some("junk")),
            "127.0.0.1"
        );
    }

    #[test]
    fn an_ipv6_client_counts_as_its_slash_64() {
        let peer = |s: &str| Some(s.parse::<SocketAddr>().expect("address"));
        let one = client_address_of(peer("[2001:db8:1:2:aaaa::1]:5000"), None);
        let other = client_address_of(peer("[2001:db8:1:2:ffff:ffff:ffff:ffff]:6000"), None);
        assert_eq!(one, "2001:db8:1:2::/64");
        assert_eq!(one, other, "the same subscriber, whatever its last 64 bits");
        assert_ne!(
            client_address_of(peer("[2001:db8:1:3::1]:5000"), None),
            one,
            "the next /64 is someone else"
        );
        assert_eq!(
            client_address_of(peer("[::1]:5000"), Some("2001:db8:9:9::5")),
            "2001:db8:9:9::/64",
            "also behind the local proxy"
        );
        assert_eq!(
            client_address_of(peer("[::ffff:203.0.113.9]:5000"), None),
            "203.0.113.9",
            "an IPv4 client seen through IPv6 is its IPv4 address"
        );
    }
}
