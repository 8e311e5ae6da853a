//! `/admin/backups`: how the nightly backups stand, the last ones taken with their checks,
//! and how to put one back. The dashboard shows the same state in one line ([`BackupLine`]).

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::get_backups;
use super::model::{Health, MISSING_AFTER_HOURS, Run};
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{ListTable, page_data};

/// A moment (Unix seconds) as the centre's date and time.
fn at_centre(i18n: I18n, at: i64) -> String {
    i18n.date_time(crate::base::clock::local(at))
}

/// A size in bytes, in kilobytes.
fn kilobytes(i18n: I18n, bytes: i64) -> String {
    format!("{} KB", i18n.num((bytes + 1023) / 1024))
}

/// The state of the backups in one sentence, and whether it is an alert.
pub fn health_words(i18n: I18n, health: &Health) -> String {
    match health {
        Health::Fine(run) => i18n.fmt(
            Key::BackupFine,
            &[
                ("at", &at_centre(i18n, run.finished_at)),
                ("rows", &i18n.num(run.rows)),
                ("tables", &i18n.num(run.tables)),
            ],
        ),
        Health::Failed(run) => i18n.fmt(
            Key::BackupFailed,
            &[
                ("at", &at_centre(i18n, run.finished_at)),
                (
                    "problem",
                    i18n.t(run.problem.map_or(Key::BackupProblemWrite, |p| p.key())),
                ),
            ],
        ),
        Health::Missing(Some(at)) => i18n.fmt(
            Key::BackupMissing,
            &[
                ("at", &at_centre(i18n, *at)),
                ("hours", &i18n.num(MISSING_AFTER_HOURS)),
            ],
        ),
        Health::Missing(None) => i18n.t(Key::BackupNone).to_owned(),
    }
}

/// The backups' state: a plain line, or a red alert; on the dashboard (`linked`) it leads to
/// the list of backups.
#[component]
pub fn BackupLine(health: Health, #[prop(optional)] linked: bool) -> impl IntoView {
    let i18n = use_i18n();
    let words = health_words(i18n, &health);
    if health.is_alert() {
        view! {
            <section class="alert backup-alert dash-alert" role="alert" id="backup-alert">
                <p class="alert-title">{words}</p>
                {linked.then(|| view! { <p><a href="/admin/backups">{i18n.t(Key::BackupSee)}</a></p> })}
            </section>
        }
        .into_any()
    } else if linked {
        view! {
            <p class="backup-line" id="backup-line">
                <a href="/admin/backups">{words}</a>
            </p>
        }
        .into_any()
    } else {
        view! { <p class="backup-line" id="backup-line">{words}</p> }.into_any()
    }
}

#[component]
pub fn BackupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_backups());
    view! {
        <Title text=i18n.t(Key::BackupTitle) />
        <h1>{i18n.t(Key::BackupTitle)}</h1>
        {page_data(data, move |(health, runs)| view! { <Backups health runs /> })}
    }
}

#[component]
fn Backups(health: Health, runs: Vec<Run>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <BackupLine health />
        <p>{i18n.t(Key::BackupSchedule)}</p>
        {if runs.is_empty() {
            view! { <p class="empty">{i18n.t(Key::BackupNoneYet)}</p> }.into_any()
        } else {
            view! {
                <ListTable headers=vec![Key::BackupWhen, Key::BackupFile, Key::BackupResult, Key::BackupSize]>
                    {runs
                        .into_iter()
                        .map(|run| {
                            let result = match run.problem {
                                None => i18n.fmt(
                                    Key::BackupChecked,
                                    &[("rows", &i18n.num(run.rows)), ("tables", &i18n.num(run.tables))],
                                ),
                                Some(problem) => i18n.t(problem.key()).to_owned(),
                            };
                            view! {
                                <tr class:has-missing=run.problem.is_some()>
                                    <td>{at_centre(i18n, run.finished_at)}</td>
                                    <td><code>{run.path}</code></td>
                                    <td>{result}</td>
                                    <td>{run.bytes.map(|b| kilobytes(i18n, b)).unwrap_or_default()}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </ListTable>
            }
            .into_any()
        }}
        <h2>{i18n.t(Key::BackupRestoreTitle)}</h2>
        <p>{i18n.t(Key::BackupRestore)}</p>
        <p class="command"><code>"server restore /path/to/nightly-YYYY-MM-DD.db"</code></p>
    }
}
