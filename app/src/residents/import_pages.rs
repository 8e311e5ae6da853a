//! Importing residents from a spreadsheet: `/residents/import` (upload a CSV file) and
//! `/residents/import/:id` (every row checked in words, then confirm; a progress bar while
//! it runs when JavaScript is there, one plain post when it is not).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{ConfirmImport, UploadImport, get_import};
use super::import::{ImportPreview, RowStatus};
use super::pages::AdmissionPage;
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, use_i18n};
use crate::base::ui::{
    FormError, ListTable, SendTexts, SendWords, id_param, page_data, use_islands,
};

/// How many rows each step of an import with a progress bar adds.
const STEP: usize = 25;

/// `/residents/import`: choose the file. Refused to roles that may not admit residents.
#[component]
pub fn ImportPage() -> impl IntoView {
    view! { <AdmissionPage title=Key::ImportTitle content=upload_form /> }
}

fn upload_form(i18n: I18n, _today: chrono::NaiveDate) -> impl IntoView {
    view! {
        <p>{i18n.t(Key::ImportExplain)}</p>
        <pre class="sample">"name_km,name_latin,sex,born_on,grade,programme,admitted_on,diet,allergies"</pre>
        <p class="hint">{i18n.t(Key::ImportColumns)}</p>
        <FormError url=UploadImport::url() />
        <form class="stack narrow" method="post" action=UploadImport::url() enctype="multipart/form-data">
            <label for="file">{i18n.t(Key::ImportFile)}</label>
            <input id="file" name="file" type="file" accept=".csv,text/csv" required />
            <button class="button" type="submit">{i18n.t(Key::ImportCheck)}</button>
        </form>
    }
}

/// `/residents/import/:id`: the preview, and the confirmation.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    let i18n = use_i18n();
    // The confirmation imports step by step with a progress bar (`ImportSteps`).
    use_islands();
    let id = id_param();
    let query = use_query_map();
    let key = move || (id(), query.read().get("done").is_some());
    let data = Resource::new_blocking(key, |(id, _)| async move {
        match id {
            Some(id) => get_import(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=i18n.t(Key::ImportTitle) />
        <p class="breadcrumb">
            <a href="/residents">{i18n.t(Key::ResidentsTitle)}</a>
            " › "
            <a href="/residents/import">{i18n.t(Key::ImportTitle)}</a>
        </p>
        {page_data(data, |preview| view! { <Preview preview /> })}
    }
}

#[component]
fn Preview(preview: ImportPreview) -> impl IntoView {
    let i18n = use_i18n();
    let (ready, skipped, refused) = preview.counts();
    let summary = i18n.fmt(
        Key::ImportSummary,
        &[
            ("ready", &i18n.num(ready as i64)),
            ("skipped", &i18n.num(skipped as i64)),
            ("refused", &i18n.num(refused as i64)),
        ],
    );
    view! {
        <h1>{preview.file_name.clone()}</h1>
        {preview.confirmed.then(|| view! { <p class="form-saved" role="status">{i18n.t(Key::ImportDone)}</p> })}
        <p class="tally">{summary}</p>
        {(ready > 0).then(|| view! { <Confirm id=preview.id ready /> })}
        <ListTable headers=vec![Key::ImportLine, Key::FieldName, Key::ImportStatus]>
            {preview.rows.into_iter().map(|row| {
                let (class, words) = match &row.status {
                    RowStatus::Ready => ("ready", i18n.t(Key::ImportReady).to_owned()),
                    RowStatus::Recorded => ("skipped", i18n.t(Key::ImportRecorded).to_owned()),
                    RowStatus::Repeated => ("skipped", i18n.t(Key::ImportRepeated).to_owned()),
                    RowStatus::Problems(problems) => (
                        "refused",
                        problems.iter().map(|p| i18n.t(*p)).collect::<Vec<_>>().join(" "),
                    ),
                };
                view! {
                    <tr class=format!("import-{class}")>
                        <td>{i18n.num(row.line as i64)}</td>
                        <td>{format!("{} · {}", row.name_km, row.name_latin)}</td>
                        <td>{words}</td>
                    </tr>
                }
            }).collect_view()}
        </ListTable>
    }
}

/// The confirmation: a plain form that imports everything in one post; with JavaScript, the
/// same button imports `STEP` rows at a time and shows how far it has gone.
#[component]
fn Confirm(id: i64, ready: usize) -> impl IntoView {
    let i18n = use_i18n();
    let refusals = [AppError::invalid("step", Key::ProblemImportStep)];
    view! {
        <FormError url=ConfirmImport::url() />
        <ImportSteps>
            <SendWords texts=SendTexts::new(i18n, &refusals) />
            <p class="form-error" role="alert" hidden></p>
            <form
                class="inline"
                method="post"
                action=ConfirmImport::url()
                data-step=STEP
                data-done=format!("/residents/import/{id}?done=1")
            >
                <input type="hidden" name="id" value=id />
                <button class="button big-button" type="submit">
                    {i18n.fmt(Key::ImportConfirm, &[("count", &i18n.num(ready as i64))])}
                </button>
            </form>
            <div
                class="import-progress"
                role="status"
                hidden
                data-template=i18n.t(Key::ImportProgress)
                data-lang=i18n.lang.code()
            >
                <progress max="1" value="0"></progress>
                <span></span>
            </div>
        </ImportSteps>
    }
    .into_any()
}

/// Runs the confirmation inside it step by step, with JavaScript (see `import_client`).
#[island]
pub fn ImportSteps(children: Children) -> impl IntoView {
    let root = crate::base::ui::live_root();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        super::import_client::confirm(&event);
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <div node_ref=root on:submit=on_submit>
            {children()}
        </div>
    }
}
