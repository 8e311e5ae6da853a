//! How a resident's record reads in its history: each audited field in words.

use super::{Allergen, Diet, Programme, Sex};
use crate::base::i18n::Key;

/// A value as serde writes it in the audit log (`"Female"`, `"BoardingSchool"`), read back.
fn stored<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

fn sex_words(code: &str) -> Option<Key> {
    stored::<Sex>(code).map(Sex::label)
}

fn programme_words(code: &str) -> Option<Key> {
    stored::<Programme>(code).map(Programme::label)
}

fn diet_words(code: &str) -> Option<Key> {
    stored::<Diet>(code).map(Diet::label)
}

fn allergen_words(code: &str) -> Option<Key> {
    stored::<Allergen>(code).map(Allergen::label)
}

/// How a resident's audited fields read in their history. The notes are shown as changed,
/// never with their text.
pub const HISTORY_FIELDS: &[crate::audit::history::Field] = {
    use crate::audit::history::{Field, Reading};
    &[
        Field {
            key: "name_km",
            label: Key::FieldNameKhmer,
            reading: Reading::Text,
        },
        Field {
            key: "name_latin",
            label: Key::FieldNameLatin,
            reading: Reading::Text,
        },
        Field {
            key: "sex",
            label: Key::FieldSex,
            reading: Reading::Code(sex_words),
        },
        Field {
            key: "born_on",
            label: Key::FieldBornOn,
            reading: Reading::Date,
        },
        Field {
            key: "grade",
            label: Key::FieldGrade,
            reading: Reading::Text,
        },
        Field {
            key: "programme",
            label: Key::FieldProgramme,
            reading: Reading::Code(programme_words),
        },
        Field {
            key: "admitted_on",
            label: Key::FieldAdmittedOn,
            reading: Reading::Date,
        },
        Field {
            key: "diet",
            label: Key::FieldDiet,
            reading: Reading::Code(diet_words),
        },
        Field {
            key: "allergies",
            label: Key::FieldAllergies,
            reading: Reading::Codes(allergen_words),
        },
        Field {
            key: "note",
            label: Key::FieldNote,
            reading: Reading::Private,
        },
        Field {
            key: "left_on",
            label: Key::FieldLeftOn,
            reading: Reading::Date,
        },
        Field {
            key: "reason",
            label: Key::FieldLeavingReason,
            reading: Reading::Text,
        },
    ]
};
