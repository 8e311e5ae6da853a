//! Generates the translation keys from `locales/*.json`.
//!
//! English is the reference: every key in `en.json` becomes a variant of `Key`, and every
//! language gets a table indexed by it. A key missing from another language falls back to
//! English here, with a build warning, and the unit test
//! `i18n::tests::every_key_is_translated_in_every_language` fails, so it cannot land.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a build script stops the build by panicking, with the message"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

const LANGS: [&str; 3] = ["en", "km", "fr"];

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = format!("locales/{lang}.json");
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path} is not a flat JSON object of strings: {e}"))
}

fn variant(key: &str) -> String {
    key.split(['.', '_', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            let first = chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .unwrap_or_default();
            std::iter::once(first).chain(chars).collect::<String>()
        })
        .collect()
}

fn main() {
    // `sqlx::migrate!` embeds the migrations: a new one must rebuild this crate.
    println!("cargo:rerun-if-changed=../migrations");
    let tables: Vec<BTreeMap<String, String>> = LANGS.iter().map(|lang| load(lang)).collect();
    let reference = &tables[0];
    let mut out = String::new();

    out.push_str(
        "/// A translation key: one per entry of `app/locales/en.json`.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]\n\
         pub enum Key {\n",
    );
    for key in reference.keys() {
        writeln!(out, "    #[serde(rename = {key:?})]\n    {},", variant(key)).unwrap();
    }
    out.push_str("}\n\nimpl Key {\n    /// Every key, in the order of the tables below.\n");
    writeln!(out, "    pub const ALL: [Key; {}] = [", reference.len()).unwrap();
    for key in reference.keys() {
        writeln!(out, "        Key::{},", variant(key)).unwrap();
    }
    out.push_str("    ];\n\n    /// The key as written in the translation files.\n    pub const fn id(self) -> &'static str {\n        match self {\n");
    for key in reference.keys() {
        writeln!(out, "            Key::{} => {key:?},", variant(key)).unwrap();
    }
    out.push_str("        }\n    }\n}\n\n");

    for (lang, table) in LANGS.iter().zip(&tables) {
        let missing: Vec<&String> = reference
            .keys()
            .filter(|k| !table.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            println!(
                "cargo:warning=locales/{lang}.json lacks {} key(s): {missing:?}",
                missing.len()
            );
        }
        writeln!(
            out,
            "static {}: [&str; {}] = [",
            lang.to_uppercase(),
            reference.len()
        )
        .unwrap();
        for (key, english) in reference {
            writeln!(out, "    {:?},", table.get(key).unwrap_or(english)).unwrap();
        }
        out.push_str("];\n\n");
    }

    let dest =
        Path::new(&env::var("OUT_DIR").expect("OUT_DIR is set by cargo")).join("i18n_keys.rs");
    fs::write(dest, out).expect("cannot write the generated keys");
}
