//! Importing residents from a spreadsheet saved as CSV: reading the file, checking every row
//! in words, and telling which rows are new, already recorded, or wrong. Nothing is written
//! until the user confirms (see `api::confirm_import`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::{ResidentFields, ResidentInput, ResidentProblem, check_resident};
use crate::base::i18n::Key;

/// The most rows one step of an import adds (the page asks for 25 at a time).
pub const MAX_STEP_ROWS: usize = 1000;

/// The largest file accepted: far more than a centre's spreadsheet.
pub const MAX_BYTES: usize = 1_000_000;

/// A column of a file: its name here, and the headers it goes by (English, French or Khmer).
pub type Column = (&'static str, &'static [&'static str]);

/// The columns of a child's names, sex, birth, diet and allergies: both imports read them.
pub const NAME_KM: Column = ("name_km", &["name_km", "khmer name", "nom khmer", "ឈ្មោះខ្មែរ"]);
pub const NAME_LATIN: Column = (
    "name_latin",
    &["name_latin", "latin name", "name", "nom", "ឈ្មោះឡាតាំង"],
);
pub const SEX: Column = ("sex", &["sex", "sexe", "ភេទ"]);
pub const BORN_ON: Column = (
    "born_on",
    &[
        "born_on",
        "date of birth",
        "birth date",
        "date de naissance",
        "ថ្ងៃកំណើត",
    ],
);
pub const DIET: Column = ("diet", &["diet", "régime", "regime", "របបអាហារ"]);
pub const ALLERGIES: Column = ("allergies", &["allergies", "allergy", "អាឡែស៊ី"]);

/// The columns, in form order.
const COLUMNS: [Column; 9] = [
    NAME_KM,
    NAME_LATIN,
    SEX,
    BORN_ON,
    ("grade", &["grade", "classe", "ថ្នាក់"]),
    ("programme", &["programme", "program", "កម្មវិធី"]),
    (
        "admitted_on",
        &["admitted_on", "admission date", "date d'admission", "ថ្ងៃចូល"],
    ),
    DIET,
    ALLERGIES,
];

/// Columns a file must have.
const REQUIRED: [&str; 6] = [
    "name_km",
    "name_latin",
    "sex",
    "born_on",
    "programme",
    "admitted_on",
];

/// Why a whole file was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileProblem {
    /// Not UTF-8 text.
    NotText,
    /// Empty, or only a header.
    Empty,
    /// Larger than [`MAX_BYTES`].
    TooLarge,
    /// A quote is never closed.
    Quotes,
    /// A required column is missing from the header.
    MissingColumn,
}

impl FileProblem {
    /// What the user is told.
    pub const fn message(self) -> Key {
        match self {
            FileProblem::NotText => Key::ImportNotText,
            FileProblem::Empty => Key::ImportEmpty,
            FileProblem::TooLarge => Key::ImportTooLarge,
            FileProblem::Quotes => Key::ImportQuotes,
            FileProblem::MissingColumn => Key::ImportMissingColumn,
        }
    }
}

impl From<FileProblem> for crate::base::error::AppError {
    fn from(problem: FileProblem) -> Self {
        crate::base::error::AppError::Validation {
            field: "file".into(),
            message: problem.message(),
        }
    }
}

/// A field of an uploaded form: its name, the file's name when it is a file, its bytes.
#[cfg(feature = "ssr")]
pub struct Upload {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// Reads every field of an uploaded form (a file and what comes with it), refusing a file over
/// [`MAX_BYTES`] as soon as it is: both imports take their files through it.
#[cfg(feature = "ssr")]
pub async fn upload_fields(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<Vec<Upload>, crate::base::error::AppError> {
    use crate::base::error::AppError;
    let mut form = data.into_inner().ok_or(AppError::BadRequest)?;
    let mut fields = Vec::new();
    while let Some(mut field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(|n| n.chars().take(200).collect());
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| AppError::BadRequest)? {
            if bytes.len() + chunk.len() > MAX_BYTES {
                return Err(FileProblem::TooLarge.into());
            }
            bytes.extend_from_slice(&chunk);
        }
        fields.push(Upload {
            name,
            file_name,
            bytes,
        });
    }
    Ok(fields)
}

/// The text of the uploaded `file` field, and the file's name (`default` when none is given).
#[cfg(feature = "ssr")]
pub fn uploaded_text(fields: Vec<Upload>, default: &str) -> Result<(String, String), FileProblem> {
    let file = fields
        .into_iter()
        .find(|field| field.name == "file")
        .ok_or(FileProblem::Empty)?;
    let text = String::from_utf8(file.bytes).map_err(|_| FileProblem::NotText)?;
    Ok((file.file_name.unwrap_or_else(|| default.to_owned()), text))
}

/// Splits CSV text into records of fields: commas or semicolons (as spreadsheets set to
/// French save them), double quotes around fields that hold them, CRLF or LF line ends.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, FileProblem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    let separator = if first_line.matches(';').count() > first_line.matches(',').count() {
        ';'
    } else {
        ','
    };
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, c) if c == separator => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(FileProblem::Quotes);
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records.retain(|r| r.iter().any(|f| !f.trim().is_empty()));
    Ok(records)
}

/// What an import will do with one row of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowStatus {
    /// Valid and new: it will be added.
    Ready,
    /// A resident with this name and date of birth is recorded already: it is skipped.
    Recorded,
    /// The same child appears on an earlier line of the file: it is skipped.
    Repeated,
    /// What is wrong, in words; it is skipped.
    Problems(Vec<Key>),
}

/// One row of the file, as the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    /// The Khmer name as written.
    pub name_km: String,
    /// The Latin name as written.
    pub name_latin: String,
    /// What will happen to it.
    pub status: RowStatus,
}

/// A parsed file's data rows, read by column: its header says where each column is, by any
/// of the column's names (case aside). The campers' import reads its files the same way.
pub struct Sheet<'a> {
    positions: Vec<(&'static str, Option<usize>)>,
    /// The data rows, the header left out.
    pub rows: &'a [Vec<String>],
}

impl<'a> Sheet<'a> {
    /// Reads `records` whose first is the header: `columns` by their names, every one of
    /// `required` present, and at least one data row.
    pub fn read(
        records: &'a [Vec<String>],
        columns: &[Column],
        required: &[&str],
    ) -> Result<Self, FileProblem> {
        let (header, rows) = records.split_first().ok_or(FileProblem::Empty)?;
        if rows.is_empty() {
            return Err(FileProblem::Empty);
        }
        let positions: Vec<(&'static str, Option<usize>)> = columns
            .iter()
            .map(|(column, names)| {
                let at = header
                    .iter()
                    .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)));
                (*column, at)
            })
            .collect();
        let sheet = Sheet { positions, rows };
        if required.iter().any(|column| sheet.index(column).is_none()) {
            return Err(FileProblem::MissingColumn);
        }
        Ok(sheet)
    }

    fn index(&self, column: &str) -> Option<usize> {
        self.positions
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, at)| *at)
    }

    /// `row`'s value in `column`, trimmed; empty when the file has no such column.
    pub fn cell(&self, row: &[String], column: &str) -> String {
        self.index(column)
            .and_then(|i| row.get(i))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    }
}

/// Reads every data row of a parsed file: the header names the columns.
pub fn read_rows(
    records: &[Vec<String>],
    today: NaiveDate,
) -> Result<Vec<(ImportRow, Option<ResidentFields>)>, FileProblem> {
    let sheet = Sheet::read(records, &COLUMNS, &REQUIRED)?;
    let cell = |row: &[String], column: &str| sheet.cell(row, column);
    let mut seen: Vec<(String, NaiveDate)> = Vec::new();
    Ok(sheet
        .rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let input = ResidentInput {
                name_km: cell(row, "name_km"),
                name_latin: cell(row, "name_latin"),
                sex: cell(row, "sex"),
                born_on: cell(row, "born_on"),
                grade: cell(row, "grade"),
                programme: cell(row, "programme"),
                admitted_on: cell(row, "admitted_on"),
                diet: cell(row, "diet"),
                allergies: cell(row, "allergies"),
            };
            let (status, fields) = match check_resident(&input, today) {
                Err(problems) => (
                    RowStatus::Problems(
                        problems.into_iter().map(ResidentProblem::message).collect(),
                    ),
                    None,
                ),
                Ok(fields) => {
                    let identity = (fields.name_latin.to_lowercase(), fields.born_on);
                    if seen.contains(&identity) {
                        (RowStatus::Repeated, None)
                    } else {
                        seen.push(identity);
                        (RowStatus::Ready, Some(fields))
                    }
                }
            };
            (
                ImportRow {
                    line: n + 2,
                    name_km: input.name_km,
                    name_latin: input.name_latin,
                    status,
                },
                fields,
            )
        })
        .collect())
}

/// A stored file, checked again against today's records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The import's id.
    pub id: i64,
    /// The file's name as uploaded.
    pub file_name: String,
    /// Every row and what will happen to it.
    pub rows: Vec<ImportRow>,
    /// Whether it was confirmed (and so has run).
    pub confirmed: bool,
}

impl ImportPreview {
    /// How many rows have each status: ready, recorded or repeated, with problems.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.rows
            .iter()
            .fold((0, 0, 0), |(r, s, p), row| match row.status {
                RowStatus::Ready => (r + 1, s, p),
                RowStatus::Recorded | RowStatus::Repeated => (r, s + 1, p),
                RowStatus::Problems(_) => (r, s, p + 1),
            })
    }
}

/// How far a confirmed import has gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProgress {
    /// Rows dealt with so far.
    pub done: usize,
    /// Rows in the file.
    pub total: usize,
    /// Residents added so far.
    pub added: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        crate::base::fields::parse_date("2026-11-22").expect("a date")
    }

    const FILE: &str = "name_km,name_latin,sex,born_on,grade,programme,admitted_on,diet,allergies\r\n\
        សុខ ស្រីមុំ,Sok Sreymom,f,2015-03-09,5,boarding_school,2022-06-01,,fish\r\n\
        \"ចាន់, ដារា\",\"Chan \"\"Dara\"\"\",m,09/10/2012,8,boarding_school,01/06/2021,vegetarian,\r\n\
        Heng,Heng Sokha,x,2030-01-01,,hotel,2022-06-01,,\r\n\
        សុខ ស្រីមុំ,sok sreymom,f,2015-03-09,5,boarding_school,2022-06-01,,\r\n";

    #[test]
    fn quoted_fields_keep_their_commas_and_quotes() {
        let records = parse_csv(FILE).expect("parsed");
        assert_eq!(records.len(), 5);
        assert_eq!(records[2][0], "ចាន់, ដារា");
        assert_eq!(records[2][1], "Chan \"Dara\"");
        assert_eq!(parse_csv("a,\"b\nc"), Err(FileProblem::Quotes));
    }

    #[test]
    fn semicolon_files_from_french_spreadsheets_read_the_same() {
        let semicolons = FILE
            .replace(',', ";")
            .replace("\"ចាន់; ដារា\"", "\"ចាន់, ដារា\"");
        let records = parse_csv(&semicolons).expect("parsed");
        assert_eq!(records[1][1], "Sok Sreymom");
    }

    #[test]
    fn each_row_says_in_words_what_is_wrong_and_repeats_are_skipped() {
        let rows = read_rows(&parse_csv(FILE).expect("parsed"), today()).expect("rows");
        let statuses: Vec<_> = rows
            .iter()
            .map(|(row, _)| (row.line, row.status.clone()))
            .collect();
        assert_eq!(statuses[0], (2, RowStatus::Ready));
        assert_eq!(statuses[1], (3, RowStatus::Ready));
        assert_eq!(
            statuses[2],
            (
                4,
                RowStatus::Problems(vec![
                    Key::ProblemNameKhmer,
                    Key::ProblemSex,
                    Key::ProblemBornOn,
                    Key::ProblemProgramme
                ])
            )
        );
        assert_eq!(statuses[3], (5, RowStatus::Repeated));
        assert!(rows[0].1.is_some() && rows[2].1.is_none());
    }

    #[test]
    fn a_file_without_a_required_column_or_rows_is_refused() {
        let no_sex = "name_km,name_latin,born_on,programme,admitted_on\nក,K,2015-01-01,residence,2024-01-01\n";
        assert_eq!(
            read_rows(&parse_csv(no_sex).expect("parsed"), today()),
            Err(FileProblem::MissingColumn)
        );
        assert_eq!(
            read_rows(&parse_csv("name_km\n").expect("parsed"), today()),
            Err(FileProblem::Empty)
        );
    }
}
