//! A record's history, read from the audit log in words: who, when, what was done and which
//! fields changed from what to what, in the reader's language. Each domain says how its
//! audited fields read (a [`Vocabulary`]); a field it does not name is not shown, so no raw
//! JSON key reaches a reader. The raw before/after stays for the admin, behind "details".

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::AuditEntry;
use crate::base::i18n::{I18n, Key, WEEKDAYS};

/// How one audited field's stored value reads.
#[derive(Clone, Copy, Debug)]
pub enum Reading {
    /// Text, as typed.
    Text,
    /// A calendar day (`YYYY-MM-DD`).
    Date,
    /// A time of day (`HH:MM`).
    Clock,
    /// An instant in Unix seconds, read at the centre.
    Instant,
    /// A count.
    Number,
    /// Yes or no.
    YesNo,
    /// A code of a closed list, in the words of its label.
    Code(fn(&str) -> Option<Key>),
    /// A list of such codes.
    Codes(fn(&str) -> Option<Key>),
    /// Weekdays as bits (bit 0 Monday).
    Weekdays,
    /// A reference the server has put in words already (a bed's code, a child's name).
    Named,
    /// Shown as changed, never its value (a medical or safeguarding note).
    Private,
}

/// One audited field of a kind of record.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Its key in the audit entry's JSON.
    pub key: &'static str,
    /// Its name in words.
    pub label: Key,
    /// How its value reads.
    pub reading: Reading,
}

/// The fields of each kind of record a history shows: `(entity, fields)`.
pub type Vocabulary = &'static [(&'static str, &'static [Field])];

/// The record a history is of, and the entries of other kinds that name it: a bed's history
/// holds the allocations whose `bed_id` is the bed.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    /// Its kind, as the audit log writes it.
    pub entity: &'static str,
    pub id: i64,
    /// `(entity, JSON key)`: entries of that kind whose before or after holds the id there.
    pub named_in: &'static [(&'static str, &'static str)],
    /// A kind whose entries are ids of the form `<id>/…` (a class's sessions).
    pub parts: Option<&'static str>,
}

/// One field that changed, its values as stored (text), none when it had none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field's key.
    pub field: String,
    /// Its value before.
    pub before: Option<String>,
    /// Its value after.
    pub after: Option<String>,
}

/// One entry of a record's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When, at the centre (`YYYY-MM-DD HH:MM`).
    pub at: String,
    /// Who: their login, the family's phone or the task, as the log names them.
    pub who: String,
    /// The kind of record written.
    pub entity: String,
    /// What was done.
    pub action: String,
    /// The fields that changed, in the vocabulary's order.
    pub changes: Vec<FieldChange>,
    /// The raw before and after JSON, for the admin only.
    pub details: Option<(Option<String>, Option<String>)>,
}

/// A stored JSON value as text: codes and text as they are, lists joined by commas, none for
/// null or absent.
fn as_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|item| as_text(Some(item)))
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => Some(other.to_string()),
    }
}

/// The fields of `fields` that differ between `before` and `after` (all those set, for a
/// record created). Private fields carry no value.
pub fn changes(
    fields: &[Field],
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<FieldChange> {
    fields
        .iter()
        .filter_map(|field| {
            let old = as_text(before.and_then(|b| b.get(field.key)));
            let new = as_text(after.and_then(|a| a.get(field.key)));
            // An entry that holds only the after of a field (an extension, a creation) says
            // what it became; one whose value stayed says nothing of it.
            let blank = |value: &Option<String>| value.as_deref().is_none_or(str::is_empty);
            if old == new || blank(&old) && blank(&new) {
                return None;
            }
            let private = matches!(field.reading, Reading::Private);
            Some(FieldChange {
                field: field.key.to_owned(),
                before: old.filter(|_| !private),
                after: new.filter(|_| !private),
            })
        })
        .collect()
}

/// An audit entry as a history entry, its fields read with `vocabulary`; the raw JSON kept
/// only when `admin`.
pub fn entry(raw: AuditEntry, vocabulary: Vocabulary, admin: bool) -> HistoryEntry {
    let parse = |json: &Option<String>| {
        json.as_deref()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
    };
    let (before, after) = (parse(&raw.before), parse(&raw.after));
    let fields = fields_of(vocabulary, &raw.entity);
    HistoryEntry {
        changes: changes(fields, before.as_ref(), after.as_ref()),
        at: raw.at,
        who: raw.actor_label,
        entity: raw.entity,
        action: raw.action,
        details: admin.then_some((raw.before, raw.after)),
    }
}

/// The fields `vocabulary` names for `entity` (none when it names none).
pub fn fields_of(vocabulary: Vocabulary, entity: &str) -> &'static [Field] {
    vocabulary
        .iter()
        .find(|(kind, _)| *kind == entity)
        .map_or(&[], |(_, fields)| fields)
}

/// Puts the values of `key` in words with `name` (an id to a bed's code, a child's name):
/// those it does not know stay as stored.
pub fn name_values(entries: &mut [HistoryEntry], key: &str, name: impl Fn(&str) -> Option<String>) {
    for change in entries
        .iter_mut()
        .flat_map(|entry| entry.changes.iter_mut())
        .filter(|change| change.field == key)
    {
        for value in [&mut change.before, &mut change.after] {
            if let Some(named) = value.as_deref().and_then(&name) {
                *value = Some(named);
            }
        }
    }
}

/// A stored value in words, in `i18n`'s language; what does not parse shows as stored.
pub fn value_words(i18n: I18n, reading: Reading, text: &str) -> String {
    let code = |label: fn(&str) -> Option<Key>, code: &str| {
        label(code).map_or_else(|| code.to_owned(), |key| i18n.t(key).to_owned())
    };
    if text.is_empty() {
        return "—".to_owned();
    }
    match reading {
        Reading::Text | Reading::Named | Reading::Private => text.to_owned(),
        Reading::Date => text
            .parse::<NaiveDate>()
            .map_or_else(|_| text.to_owned(), |day| i18n.date_short(day)),
        Reading::Clock => NaiveTime::parse_from_str(text, "%H:%M")
            .map_or_else(|_| text.to_owned(), |at| i18n.time(at)),
        Reading::Instant => text
            .parse::<i64>()
            .ok()
            .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0))
            .map_or_else(
                || text.to_owned(),
                |at| {
                    let local = at.with_timezone(&crate::base::clock::phnom_penh());
                    i18n.date_time(local.naive_local())
                },
            ),
        Reading::Number => text
            .parse::<i64>()
            .map_or_else(|_| text.to_owned(), |n| i18n.num(n)),
        Reading::YesNo => match text {
            "true" | "1" => i18n.t(Key::CommonYes).to_owned(),
            "false" | "0" => i18n.t(Key::CommonNo).to_owned(),
            other => other.to_owned(),
        },
        Reading::Code(label) => code(label, text),
        Reading::Codes(label) => text
            .split(',')
            .map(|c| code(label, c))
            .collect::<Vec<_>>()
            .join(", "),
        Reading::Weekdays => text.parse::<u8>().map_or_else(
            |_| text.to_owned(),
            |bits| {
                WEEKDAYS
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, key)| i18n.t(*key))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    }
}

/// When an entry was written, in words: its local `YYYY-MM-DD HH:MM` read in `i18n`.
pub fn when_words(i18n: I18n, at: &str) -> String {
    NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M")
        .map_or_else(|_| at.to_owned(), |at| i18n.date_time(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::i18n::Lang;
    use serde_json::json;

    const FIELDS: &[Field] = &[
        Field {
            key: "name",
            label: Key::FieldName,
            reading: Reading::Text,
        },
        Field {
            key: "on",
            label: Key::FieldFrom,
            reading: Reading::Date,
        },
        Field {
            key: "note",
            label: Key::FieldNote,
            reading: Reading::Private,
        },
        Field {
            key: "weekdays",
            label: Key::HomeworkWeekdays,
            reading: Reading::Weekdays,
        },
    ];

    fn raw(before: Option<Value>, after: Option<Value>) -> AuditEntry {
        AuditEntry {
            at: "2026-12-03 14:05".into(),
            actor_kind: "staff".into(),
            actor_label: "house".into(),
            entity: "thing".into(),
            entity_id: "1".into(),
            action: "update".into(),
            before: before.map(|v| v.to_string()),
            after: after.map(|v| v.to_string()),
        }
    }

    #[test]
    fn only_the_named_fields_that_changed_are_shown_and_private_ones_without_values() {
        let before = json!({ "name": "Dara", "on": "2026-12-01", "note": "old", "secret_key": 1 });
        let after = json!({ "name": "Dara", "on": "2026-12-02", "note": "new", "secret_key": 2 });
        assert_eq!(
            changes(FIELDS, Some(&before), Some(&after)),
            [
                FieldChange {
                    field: "on".into(),
                    before: Some("2026-12-01".into()),
                    after: Some("2026-12-02".into()),
                },
                FieldChange {
                    field: "note".into(),
                    before: None,
                    after: None,
                },
            ]
        );
    }

    #[test]
    fn a_creation_says_what_each_field_became() {
        let after = json!({ "name": "Dara", "on": null, "weekdays": 5 });
        let shown = changes(FIELDS, None, Some(&after));
        assert_eq!(
            shown,
            [
                FieldChange {
                    field: "name".into(),
                    before: None,
                    after: Some("Dara".into()),
                },
                FieldChange {
                    field: "weekdays".into(),
                    before: None,
                    after: Some("5".into()),
                },
            ]
        );
        // Nothing said of a field left blank at creation; a list emptied or filled reads so.
        let blank = changes(FIELDS, None, Some(&json!({ "name": "" })));
        assert!(blank.is_empty());
        // An entry with only an after (an extension) says what it became even when unchanged.
        let only_after = changes(FIELDS, Some(&json!({})), Some(&json!({ "name": "Dara" })));
        assert_eq!(only_after.len(), 1);
    }

    #[test]
    fn the_raw_json_is_the_admins_alone() {
        let entry_of = |admin| {
            entry(
                raw(None, Some(json!({ "name": "Dara" }))),
                &[("thing", FIELDS)],
                admin,
            )
        };
        assert_eq!(entry_of(false).details, None);
        assert_eq!(
            entry_of(true).details,
            Some((None, Some(r#"{"name":"Dara"}"#.into())))
        );
        assert_eq!(entry_of(false).changes.len(), 1);
        // A kind the vocabulary does not know shows what was done, and no field.
        let unknown = entry(raw(None, Some(json!({ "name": "Dara" }))), &[], false);
        assert!(unknown.changes.is_empty());
    }

    #[test]
    fn values_read_in_the_readers_language_and_digits() {
        let km = I18n { lang: Lang::Km };
        let en = I18n { lang: Lang::En };
        assert_eq!(value_words(en, Reading::Weekdays, "5"), "Monday, Wednesday");
        assert_eq!(value_words(en, Reading::YesNo, "true"), "Yes");
        assert_eq!(value_words(km, Reading::Number, "12"), "១២");
        assert_eq!(value_words(en, Reading::Clock, "16:00"), "16:00");
        assert_eq!(value_words(km, Reading::Clock, "16:00"), "១៦:០០");
        assert_eq!(
            value_words(
                en,
                Reading::Code(|c| (c == "f").then_some(Key::SexFemale)),
                "f"
            ),
            "Girl"
        );
        assert_eq!(value_words(en, Reading::Date, "not a date"), "not a date");
        assert_ne!(when_words(km, "2026-12-03 14:05"), "2026-12-03 14:05");
    }

    #[test]
    fn named_references_replace_ids_they_know() {
        let mut entries = vec![entry(
            raw(Some(json!({ "name": "7" })), Some(json!({ "name": "8" }))),
            &[("thing", FIELDS)],
            false,
        )];
        name_values(&mut entries, "name", |id| {
            (id == "7").then(|| "A-1".to_owned())
        });
        let change = &entries[0].changes[0];
        assert_eq!(change.before.as_deref(), Some("A-1"));
        assert_eq!(change.after.as_deref(), Some("8"));
    }
}
