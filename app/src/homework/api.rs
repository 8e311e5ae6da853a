//! Server functions of homework. Tutors see and mark their own classes only; house staff and
//! the admin see and mark all, and manage classes and enrolments; other roles and families
//! get 403.

use leptos::prelude::*;

use super::model::{
    ClassForm, ClassPage, ClassesPage, ResidentAttendance, SessionPage, TonightPage,
};
use crate::base::access::Role;
use crate::base::error::AppError;
use crate::base::ui::Marked;

#[cfg(feature = "ssr")]
use {
    super::model::{
        AttendanceRow, Flag, HomeworkClass, Outcome, PupilRate, SessionSummary, Status, Tally,
    },
    crate::base::access::{CurrentStaff, Writer},
    crate::base::i18n::Key,
    chrono::NaiveDate,
};

/// Who sees homework.
pub const VIEW: [Role; 3] = [Role::Tutor, Role::HouseStaff, Role::Admin];
/// Who manages classes and enrolments, and sees every class.
pub const MANAGE: [Role; 2] = [Role::HouseStaff, Role::Admin];

/// Tonight's sessions: a tutor's own, or all for house staff and admin; with the flags for
/// house staff and admin. Tutors, house staff, admin.
#[server(endpoint = "get_tonight")]
pub async fn get_tonight() -> Result<TonightPage, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let all = ssr::sees_all(&staff);
    let today = crate::base::clock::today_at_centre();
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let classes = super::repo::classes(&mut conn, (!all).then_some(staff.id)).await?;
    let occupants = ssr::occupants_on(&mut conn, today).await?;
    let cancelled_today = super::repo::cancellations_between(&mut conn, today, today).await?;
    let reasons = super::repo::cancellation_reasons(&mut conn, today).await?;
    let mut sessions = Vec::new();
    for class in classes.into_iter().filter(|c| c.timetable.meets_on(today)) {
        let cancelled = cancelled_today
            .iter()
            .any(|(id, _)| *id == class.id)
            .then(|| reasons.get(&class.id).cloned().unwrap_or_default());
        let rows = ssr::session_rows(&mut conn, &class, today, &occupants).await?;
        sessions.push(SessionSummary {
            tally: Tally::of(&rows),
            class,
            cancelled,
        });
    }
    let n = super::repo::absences_in_a_row(&mut conn).await?;
    let flags = if all {
        ssr::flags(&mut conn, today, n).await?
    } else {
        Vec::new()
    };
    Ok(TonightPage {
        today,
        sessions,
        flags,
        absences_in_a_row: n,
        can_manage: all,
    })
}

/// A session's attendance (today's when no day is given). Tutors (their classes), house
/// staff, admin.
#[server(endpoint = "get_session")]
pub async fn get_session(
    class_id: i64,
    #[server(default)] day: String,
) -> Result<SessionPage, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let day =
        crate::base::fields::date_field_or(&day, "day", crate::base::clock::today_at_centre())?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let class = ssr::visible_class(&mut conn, &staff, class_id).await?;
    let today = crate::base::clock::today_at_centre();
    let scheduled = class.timetable.meets_on(day);
    let cancelled = super::repo::cancellations(&mut conn, class.id)
        .await?
        .remove(&day);
    let rows = if scheduled {
        let occupants = ssr::occupants_on(&mut conn, day).await?;
        ssr::session_rows(&mut conn, &class, day, &occupants).await?
    } else {
        Vec::new()
    };
    Ok(SessionPage {
        can_mark: scheduled && cancelled.is_none() && day <= today,
        class,
        day,
        today,
        cancelled,
        scheduled,
        rows,
        marker: crate::base::ui::Marker::of(&staff),
    })
}

/// Marks one resident at a session: present, absent, late, or excused with a reason. A past
/// session needs `confirm`. Tutors (their classes), house staff, admin. A tablet's outbox
/// names the mark (`sent[mark_id]`, `sent[made_ms]`, `sent[sent_ms]`): it is applied once, dated by when it was made.
#[server(endpoint = "mark_attendance")]
pub async fn mark_attendance(
    class_id: i64,
    day: String,
    resident_id: i64,
    status: String,
    #[server(default)] reason: String,
    #[server(default)] confirm: String,
    #[server(default)] sent: crate::base::outbox::SentFields,
) -> Result<Marked, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let session = ssr::markable(&staff, class_id, &day, &confirm).await?;
    let (status, reason) = super::model::check_mark(&status, &reason)?;
    let sent = sent.parse()?;
    let marks = super::record::Marks::One {
        resident_id,
        status,
        reason,
        sent,
    };
    ssr::mark(&staff, session, marks, &format!("#p{resident_id}")).await
}

/// Marks everyone not marked yet and not away as present. Tutors (their classes), house
/// staff, admin.
#[server(endpoint = "mark_session_all_present")]
pub async fn mark_session_all_present(
    class_id: i64,
    day: String,
    #[server(default)] confirm: String,
) -> Result<Marked, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let session = ssr::markable(&staff, class_id, &day, &confirm).await?;
    ssr::mark(&staff, session, super::record::Marks::AllPresent, "").await
}

/// Every class the caller sees. Tutors (theirs), house staff, admin.
#[server(endpoint = "list_classes")]
pub async fn list_classes() -> Result<ClassesPage, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let all = ssr::sees_all(&staff);
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let classes = super::repo::classes(&mut conn, (!all).then_some(staff.id)).await?;
    let tutors = if all {
        crate::people::repo::holding(&mut conn, Role::Tutor).await?
    } else {
        Vec::new()
    };
    Ok(ClassesPage {
        classes,
        tutors,
        today: crate::base::clock::today_at_centre(),
        absences_in_a_row: super::repo::absences_in_a_row(&mut conn).await?,
        can_manage: all,
    })
}

/// A class with its roll, sessions and rates. Tutors (theirs), house staff, admin.
#[server(endpoint = "get_class")]
pub async fn get_class(id: i64) -> Result<ClassPage, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let all = ssr::sees_all(&staff);
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let class = ssr::visible_class(&mut conn, &staff, id).await?;
    let today = crate::base::clock::today_at_centre();
    let t = class.timetable;
    let cancelled = super::repo::cancellations(&mut conn, id).await?;
    let sessions = t
        .days(t.term_from, t.term_until)
        .into_iter()
        .map(|day| (day, cancelled.get(&day).cloned()))
        .collect();
    let scope = super::repo::Scope {
        class: Some(id),
        resident: None,
    };
    let span = (t.term_from, today.min(t.term_until));
    let outcomes =
        super::history::outcomes(&mut conn, span, scope, crate::base::clock::now()).await?;
    let of_class = |resident: i64| -> Vec<Outcome> {
        outcomes
            .get(&resident)
            .map(|s| {
                s.iter()
                    .filter(|s| s.class_id == id)
                    .map(|s| s.outcome)
                    .collect()
            })
            .unwrap_or_default()
    };
    let roll = super::repo::roll(&mut conn, id, today.max(t.term_from)).await?;
    let pupils: Vec<PupilRate> = roll
        .into_iter()
        .map(|p| PupilRate {
            rate: super::model::rate(&of_class(p.resident_id)),
            resident_id: p.resident_id,
            name_km: p.name_km,
            name_latin: p.name_latin,
            grade: p.grade,
        })
        .collect();
    let all_outcomes: Vec<Outcome> = outcomes
        .values()
        .flatten()
        .filter(|s| s.class_id == id)
        .map(|s| s.outcome)
        .collect();
    let (candidates, tutors) = if all {
        let enrolled: Vec<i64> = pupils.iter().map(|p| p.resident_id).collect();
        let candidates = super::repo::current_residents(&mut conn)
            .await?
            .into_iter()
            .filter(|c| !enrolled.contains(&c.resident_id))
            .filter(|c| super::model::Level::of_grade(&c.grade) == Some(class.level))
            .collect();
        (
            candidates,
            crate::people::repo::holding(&mut conn, Role::Tutor).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    let history = ssr::class_history(&mut conn, id, staff.has(Role::Admin)).await?;
    Ok(ClassPage {
        history,
        rate: super::model::rate(&all_outcomes),
        class,
        today,
        pupils,
        sessions,
        candidates,
        tutors,
        can_manage: all,
    })
}

/// Adds a class (`id` 0) or changes one. House staff and admin.
#[server(endpoint = "save_class")]
pub async fn save_class(class: ClassForm) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let checked = super::model::check_class(&class.input, class.days.bits())?;
    let id = (class.id != 0).then_some(class.id);
    let id = super::record::save_class(&w.pool, &w.by, id, &checked).await?;
    crate::base::write::saved(&format!("/homework/classes/{id}"))
}

/// Enrols a resident in a class from today. House staff and admin.
#[server(endpoint = "enrol")]
pub async fn enrol(class_id: i64, resident_id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    super::record::enrol(&w.pool, &w.by, class_id, resident_id, w.today).await?;
    crate::base::write::saved(&format!("/homework/classes/{class_id}#pupils"))
}

/// Takes a resident out of a class after tonight (tonight's mark stays). House staff and
/// admin.
#[server(endpoint = "unenrol")]
pub async fn unenrol(class_id: i64, resident_id: i64) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let from = w.today.succ_opt().unwrap_or(w.today);
    super::record::unenrol(&w.pool, &w.by, class_id, resident_id, from).await?;
    crate::base::write::saved(&format!("/homework/classes/{class_id}#pupils"))
}

/// Cancels a session with a reason, or restores it (`restore` set). House staff and admin.
#[server(endpoint = "cancel_session")]
pub async fn cancel_session(
    class_id: i64,
    day: String,
    #[server(default)] reason: String,
    #[server(default)] restore: String,
) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let day = crate::base::fields::date_field(&day, "day")?;
    let reason = reason.trim();
    let reason = if restore.is_empty() {
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(AppError::invalid("reason", Key::ProblemReasonNeeded));
        }
        Some(reason)
    } else {
        None
    };
    super::record::cancel_session(&w.pool, &w.by, class_id, day, reason).await?;
    crate::base::write::saved(&format!("/homework/classes/{class_id}#sessions"))
}

/// A resident's homework attendance over the last four months. Tutors (only residents of
/// their classes), house staff, admin.
#[server(endpoint = "get_resident_homework")]
pub async fn get_resident_homework(id: i64) -> Result<ResidentAttendance, AppError> {
    let staff = crate::base::guard::require(&VIEW).await?;
    let mut conn = crate::base::db::pool()?.acquire().await?;
    let all = ssr::sees_all(&staff);
    // Someone who is not there is not found, for a tutor as for anyone.
    let names = crate::residents::repo::resident_names(&mut conn, &[id]).await?;
    let (name_km, name_latin, _) = names.get(&id).cloned().ok_or(AppError::NotFound)?;
    if !all && !super::repo::taught_by(&mut conn, id, staff.id).await? {
        return Err(AppError::Forbidden);
    }
    let today = crate::base::clock::today_at_centre();
    let classes = super::repo::classes(&mut conn, None).await?;
    let from = today - chrono::Days::new(120);
    let scope = super::repo::Scope {
        class: None,
        resident: Some(id),
    };
    let mut sessions =
        super::history::outcomes(&mut conn, (from, today), scope, crate::base::clock::now())
            .await?
            .remove(&id)
            .unwrap_or_default();
    if !all {
        // A tutor sees the resident's sessions in their own classes only.
        sessions.retain(|s| {
            classes
                .iter()
                .any(|c| c.id == s.class_id && c.tutor_id == staff.id)
        });
    }
    let outcomes: Vec<Outcome> = sessions.iter().map(|s| s.outcome).collect();
    let mut rows: Vec<_> = sessions
        .into_iter()
        .map(|s| {
            let name = classes
                .iter()
                .find(|c| c.id == s.class_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (name, s.day, s.outcome, s.reason, s.away)
        })
        .collect();
    rows.reverse();
    Ok(ResidentAttendance {
        resident_id: id,
        name_km,
        name_latin,
        sessions: rows,
        rate: super::model::rate(&outcomes),
    })
}

/// Sets how many unexplained absences in a row flag a resident. House staff and admin.
#[server(endpoint = "save_homework_settings")]
pub async fn save_homework_settings(absences_in_a_row: String) -> Result<(), AppError> {
    let w = crate::base::write::staff(&MANAGE).await?;
    let n = absences_in_a_row
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (1..=20).contains(n))
        .ok_or(AppError::invalid(
            "absences_in_a_row",
            Key::ProblemAbsencesInARow,
        ))?;
    super::record::set_absences_in_a_row(&w.pool, &w.by, n).await?;
    crate::base::write::saved("/homework/classes")
}

/// What the server functions share, on the server only.
#[cfg(feature = "ssr")]
mod ssr {
    use super::*;

    pub(super) fn sees_all(staff: &CurrentStaff) -> bool {
        staff.roles.iter().any(|role| MANAGE.contains(role))
    }

    /// The class, if the caller may see it: every class for house staff and admin, their own
    /// for a tutor (another's reads as not found).
    pub(super) async fn visible_class(
        conn: &mut sqlx::SqliteConnection,
        staff: &CurrentStaff,
        id: i64,
    ) -> Result<HomeworkClass, AppError> {
        let class = crate::homework::repo::class(conn, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if sees_all(staff) || class.tutor_id == staff.id {
            Ok(class)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A session's rows: the roll on that day, marks, and who is away at its start (from the
    /// day's occupants, loaded once by the caller).
    pub(super) async fn session_rows(
        conn: &mut sqlx::SqliteConnection,
        class: &HomeworkClass,
        day: NaiveDate,
        occupants: &std::collections::BTreeMap<i64, crate::presence::model::Occupant>,
    ) -> Result<Vec<AttendanceRow>, AppError> {
        let roll = crate::homework::repo::roll(conn, class.id, day).await?;
        let marks = crate::homework::repo::marks(conn, class.id, day).await?;
        let at = crate::presence::model::instant(day, class.timetable.starts_at);
        Ok(roll
            .into_iter()
            .map(|pupil| {
                let mark = marks.get(&pupil.resident_id);
                AttendanceRow {
                    away: crate::homework::history::away_at(occupants.get(&pupil.resident_id), at),
                    resident_id: pupil.resident_id,
                    name_km: pupil.name_km,
                    name_latin: pupil.name_latin,
                    status: mark.map(|(s, ..)| *s),
                    reason: mark.map(|(_, r, _)| r.clone()).unwrap_or_default(),
                }
            })
            .collect())
    }

    /// The residents with a bed on `day`, by id.
    pub(super) async fn occupants_on(
        conn: &mut sqlx::SqliteConnection,
        day: NaiveDate,
    ) -> Result<std::collections::BTreeMap<i64, crate::presence::model::Occupant>, AppError> {
        Ok(crate::presence::repo::occupants_between(conn, day, day)
            .await?
            .into_iter()
            .map(|o| (o.resident.id, o))
            .collect())
    }

    /// Flags: residents whose latest sessions (over the last eight weeks) end in `n` or more
    /// unexplained absences.
    pub(super) async fn flags(
        conn: &mut sqlx::SqliteConnection,
        today: NaiveDate,
        n: i64,
    ) -> Result<Vec<Flag>, AppError> {
        let from = today - chrono::Days::new(56);
        let scope = crate::homework::repo::Scope::default();
        let outcomes = crate::homework::history::outcomes(
            conn,
            (from, today),
            scope,
            crate::base::clock::now(),
        )
        .await?;
        let mut flagged = Vec::new();
        for (resident_id, sessions) in outcomes {
            let outcomes: Vec<Outcome> = sessions.iter().map(|s| s.outcome).collect();
            let absences = crate::homework::model::absences_in_a_row(&outcomes);
            if absences as i64 >= n {
                let last = sessions
                    .iter()
                    .rev()
                    .find(|s| s.outcome == Outcome::Marked(Status::Absent))
                    .map_or(today, |s| s.day);
                flagged.push((resident_id, absences, last));
            }
        }
        let ids: Vec<i64> = flagged.iter().map(|(id, ..)| *id).collect();
        let names = crate::residents::repo::resident_names(conn, &ids).await?;
        let mut out = Vec::new();
        for (resident_id, absences, last) in flagged {
            if let Some((name_km, name_latin, _)) = names.get(&resident_id) {
                out.push(Flag {
                    resident_id,
                    name_km: name_km.clone(),
                    name_latin: name_latin.clone(),
                    absences,
                    last,
                });
            }
        }
        out.sort_by(|a, b| {
            b.absences
                .cmp(&a.absences)
                .then(a.name_latin.cmp(&b.name_latin))
        });
        Ok(out)
    }

    /// The class and day of a mark, if the caller may mark it: their class (or any, for house
    /// staff and admin), a day that has come, and a past day only when confirmed.
    pub(super) async fn markable(
        staff: &CurrentStaff,
        class_id: i64,
        day: &str,
        confirm: &str,
    ) -> Result<(HomeworkClass, NaiveDate), AppError> {
        let mut conn = crate::base::db::pool()?.acquire().await?;
        let class = visible_class(&mut conn, staff, class_id).await?;
        let day = crate::base::fields::date_field(day, "day")?;
        let today = crate::base::clock::today_at_centre();
        crate::homework::model::check_markable(day, today, !confirm.is_empty())?;
        Ok((class, day))
    }

    /// Records `marks` at the session, then goes back to it at `anchor` (a form post), or
    /// answers with the session's rows as now recorded (a mark sent in the background).
    pub(super) async fn mark(
        staff: &CurrentStaff,
        (class, day): (HomeworkClass, NaiveDate),
        marks: crate::homework::record::Marks,
        anchor: &str,
    ) -> Result<Marked, AppError> {
        use crate::homework::pages::{row_id, row_state, tally_text};

        let pool = crate::base::db::pool()?;
        let recorded = crate::homework::record::mark(
            &pool,
            &Writer::staff(staff),
            (class.id, day),
            marks,
            crate::base::clock::now_ms(),
        )
        .await?;
        leptos_axum::redirect(&session_url(class.id, day, anchor));
        let i18n = crate::base::i18n::I18n {
            lang: crate::base::i18n::current_lang(),
        };
        let mut conn = pool.acquire().await?;
        let occupants = occupants_on(&mut conn, day).await?;
        let rows = session_rows(&mut conn, &class, day, &occupants).await?;
        Ok(Marked {
            tally: tally_text(i18n, Tally::of(&rows)),
            rows: rows
                .iter()
                .map(|row| {
                    let (class, state) = row_state(i18n, row);
                    crate::base::ui::MarkedRow {
                        id: row_id(row.resident_id),
                        class: class.to_owned(),
                        state,
                        pressed: row.status.map(|s| s.code()).unwrap_or_default().to_owned(),
                    }
                })
                .collect(),
            recorded: recorded.code().to_owned(),
        })
    }

    /// Back to the session; a past one stays open for correction.
    pub(super) fn session_url(class_id: i64, day: NaiveDate, anchor: &str) -> String {
        let correcting = if day < crate::base::clock::today_at_centre() {
            "&correct=1"
        } else {
            ""
        };
        format!("/homework/session/{class_id}?day={day}&saved=1{correcting}{anchor}")
    }

    /// A class's history: the class, who was given a place or left it, and which sessions were
    /// cancelled; tutors and pupils named in words.
    pub(super) async fn class_history(
        conn: &mut sqlx::SqliteConnection,
        id: i64,
        admin: bool,
    ) -> Result<Vec<crate::audit::history::HistoryEntry>, AppError> {
        use crate::audit::history::{Subject, entry, name_values};
        use crate::homework::model::CLASS_HISTORY;
        let subject = Subject {
            entity: "homework_class",
            id,
            named_in: &[("enrolment", "class_id")],
            parts: Some("homework_session"),
        };
        let mut history: Vec<_> = crate::audit::repo::history(conn, &subject, 50)
            .await?
            .into_iter()
            .map(|raw| entry(raw, CLASS_HISTORY, admin))
            .collect();
        let tutors = crate::people::repo::holding(conn, Role::Tutor).await?;
        name_values(&mut history, "tutor_id", |tutor| {
            tutors
                .iter()
                .find(|(id, _)| id.to_string() == tutor)
                .map(|(_, name)| name.clone())
        });
        let lang = crate::base::i18n::current_lang();
        let mut pupils = std::collections::HashMap::new();
        for change in history
            .iter()
            .flat_map(|e| &e.changes)
            .filter(|c| c.field == "resident_id")
        {
            let Some(resident) = change.after.as_deref().or(change.before.as_deref()) else {
                continue;
            };
            if let (false, Ok(resident_id)) =
                (pupils.contains_key(resident), resident.parse::<i64>())
            {
                let name = crate::residents::repo::resident(conn, resident_id)
                    .await?
                    .map(|r| {
                        let i18n = crate::base::i18n::I18n { lang };
                        crate::residents::pages::resident_name(
                            i18n,
                            &r.fields.name_km,
                            &r.fields.name_latin,
                        )
                    });
                pupils.insert(resident.to_owned(), name);
            }
        }
        name_values(&mut history, "resident_id", |resident| {
            pupils.get(resident).cloned().flatten()
        });
        Ok(history)
    }
}
