//! Registering a camp's children from a spreadsheet saved as CSV, as the residents' import
//! does: every row checked in words and the file previewed (a new child, a child who came
//! before, one already in this camp, a repeat, or what is wrong), nothing written until the
//! preview is confirmed. Each row then registers as the form does (`record::register`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{
    CampRules, CamperForm, NewCamper, NewGuardian, PlaceProblem, check_camper, check_place,
};
use crate::base::i18n::Key;
use crate::residents::import::{
    ALLERGIES, BORN_ON, Column, DIET, FileProblem, NAME_KM, NAME_LATIN, SEX, Sheet,
};

/// The columns, in form order: the child's as the residents' import reads them, then the
/// group and the guardians.
const COLUMNS: [Column; 16] = [
    NAME_KM,
    NAME_LATIN,
    SEX,
    BORN_ON,
    ("group", &["group", "groupe", "ក្រុម"]),
    DIET,
    ALLERGIES,
    (
        "medical_note",
        &[
            "medical_note",
            "medical note",
            "note médicale",
            "កំណត់ចំណាំវេជ្ជសាស្ត្រ",
        ],
    ),
    (
        "guardian1_name",
        &["guardian1_name", "guardian", "responsable", "អាណាព្យាបាល"],
    ),
    (
        "guardian1_phone",
        &["guardian1_phone", "phone", "téléphone", "ទូរស័ព្ទ"],
    ),
    (
        "guardian1_relationship",
        &["guardian1_relationship", "relationship", "lien", "ទំនាក់ទំនង"],
    ),
    (
        "guardian1_may_collect",
        &[
            "guardian1_may_collect",
            "may collect",
            "peut récupérer",
            "អាចមកទទួល",
        ],
    ),
    (
        "guardian2_name",
        &["guardian2_name", "guardian 2", "responsable 2"],
    ),
    (
        "guardian2_phone",
        &["guardian2_phone", "phone 2", "téléphone 2"],
    ),
    (
        "guardian2_relationship",
        &["guardian2_relationship", "relationship 2", "lien 2"],
    ),
    (
        "guardian2_may_collect",
        &["guardian2_may_collect", "may collect 2", "peut récupérer 2"],
    ),
];

/// Columns a file must have.
const REQUIRED: [&str; 8] = [
    "name_km",
    "name_latin",
    "sex",
    "born_on",
    "group",
    "guardian1_name",
    "guardian1_phone",
    "guardian1_relationship",
];

/// What confirming will do with one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CamperRowStatus {
    /// A child never registered before: entered, and given a place.
    New,
    /// A child who came to a camp before: found (never entered twice), their guardians added
    /// or updated, and given a place.
    Known,
    /// Already has a place in this camp: skipped.
    InCamp,
    /// The same child on an earlier line of the file: skipped.
    Repeated,
    /// What is wrong, in words: skipped.
    Problem(Key),
}

/// One row of the file, as the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperImportRow {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    pub name_km: String,
    pub name_latin: String,
    /// The group as written.
    pub group: String,
    pub status: CamperRowStatus,
}

/// A row ready to register: the child, their guardians and the group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CamperEntry {
    pub camper: NewCamper,
    pub guardians: Vec<NewGuardian>,
    pub group_id: i64,
}

/// The camp's group a file names: its name as written (case aside), or the one group whose
/// name holds it ("Dolphins" for "ផ្សោត Dolphins 8–9").
fn group_named(groups: &[(i64, String)], written: &str) -> Option<i64> {
    let written = written.trim().to_lowercase();
    if written.is_empty() {
        return None;
    }
    if let Some((id, _)) = groups
        .iter()
        .find(|(_, name)| name.to_lowercase() == written)
    {
        return Some(*id);
    }
    let mut holding = groups
        .iter()
        .filter(|(_, name)| name.to_lowercase().contains(&written));
    match (holding.next(), holding.next()) {
        (Some((id, _)), None) => Some(*id),
        _ => None,
    }
}

/// A yes or no cell: empty is `default`.
fn yes(cell: &str, default: bool) -> Option<String> {
    let yes = match cell.trim().to_lowercase().as_str() {
        "" => default,
        "yes" | "y" | "oui" | "o" | "1" | "true" | "x" | "បាទ" | "ចាស" | "បាន" => {
            true
        }
        _ => false,
    };
    yes.then(|| "on".to_owned())
}

/// Reads every data row for the camp with `groups` and `rules`, on `today`. `known` says
/// whether a child (Latin name, date of birth) came before, and whether they hold a place in
/// this camp already.
pub fn read_rows(
    records: &[Vec<String>],
    (groups, rules): (&[(i64, String)], &CampRules),
    today: NaiveDate,
    known: impl Fn(&str, NaiveDate) -> (bool, bool),
) -> Result<Vec<(CamperImportRow, Option<CamperEntry>)>, FileProblem> {
    let sheet = Sheet::read(records, &COLUMNS, &REQUIRED)?;
    let mut seen: Vec<(String, NaiveDate)> = Vec::new();
    Ok(sheet
        .rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let cell = |column: &str| sheet.cell(row, column);
            let form = CamperForm {
                name_km: cell("name_km"),
                name_latin: cell("name_latin"),
                sex: cell("sex").to_lowercase(),
                born_on: cell("born_on"),
                diet: cell("diet"),
                allergies: cell("allergies")
                    .split([',', ';', ' '])
                    .filter(|a| !a.is_empty())
                    .map(|a| (a.trim().to_lowercase(), "on".to_owned()))
                    .collect(),
                medical_note: cell("medical_note"),
                guardian1_name: cell("guardian1_name"),
                guardian1_phone: cell("guardian1_phone"),
                guardian1_relationship: cell("guardian1_relationship").to_lowercase(),
                guardian1_may_collect: yes(&cell("guardian1_may_collect"), true),
                guardian2_name: cell("guardian2_name"),
                guardian2_phone: cell("guardian2_phone"),
                guardian2_relationship: cell("guardian2_relationship").to_lowercase(),
                guardian2_may_collect: yes(&cell("guardian2_may_collect"), true),
            };
            let group = cell("group");
            let (status, entry) = match check_camper(&form, today) {
                Err(problem) => (CamperRowStatus::Problem(problem.message()), None),
                Ok((camper, guardians)) => {
                    let identity = (camper.name_latin.to_lowercase(), camper.born_on);
                    let (came, in_camp) = known(&camper.name_latin, camper.born_on);
                    match (
                        group_named(groups, &group),
                        check_place(rules, 0, in_camp, camper.born_on),
                    ) {
                        _ if seen.contains(&identity) => (CamperRowStatus::Repeated, None),
                        (_, Err(PlaceProblem::Already)) => (CamperRowStatus::InCamp, None),
                        (_, Err(problem)) => (
                            CamperRowStatus::Problem(
                                crate::base::error::AppError::from(problem).message(),
                            ),
                            None,
                        ),
                        (None, Ok(())) => (CamperRowStatus::Problem(Key::ProblemImportGroup), None),
                        (Some(group_id), Ok(())) => {
                            seen.push(identity);
                            let status = if came {
                                CamperRowStatus::Known
                            } else {
                                CamperRowStatus::New
                            };
                            let entry = CamperEntry {
                                camper,
                                guardians,
                                group_id,
                            };
                            (status, Some(entry))
                        }
                    }
                }
            };
            (
                CamperImportRow {
                    line: n + 2,
                    name_km: form.name_km,
                    name_latin: form.name_latin,
                    group,
                    status,
                },
                entry,
            )
        })
        .collect())
}

/// A stored file for a camp, checked again against today's records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CamperImportPreview {
    pub id: i64,
    pub camp_id: i64,
    pub camp: String,
    pub file_name: String,
    pub rows: Vec<CamperImportRow>,
    /// Whether it was confirmed (and so has run), and how many it registered.
    pub confirmed: bool,
    pub added: i64,
}

impl CamperImportPreview {
    /// How many rows will register (new, known) and be skipped (in camp, repeated, wrong).
    pub fn counts(&self) -> (usize, usize, usize) {
        self.rows
            .iter()
            .fold((0, 0, 0), |(n, k, s), row| match row.status {
                CamperRowStatus::New => (n + 1, k, s),
                CamperRowStatus::Known => (n, k + 1, s),
                _ => (n, k, s + 1),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::residents::import::parse_csv;

    fn day(text: &str) -> NaiveDate {
        crate::base::fields::parse_date(text).expect("a date")
    }

    const FILE: &str = "name_km;name_latin;sex;born_on;group;allergies;guardian;phone;relationship;may collect;guardian 2;phone 2;relationship 2;may collect 2\r\n\
        សុខ ស្រីមុំ;Sok Sreymom;f;2017-03-09;dolphins;peanut;Sok Malis;012 345 001;mother;yes;Sok Bo;015 345 001;uncle;no\r\n\
        ចាន់ ដារា;Chan Dara;m;2015-10-09;Tigers 10–11;;Chan Srey;012 345 002;grandmother;;;;;\r\n\
        ហេង សុខា;Heng Sokha;m;2010-01-01;Tigers 10–11;;Heng Vy;012 345 003;mother;;;;;\r\n\
        កែវ មាលា;Keo Mealea;f;2016-05-05;Eagles;;Keo Ny;012 345 004;aunt;;;;;\r\n\
        គា វិសាល;Kea Visal;m;2016-05-05;Dolphins;;Kea Vy;12;mother;;;;;\r\n\
        សុខ ស្រីមុំ;SOK SREYMOM;f;2017-03-09;dolphins;;Sok Malis;012 345 001;mother;yes;;;;\r\n\
        លី ណារី;Ly Nary;f;2016-02-02;Dolphins;;Ly Vy;012 345 005;mother;;;;;\r\n";

    fn rules() -> CampRules {
        CampRules {
            starts_on: day("2026-12-20"),
            ends_on: day("2027-01-10"),
            min_age: 6,
            max_age: 14,
            places: 150,
        }
    }

    fn groups() -> Vec<(i64, String)> {
        vec![
            (1, "ផ្សោត Dolphins 8–9".into()),
            (2, "ខ្លា Tigers 10–11".into()),
        ]
    }

    #[test]
    fn each_row_says_what_confirming_will_do_or_what_is_wrong() {
        let rules = rules();
        let records = parse_csv(FILE).expect("parsed");
        let known = |name: &str, _: NaiveDate| match name {
            "Chan Dara" => (true, false),
            "Ly Nary" => (true, true),
            _ => (false, false),
        };
        let rows =
            read_rows(&records, (&groups(), &rules), day("2026-12-07"), known).expect("rows");
        let statuses: Vec<_> = rows
            .iter()
            .map(|(row, _)| (row.line, row.status.clone()))
            .collect();
        assert_eq!(
            statuses,
            vec![
                (2, CamperRowStatus::New),
                (3, CamperRowStatus::Known),
                (4, CamperRowStatus::Problem(Key::ProblemCampAge)),
                (5, CamperRowStatus::Problem(Key::ProblemImportGroup)),
                (6, CamperRowStatus::Problem(Key::ProblemPhone)),
                (7, CamperRowStatus::Repeated),
                (8, CamperRowStatus::InCamp),
            ]
        );
        // The first child: her allergy, her mother who collects, her uncle who may not.
        let entry = rows[0].1.as_ref().expect("ready");
        assert_eq!(entry.group_id, 1);
        assert_eq!(
            entry.camper.allergies,
            vec![crate::residents::model::Allergen::Peanut]
        );
        let collect: Vec<bool> = entry.guardians.iter().map(|g| g.may_collect).collect();
        assert_eq!(collect, vec![true, false]);
    }

    #[test]
    fn a_file_without_the_group_or_a_guardian_is_refused_whole() {
        let rules = rules();
        let no_group = "name_km,name_latin,sex,born_on,guardian,phone,relationship\nក,K,f,2017-01-01,G,012345678,mother\n";
        let records = parse_csv(no_group).expect("parsed");
        assert_eq!(
            read_rows(&records, (&groups(), &rules), day("2026-12-07"), |_, _| (
                false, false
            )),
            Err(FileProblem::MissingColumn)
        );
    }
}
