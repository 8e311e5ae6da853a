//! The visits part of `/families/:id`: the family's contacts, its children and their terms,
//! who may visit whom (with the history of each decision), and its bookings.

use super::*;

/// The visits part of `/families/:id`.
#[component]
pub fn FamilyVisitsSection(id: i64) -> impl IntoView {
    let data = Resource::new_blocking(move || id, get_family_visits);
    view! { {page_data(data, |visits| view! { <FamilyVisitsView visits /> })} }
}

/// A contact's form: a new one (`contact` None) or changing one.
#[component]
fn ContactForm(family: i64, contact: Option<Contact>) -> impl IntoView {
    let i18n = use_i18n();
    let suffix = contact
        .as_ref()
        .map_or("new".to_owned(), |c| c.id.to_string());
    let field = move |name: &str| format!("{name}_{suffix}");
    let c = contact.clone();
    view! {
        <form class="stack narrow" method="post" action=SaveContact::url()>
            <input type="hidden" name="family" value=family.to_string() />
            <input type="hidden" name="contact" value=c.as_ref().map_or(0, |c| c.id).to_string() />
            <label for=field("name_km")>{i18n.t(Key::FieldNameKhmer)}</label>
            <input
                id=field("name_km")
                name="name_km"
                type="text"
                maxlength="100"
                value=c.as_ref().map(|c| c.name_km.clone()).unwrap_or_default()
                required
            />
            <label for=field("name_latin")>{i18n.t(Key::FieldNameLatin)}</label>
            <input
                id=field("name_latin")
                name="name_latin"
                type="text"
                maxlength="100"
                value=c.as_ref().map(|c| c.name_latin.clone()).unwrap_or_default()
                required
            />
            <label for=field("relationship")>{i18n.t(Key::VisitsRelationship)}</label>
            <select id=field("relationship") name="relationship">
                {Relationship::ALL
                    .into_iter()
                    .map(|r| {
                        view! {
                            <option value=r.code() selected=c.as_ref().is_some_and(|c| c.relationship == r)>
                                {i18n.t(r.label())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for=field("phone")>{i18n.t(Key::FieldPhone)}</label>
            <input
                id=field("phone")
                name="phone"
                type="tel"
                inputmode="tel"
                value=c.as_ref().and_then(|c| c.phone.clone()).unwrap_or_default()
            />
            <label for=field("id_document")>{i18n.t(Key::VisitsIdDocument)}</label>
            <input
                id=field("id_document")
                name="id_document"
                type="text"
                maxlength="40"
                value=c.as_ref().and_then(|c| c.id_document.clone()).unwrap_or_default()
            />
            <button class="button" type="submit">
                {i18n.t(if contact.is_some() { Key::Save } else { Key::VisitsAddContact })}
            </button>
        </form>
    }
}

/// Who may visit whom: a row per contact, a column per child.
fn permission_grid(
    i18n: I18n,
    contacts: &[Contact],
    children: &[LinkedChild],
    level_of: impl Fn(i64, i64) -> Option<Level>,
) -> AnyView {
    let head: Vec<String> = children
        .iter()
        .map(|c| c.child.name_latin.clone())
        .collect();
    let rows: Vec<(String, Vec<Option<Level>>)> = contacts
        .iter()
        .map(|contact| {
            (
                format!("{} ({})", contact.name_km, contact.name_latin),
                children
                    .iter()
                    .map(|c| level_of(contact.id, c.child.id))
                    .collect(),
            )
        })
        .collect();
    view! {
        // Scrolls sideways on a phone: it takes the focus, so a keyboard can scroll it too.
        <div class="table-wrap" tabindex="0">
            <table class="list permissions">
                <thead>
                    <tr>
                        <th>{i18n.t(Key::VisitsContact)}</th>
                        {head.into_iter().map(|name| view! { <th>{name}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(name, levels)| {
                            view! {
                                <tr>
                                    <td>{name}</td>
                                    {levels
                                        .into_iter()
                                        .map(|level| view! { <td>{level_badge(i18n, level)}</td> })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn FamilyVisitsView(visits: FamilyVisits) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let rereview = {
        let q = query.read_untracked();
        let n = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
        (n("flagged"), n("cancelled"))
    };
    let FamilyVisits {
        family_id,
        family_phone,
        needs_approval,
        contacts,
        children,
        permissions,
        history,
        residents,
        bookings,
        today,
        contact_history,
        booking_history,
    } = visits;
    let level_of = {
        let permissions = permissions.clone();
        move |contact: i64, child: i64| {
            permissions
                .iter()
                .find(|(c, r, _)| *c == contact && *r == child)
                .map(|(_, _, l)| *l)
        }
    };
    let contact_name = {
        let contacts = contacts.clone();
        move |id: i64| {
            contacts
                .iter()
                .find(|c| c.id == id)
                .map(|c| format!("{} ({})", c.name_km, c.name_latin))
                .unwrap_or_default()
        }
    };
    let child_name = {
        let children = children.clone();
        move |id: i64| {
            children
                .iter()
                .find(|c| c.child.id == id)
                .map(|c| format!("{} ({})", c.child.name_km, c.child.name_latin))
                .unwrap_or_default()
        }
    };
    let back = format!("/families/{family_id}");
    let grid = permission_grid(i18n, &contacts, &children, level_of);
    let select_contacts = contacts.clone();
    let select_children = children.clone();
    view! {
        <h2 id="contacts">{i18n.t(Key::VisitsContacts)}</h2>
        <FormError url=SaveContact::url() />
        <ListTable headers=vec![
            Key::VisitsContact,
            Key::VisitsRelationship,
            Key::FieldPhone,
            Key::VisitsIdDocument,
        ]>
            {contacts
                .clone()
                .into_iter()
                .map(|c| {
                    let holds = c.phone.as_deref() == Some(family_phone.as_str());
                    view! {
                        <tr>
                            <td>
                                {format!("{} ({})", c.name_km, c.name_latin)}
                                {holds.then(|| view! { <span class="badge">{i18n.t(Key::VisitsSignsIn)}</span> })}
                                <details>
                                    <summary class="link-button">{i18n.t(Key::VisitsEdit)}</summary>
                                    <ContactForm family=family_id contact=Some(c.clone()) />
                                </details>
                                <RecordHistory
                                    entries=entries_of(&contact_history, c.id)
                                    vocabulary=crate::visits::model::CONTACT_HISTORY
                                    entity="family_contact"
                                    id=c.id
                                    folded=true
                                />
                            </td>
                            <td>{i18n.t(c.relationship.label())}</td>
                            <td>{c.phone.clone().unwrap_or_default()}</td>
                            <td>{c.id_document.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
        <p class="hint">{i18n.t(Key::VisitsSignsInHint)}</p>
        <details>
            <summary class="button secondary">{i18n.t(Key::VisitsAddContact)}</summary>
            <ContactForm family=family_id contact=None />
        </details>

        <h2 id="children">{i18n.t(Key::VisitsChildren)}</h2>
        <FormError url=LinkChild::url() />
        <FormError url=SetFamilyApproval::url() />
        <ListTable headers=vec![Key::VisitsChild, Key::VisitsPerMonth, Key::VisitsNeedsApproval]>
            {children
                .iter()
                .map(|c| {
                    view! {
                        <tr>
                            <td>
                                <a href=format!("/residents/{}", c.child.id)>
                                    {format!("{} ({})", c.child.name_km, c.child.name_latin)}
                                </a>
                            </td>
                            <td>{i18n.num(c.visits_per_month)}</td>
                            <td>{i18n.t(if c.needs_approval { Key::CommonYes } else { Key::CommonNo })}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
        <form class="stack narrow" method="post" action=LinkChild::url()>
            <input type="hidden" name="family" value=family_id.to_string() />
            <label for="link_resident">{i18n.t(Key::VisitsChild)}</label>
            <select id="link_resident" name="resident" required>
                {residents
                    .into_iter()
                    .map(|r| view! { <option value=r.id.to_string()>{format!("{} ({})", r.name_latin, r.name_km)}</option> })
                    .collect_view()}
            </select>
            <label for="visits_per_month">{i18n.t(Key::VisitsPerMonth)}</label>
            <input id="visits_per_month" name="visits_per_month" type="number" min="1" max="8" value="1" required />
            <label class="choice" for="link_approval">
                <input id="link_approval" type="checkbox" name="needs_approval" />
                {i18n.t(Key::VisitsNeedsApproval)}
            </label>
            <button class="button" type="submit">{i18n.t(Key::VisitsLinkChild)}</button>
        </form>
        <form class="stack narrow" method="post" action=SetFamilyApproval::url()>
            <input type="hidden" name="family" value=family_id.to_string() />
            <label class="choice" for="family_approval">
                <input id="family_approval" type="checkbox" name="needs_approval" checked=needs_approval />
                {i18n.t(Key::VisitsFamilyApproval)}
            </label>
            <button class="button secondary" type="submit">{i18n.t(Key::Save)}</button>
        </form>

        <h2 id="permissions">{i18n.t(Key::VisitsPermissions)}</h2>
        {(rereview != (0, 0))
            .then(|| {
                view! {
                    <p class="form-saved" role="status">
                        {i18n.fmt(
                            Key::VisitsRereviewed,
                            &[("flagged", i18n.num(rereview.0).as_str()), ("cancelled", i18n.num(rereview.1).as_str())],
                        )}
                    </p>
                }
            })}
        {grid}
        <FormError url=SetPermission::url() />
        <form class="stack narrow" method="post" action=SetPermission::url()>
            <input type="hidden" name="family" value=family_id.to_string() />
            <label for="perm_contact">{i18n.t(Key::VisitsContact)}</label>
            <select id="perm_contact" name="contact" required>
                {select_contacts
                    .iter()
                    .map(|c| view! { <option value=c.id.to_string()>{format!("{} ({})", c.name_km, c.name_latin)}</option> })
                    .collect_view()}
            </select>
            <label for="perm_child">{i18n.t(Key::VisitsChild)}</label>
            <select id="perm_child" name="resident" required>
                {select_children
                    .iter()
                    .map(|c| view! { <option value=c.child.id.to_string()>{format!("{} ({})", c.child.name_km, c.child.name_latin)}</option> })
                    .collect_view()}
            </select>
            <label for="perm_level">{i18n.t(Key::VisitsDecision)}</label>
            <select id="perm_level" name="level">
                {Level::ALL
                    .into_iter()
                    .map(|l| view! { <option value=l.code()>{i18n.t(l.label())}</option> })
                    .collect_view()}
            </select>
            <label for="perm_reason">{i18n.t(Key::FieldReason)}</label>
            <input id="perm_reason" name="reason" type="text" maxlength="500" required />
            <label for="perm_date">{i18n.t(Key::VisitsDecidedOn)}</label>
            <input id="perm_date" name="decided_on" type="date" value=today.to_string() required />
            <p class="hint">{i18n.t(Key::VisitsDecisionHint)}</p>
            <button class="button" type="submit">{i18n.t(Key::VisitsRecordDecision)}</button>
        </form>
        <h3>{i18n.t(Key::VisitsHistory)}</h3>
        <ListTable headers=vec![
            Key::VisitsDecidedOn,
            Key::VisitsContact,
            Key::VisitsChild,
            Key::VisitsDecision,
            Key::FieldReason,
            Key::VisitsDecidedBy,
        ]>
            {history
                .into_iter()
                .map(|h| {
                    view! {
                        <tr>
                            <td class="nowrap">{i18n.date_short(h.decided_on)}</td>
                            <td>{contact_name(h.contact_id)}</td>
                            <td>{child_name(h.resident_id)}</td>
                            <td>{level_badge(i18n, Some(h.level))}</td>
                            <td>{h.reason}</td>
                            <td>{h.decided_by}</td>
                        </tr>
                    }
                })
                .collect_view()}
        </ListTable>
        <h2 id="bookings">{i18n.t(Key::VisitsBookings)}</h2>
        <FormError url=DecideBooking::url() />
        <BookingTable bookings back histories=booking_history />
        <p>
            <a href="/visits">{i18n.t(Key::VisitsBookHint)}</a>
        </p>
    }
    .into_any()
}
