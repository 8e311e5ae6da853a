//! `/canteen/settings`: the meal services, their times, days and cut-off.

use super::*;

/// `/canteen/settings`: meal services, the cut-off and the margin.
#[component]
pub fn CanteenSettingsPage() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| canteen_settings());
    view! {
        <BackToCanteen title=Key::CanteenSettingsTitle heading=true />
        {page_data(data, |page| view! { <SettingsView page /> })}
    }
}

fn days_boxes(i18n: I18n, prefix: String, days: u8, enabled: bool) -> impl IntoView {
    view! {
        <span class="weekdays">
            {WEEKDAYS.iter().enumerate().map(|(i, key)| {
                let name = format!("{prefix}[d{i}]");
                view! {
                    <label class="choice">
                        <input type="checkbox" name=name value="1" checked={days & (1 << i) != 0} disabled=!enabled />
                        {i18n.t(*key)}
                    </label>
                }
            }).collect_view()}
        </span>
    }
}

#[component]
fn SettingsView(page: SettingsPage) -> impl IntoView {
    let i18n = use_i18n();
    let can_edit = page.can_edit;
    let blank = MealService {
        id: 0,
        name_km: String::new(),
        name_en: String::new(),
        name_fr: String::new(),
        serves_at: chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default(),
        boarding_days: crate::canteen::model::EVERY_DAY,
        residence_days: crate::canteen::model::EVERY_DAY,
        active: true,
    };
    view! {
        <SavedNotice message=Key::Saved />
        <FormError url=SaveSettings::url() />
        <FormError url=SaveService::url() />
        <form class="stack narrow" method="post" action=SaveSettings::url()>
            <label for="cutoff">{i18n.t(Key::CanteenCutoff)}</label>
            <input id="cutoff" name="cutoff" type="time" value=page.cutoff.format("%H:%M").to_string() required disabled=!can_edit />
            <p class="muted">{i18n.t(Key::CanteenCutoffHint)}</p>
            <label for="margin_percent">{i18n.t(Key::CanteenMargin)}</label>
            <input id="margin_percent" name="margin_percent" type="number" min="0" max="100" value=page.margin_percent required disabled=!can_edit />
            {can_edit.then(|| view! { <button class="button" type="submit">{i18n.t(Key::Save)}</button> })}
        </form>
        <h2>{i18n.t(Key::CanteenServices)}</h2>
        {page.services.into_iter().map(|service| view! { <ServiceForm service can_edit /> }).collect_view()}
        {can_edit.then(|| view! {
            <details class="more">
                <summary>{i18n.t(Key::CanteenServiceNew)}</summary>
                <ServiceForm service=blank can_edit />
            </details>
        })}
    }
}

#[component]
fn ServiceForm(service: MealService, can_edit: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = service.id;
    let field = move |name: &str| format!("s{id}-{name}");
    let title = (id != 0).then(|| service.name(i18n.lang).to_owned());
    view! {
        {title.map(|title| view! { <h3 class="narrow">{title}</h3> })}
        <form class="stack narrow service" method="post" action=SaveService::url()>
            <input type="hidden" name="service[id]" value=id />
            <label for=field("km")>{i18n.t(Key::FieldNameKhmer)}</label>
            <input id=field("km") name="service[name_km]" type="text" lang="km" maxlength="40" value=service.name_km.clone() required disabled=!can_edit />
            <label for=field("en")>{i18n.t(Key::FieldNameEnglish)}</label>
            <input id=field("en") name="service[name_en]" type="text" maxlength="40" value=service.name_en.clone() required disabled=!can_edit />
            <label for=field("fr")>{i18n.t(Key::FieldNameFrench)}</label>
            <input id=field("fr") name="service[name_fr]" type="text" maxlength="40" value=service.name_fr.clone() required disabled=!can_edit />
            <label for=field("at")>{i18n.t(Key::CanteenServesAt)}</label>
            <input id=field("at") name="service[serves_at]" type="time" value=service.serves_at.format("%H:%M").to_string() required disabled=!can_edit />
            <fieldset>
                <legend>{i18n.t(Key::FacilityKindBoardingSchool)}</legend>
                {days_boxes(i18n, "service[boarding]".into(), service.boarding_days, can_edit)}
            </fieldset>
            <fieldset>
                <legend>{i18n.t(Key::FacilityKindResidence)}</legend>
                {days_boxes(i18n, "service[residence]".into(), service.residence_days, can_edit)}
            </fieldset>
            <label class="choice">
                <input type="checkbox" name="service[active]" value="1" checked=service.active disabled=!can_edit />
                {i18n.t(Key::CanteenServiceActive)}
            </label>
            {can_edit.then(|| view! { <button class="button" type="submit">{i18n.t(Key::Save)}</button> })}
        </form>
    }
}
