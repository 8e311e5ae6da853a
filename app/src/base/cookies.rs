//! Cookies: reading them from a request, setting them on the response being built.

/// The value of cookie `name` in a `Cookie` header value (`a=1; b=2`).
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The value of cookie `name` among a request's `Cookie` headers.
pub fn request_cookie<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| cookie_value(header, name))
}

/// Adds a `Set-Cookie` header to the response of the server function or page being run.
#[cfg(feature = "ssr")]
pub fn set_cookie(cookie: &str) -> Result<(), http::header::InvalidHeaderValue> {
    let value = http::HeaderValue::from_str(cookie)?;
    leptos::prelude::expect_context::<leptos_axum::ResponseOptions>()
        .append_header(http::header::SET_COOKIE, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cookie_value;

    #[test]
    fn finds_the_named_cookie_only() {
        assert_eq!(cookie_value("a=1; sid=xyz; b=2", "sid"), Some("xyz"));
        assert_eq!(cookie_value("sidx=1", "sid"), None);
        assert_eq!(cookie_value("", "sid"), None);
        assert_eq!(cookie_value("sid=", "sid"), Some(""));
    }
}
