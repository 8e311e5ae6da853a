//! One error type for every server function, with its HTTP status and its translated message.
//!
//! What crosses the wire is a variant and a translation key, never database or library text.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::base::i18n::Key;

/// An error a server function returns, or a page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The record or page does not exist (or the caller may not know that it does).
    #[error("not found")]
    NotFound,
    /// No session: the caller must sign in.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but this role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The request could not be decoded (a tampered or outdated form).
    #[error("bad request")]
    BadRequest,
    /// A value the user entered breaks a rule; `field` names the form field.
    #[error("invalid {field}: {message:?}")]
    Validation {
        /// The form field at fault.
        field: String,
        /// What is wrong, as a translation key.
        message: Key,
    },
    /// The change clashes with the current state (a bed already taken, a slot full).
    #[error("conflict: {message:?}")]
    Conflict {
        /// What it clashes with, as a translation key.
        message: Key,
    },
    /// Too many failed sign-ins: refused for a while.
    #[error("too many attempts")]
    TooManyAttempts,
    /// Too many sign-ins at this moment: try again shortly.
    #[error("busy")]
    Busy,
    /// The browser could not reach the server (never produced by the server).
    #[error("network error")]
    Network,
    /// The server's disk is full: writes are refused until there is room again; reads work.
    #[error("storage full")]
    StorageFull,
    /// The server cannot read its database file (damaged, removed, a failing disk).
    #[error("storage unreadable")]
    StorageUnreadable,
    /// A fault on the server; the details are in the server's log only.
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// A value typed into form field `field` breaks a rule, said by `message`.
    pub fn invalid(field: &str, message: Key) -> AppError {
        AppError::Validation {
            field: field.into(),
            message,
        }
    }

    /// The change clashes with the current state, said by `message`.
    pub fn conflict(message: Key) -> AppError {
        AppError::Conflict { message }
    }

    /// The HTTP status this error is sent with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooManyAttempts | AppError::Busy => StatusCode::TOO_MANY_REQUESTS,
            AppError::Network | AppError::StorageFull | AppError::StorageUnreadable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a user is shown.
    pub fn message(&self) -> Key {
        match self {
            AppError::NotFound => Key::ErrorNotFound,
            AppError::Unauthorized => Key::ErrorUnauthorized,
            AppError::Forbidden => Key::ErrorForbidden,
            AppError::BadRequest => Key::ErrorBadRequest,
            AppError::Validation { message, .. } | AppError::Conflict { message } => *message,
            AppError::TooManyAttempts => Key::LoginThrottled,
            AppError::Busy => Key::LoginBusy,
            AppError::Network => Key::ErrorNetwork,
            AppError::StorageFull => Key::ErrorStorageFull,
            AppError::StorageUnreadable => Key::ErrorStorageUnreadable,
            AppError::Internal => Key::ErrorInternal,
        }
    }

    /// The heading of an error page.
    pub fn title(&self) -> Key {
        match self {
            AppError::NotFound => Key::ErrorNotFoundTitle,
            _ => Key::ErrorTitle,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request's arguments could not be read: the client's fault, not ours.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Registration(_) => AppError::NotFound,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The answer of a plain handler (a download, a live stream) that refuses: the status,
    /// and the message in words in `lang`.
    pub fn plain_response(&self, lang: crate::base::i18n::Lang) -> axum::response::Response {
        use axum::response::IntoResponse;
        let text = crate::base::i18n::I18n { lang }
            .t(self.message())
            .to_owned();
        (self.status(), text).into_response()
    }
}

/// A header value that cannot be sent (a cookie with a control character) is our fault.
impl From<http::header::InvalidHeaderValue> for AppError {
    fn from(_: http::header::InvalidHeaderValue) -> Self {
        AppError::Internal
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &error {
            sqlx::Error::RowNotFound => AppError::NotFound,
            sqlx::Error::Database(db) => match db.kind() {
                // Domains that know the constraint map it to a precise message before this;
                // these are the safe, generic fallbacks.
                ErrorKind::UniqueViolation => AppError::Conflict {
                    message: Key::ErrorConflict,
                },
                ErrorKind::ForeignKeyViolation
                | ErrorKind::CheckViolation
                | ErrorKind::NotNullViolation => AppError::Validation {
                    field: String::new(),
                    message: Key::ErrorValidation,
                },
                _ => match storage_fault(db.as_ref()) {
                    Some(fault) => {
                        tracing::error!(%error, "the database's storage failed");
                        fault
                    }
                    None => {
                        tracing::error!(%error, "database error");
                        AppError::Internal
                    }
                },
            },
            _ => {
                tracing::error!(%error, "database error");
                AppError::Internal
            }
        }
    }
}

/// The storage fault a database error stands for, by SQLite's primary result code: the disk
/// is full (`SQLITE_FULL`), or the file cannot be read as a database (`SQLITE_IOERR`,
/// `SQLITE_CORRUPT`, `SQLITE_CANTOPEN`, `SQLITE_NOTADB`).
#[cfg(feature = "ssr")]
pub fn storage_fault(db: &dyn sqlx::error::DatabaseError) -> Option<AppError> {
    let code = db.code()?.parse::<i64>().ok()?;
    match code & 0xff {
        13 => Some(AppError::StorageFull),
        10 | 11 | 14 | 26 => Some(AppError::StorageUnreadable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_the_status_its_meaning_calls_for() {
        assert_eq!(AppError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(AppError::Unauthorized.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(AppError::Forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(AppError::BadRequest.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            AppError::Internal.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        let invalid = AppError::Validation {
            field: "lang".into(),
            message: Key::ErrorInvalidLanguage,
        };
        assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid.message(), Key::ErrorInvalidLanguage);
    }

    #[test]
    fn undecodable_arguments_are_the_clients_fault() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("bad".into()));
        assert_eq!(err, AppError::BadRequest);
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("x".into()));
        assert_eq!(err, AppError::Internal);
    }

    #[test]
    fn the_wire_form_round_trips_and_carries_no_free_text() {
        let err = AppError::Validation {
            field: "lang".into(),
            message: Key::ErrorInvalidLanguage,
        };
        let bytes = err.ser();
        assert_eq!(
            std::str::from_utf8(&bytes).expect("JSON is UTF-8"),
            r#"{"Validation":{"field":"lang","message":"error.invalid_language"}}"#
        );
        assert_eq!(AppError::de(bytes), err);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_missing_row_is_not_found_and_other_faults_say_nothing() {
        assert_eq!(AppError::from(sqlx::Error::RowNotFound), AppError::NotFound);
        assert_eq!(
            AppError::from(sqlx::Error::PoolTimedOut),
            AppError::Internal
        );
    }
}
