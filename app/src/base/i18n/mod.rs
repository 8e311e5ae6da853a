//! Languages and translations: every string a user sees comes from `app/locales/*.json`.
//!
//! The language is chosen per browser (a `lang` cookie, set by the switch in the shell) and
//! defaults to Khmer. The server renders `<html lang>` from it and the browser reads it back
//! when it hydrates, so both sides render the same text.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "lang";

/// A language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// Khmer, the first language of staff and families.
    #[default]
    Km,
    /// English, for volunteers and head office.
    En,
    /// French, for volunteers and head office.
    Fr,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 3] = [Lang::Km, Lang::En, Lang::Fr];

    /// The BCP 47 code, as used in `<html lang>` and the cookie.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Km => "km",
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// Parses a language code (`km`, `en`, `fr`, case-insensitive, region ignored).
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| lang.code().eq_ignore_ascii_case(primary))
    }

    /// Of a name kept in each language (a meal, a recipe, an ingredient), the one in this one.
    pub fn pick<'a>(self, km: &'a str, en: &'a str, fr: &'a str) -> &'a str {
        match self {
            Lang::Km => km,
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    /// The language's own name, for the switch.
    pub const fn name_key(self) -> Key {
        match self {
            Lang::Km => Key::LangKm,
            Lang::En => Key::LangEn,
            Lang::Fr => Key::LangFr,
        }
    }

    /// The `Set-Cookie` value that remembers this language for a year.
    pub fn cookie(self) -> String {
        format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            self.code()
        )
    }

    /// A whole number in this language's digits (Khmer digits in Khmer).
    pub fn number(self, n: i64) -> String {
        let digits = n.to_string();
        match self {
            Lang::Km => digits.chars().map(khmer_digit).collect(),
            Lang::En | Lang::Fr => digits,
        }
    }

    fn table(self) -> &'static [&'static str; Key::ALL.len()] {
        match self {
            Lang::Km => &KM,
            Lang::En => &EN,
            Lang::Fr => &FR,
        }
    }
}

/// The current language, provided as context to every component.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct I18n {
    /// The language pages are rendered in.
    pub lang: Lang,
}

impl I18n {
    /// The translation of `key`.
    pub fn t(self, key: Key) -> &'static str {
        self.lang.table()[key as usize]
    }

    /// The translation of `key` with each `{name}` replaced by its value.
    pub fn fmt(self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// A whole number in the language's digits (Khmer digits in Khmer).
    pub fn num(self, n: i64) -> String {
        self.lang.number(n)
    }

    /// A date written out in full, as people of that language write it:
    /// "ថ្ងៃអាទិត្យ ទី២២ ខែវិច្ឆិកា ឆ្នាំ២០២៦", "Sunday 22 November 2026", "dimanche 22 novembre 2026".
    pub fn date_long(self, date: NaiveDate) -> String {
        let weekday = WEEKDAYS[date.weekday().num_days_from_monday() as usize];
        let month = MONTHS[date.month0() as usize];
        self.fmt(
            Key::DateLong,
            &[
                ("weekday", self.t(weekday)),
                ("day", &self.num(i64::from(date.day()))),
                ("month", self.t(month)),
                ("year", &self.num(i64::from(date.year()))),
            ],
        )
    }
}

impl I18n {
    /// A date in figures, day first, in the language's digits: "២២/១១/២០២៦", "22/11/2026".
    pub fn date_short(self, date: NaiveDate) -> String {
        self.date_as(date, "%d/%m/%Y")
    }

    /// A day without its year, "17/12", for a tight space such as a bed in a building's plan.
    pub fn day_month(self, date: NaiveDate) -> String {
        self.date_as(date, "%d/%m")
    }

    /// `date` in `format`, in the language's digits.
    fn date_as(self, date: NaiveDate, format: &str) -> String {
        let text = date.format(format).to_string();
        match self.lang {
            Lang::Km => text.chars().map(khmer_digit).collect(),
            Lang::En | Lang::Fr => text,
        }
    }

    /// A decimal number written with ASCII digits and a point ("10.80"), in the language's
    /// digits and decimal mark: "១០.៨០", "10.80", "10,80".
    pub fn decimal(self, text: &str) -> String {
        match self.lang {
            Lang::Km => text.chars().map(khmer_digit).collect(),
            Lang::En => text.to_owned(),
            Lang::Fr => text.replace('.', ","),
        }
    }

    /// A local time of day, "18:00", in the language's digits.
    pub fn time(self, at: chrono::NaiveTime) -> String {
        let text = at.format("%H:%M").to_string();
        match self.lang {
            Lang::Km => text.chars().map(khmer_digit).collect(),
            Lang::En | Lang::Fr => text,
        }
    }

    /// A local date and time, "22/11/2026 21:00", in the language's digits.
    pub fn date_time(self, at: chrono::NaiveDateTime) -> String {
        let text = at.format("%d/%m/%Y %H:%M").to_string();
        match self.lang {
            Lang::Km => text.chars().map(khmer_digit).collect(),
            Lang::En | Lang::Fr => text,
        }
    }
}

/// The weekdays' names, Monday first.
pub const WEEKDAYS: [Key; 7] = [
    Key::Weekday1,
    Key::Weekday2,
    Key::Weekday3,
    Key::Weekday4,
    Key::Weekday5,
    Key::Weekday6,
    Key::Weekday7,
];

const MONTHS: [Key; 12] = [
    Key::Month1,
    Key::Month2,
    Key::Month3,
    Key::Month4,
    Key::Month5,
    Key::Month6,
    Key::Month7,
    Key::Month8,
    Key::Month9,
    Key::Month10,
    Key::Month11,
    Key::Month12,
];

/// `template` (a translation) with each `{name}` replaced by its value. An island fills the
/// templates the server translated for it, without the translation tables.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

fn khmer_digit(c: char) -> char {
    match c.to_digit(10) {
        // U+17E0 KHMER DIGIT ZERO onwards.
        Some(d) => char::from_u32(0x17E0 + d).unwrap_or(c),
        None => c,
    }
}

/// The language for this render: from the request's cookie on the server, from `<html lang>`
/// (which the server wrote) in the browser.
pub fn current_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                crate::base::cookies::request_cookie(&parts.headers, LANG_COOKIE)
                    .and_then(Lang::parse)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
}

/// The translations for the current render.
pub fn use_i18n() -> I18n {
    leptos::prelude::use_context::<I18n>().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn locale(lang: Lang) -> BTreeMap<String, String> {
        let path = format!(
            "{}/locales/{}.json",
            env!("CARGO_MANIFEST_DIR"),
            lang.code()
        );
        let text = std::fs::read_to_string(&path).expect("locale file is readable");
        serde_json::from_str(&text).expect("locale file is a flat object of strings")
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn every_key_is_translated_in_every_language() {
        let english = locale(Lang::En);
        for lang in Lang::ALL {
            let table = locale(lang);
            let missing: Vec<_> = english.keys().filter(|k| !table.contains_key(*k)).collect();
            let unknown: Vec<_> = table.keys().filter(|k| !english.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{}.json lacks {missing:?}", lang.code());
            assert!(
                unknown.is_empty(),
                "{}.json has keys English lacks: {unknown:?}",
                lang.code()
            );
            for (key, text) in &table {
                assert!(
                    !text.trim().is_empty(),
                    "{}.json: {key} is empty",
                    lang.code()
                );
                assert_eq!(
                    placeholders(text),
                    placeholders(&english[key]),
                    "{}.json: {key} has other placeholders than English",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn khmer_text_is_written_in_khmer_script() {
        // A string copied from English into km.json would pass the key check; this catches it.
        // Language names, and text that names a command, are the same in every language.
        let is_khmer = |c: char| ('\u{1780}'..='\u{17FF}').contains(&c);
        let shared = ["lang.en", "lang.fr"];
        for (key, text) in locale(Lang::Km) {
            if !shared.contains(&key.as_str()) {
                assert!(
                    text.chars().any(is_khmer),
                    "km.json: {key} has no Khmer: {text:?}"
                );
            }
        }
    }

    #[test]
    fn generated_keys_follow_the_english_file() {
        let english = locale(Lang::En);
        assert_eq!(Key::ALL.len(), english.len());
        for key in Key::ALL {
            assert_eq!(I18n { lang: Lang::En }.t(key), english[key.id()]);
        }
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a valid date");
        assert_eq!(
            I18n { lang: Lang::En }.date_long(day),
            "Sunday 22 November 2026"
        );
        assert_eq!(
            I18n { lang: Lang::Fr }.date_long(day),
            "dimanche 22 novembre 2026"
        );
        assert_eq!(
            I18n { lang: Lang::Km }.date_long(day),
            "ថ្ងៃអាទិត្យ ទី២២ ខែវិច្ឆិកា ឆ្នាំ២០២៦"
        );
    }

    #[test]
    fn numbers_use_khmer_digits_in_khmer_only() {
        assert_eq!(I18n { lang: Lang::Km }.num(160), "១៦០");
        assert_eq!(I18n { lang: Lang::Km }.num(-7), "-៧");
        assert_eq!(I18n { lang: Lang::Fr }.num(250), "250");
    }

    #[test]
    fn interpolation_replaces_every_named_placeholder() {
        let en = I18n { lang: Lang::En };
        assert_eq!(en.fmt(Key::HomePlaces, &[("count", "160")]), "160 places");
        // An argument the text does not name changes nothing.
        assert_eq!(en.fmt(Key::HomePlaces, &[("other", "1")]), "{count} places");
    }

    #[test]
    fn language_codes_parse_leniently_and_refuse_others() {
        assert_eq!(Lang::parse("km"), Some(Lang::Km));
        assert_eq!(Lang::parse("FR-fr"), Some(Lang::Fr));
        assert_eq!(Lang::parse("en_GB"), Some(Lang::En));
        assert_eq!(Lang::parse("th"), None);
        assert_eq!(Lang::parse(""), None);
    }

    #[test]
    fn the_cookie_header_names_the_language() {
        let from_cookie_header = |header: &str| {
            crate::base::cookies::cookie_value(header, LANG_COOKIE).and_then(Lang::parse)
        };
        assert_eq!(from_cookie_header("a=1; lang=fr; b=2"), Some(Lang::Fr));
        assert_eq!(from_cookie_header("language=fr"), None);
        assert_eq!(from_cookie_header("lang=xx"), None);
        assert_eq!(from_cookie_header(""), None);
    }
}
