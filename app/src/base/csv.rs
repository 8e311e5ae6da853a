//! CSV downloads: fields, lines and the response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// What starts a formula in a spreadsheet, and the tab and carriage return that some of them
/// skip before looking (OWASP's CSV injection list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One CSV field: quoted when it holds a separator (`,`, or `;` where the office's spreadsheet
/// splits on it), a quote or a line break; a formula start escaped with `'` at the front and
/// after each `;`, so a spreadsheet never runs the field as a formula. A plain number stays
/// a number.
pub fn field(value: &str) -> String {
    let risky = |part: &str| part.starts_with(FORMULA_START) && part.trim().parse::<f64>().is_err();
    let value = value
        .split(';')
        .map(|part| {
            if risky(part) {
                format!("'{part}")
            } else {
                part.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(";");
    if value.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// One CSV line, ending in CRLF.
pub fn line(fields: &[String]) -> String {
    let mut out = fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

/// A CSV download. It starts with a byte-order mark: without it, the office's spreadsheet
/// reads the Khmer text as Latin-1.
pub fn csv(name: &str, body: String) -> Response {
    let mut response = (StatusCode::OK, format!("\u{feff}{body}")).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn no_field_reaches_a_spreadsheet_as_a_formula() {
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\t=1+1"), "'\t=1+1");
        assert_eq!(field("\r=1+1"), "\"'\r=1+1\"");
        assert_eq!(
            field("Sok;=cmd|' /C calc'!A0"),
            "\"Sok;'=cmd|' /C calc'!A0\""
        );
        assert_eq!(
            field("a; -2+3"),
            "\"a; -2+3\"",
            "a space before is not a start"
        );
        assert_eq!(field("-12.5"), "-12.5", "a negative number stays a number");
        assert_eq!(field("សុខ ស្រីនាង"), "សុខ ស្រីនាង");
    }
}
