//! The app shell: top bar (centre name, signed-in user, language switch), navigation, main.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

use super::language::SetLanguage;
use crate::base::access::{Role, Viewer};
use crate::base::error::AppError;
use crate::base::i18n::{I18n, Key, Lang, use_i18n};
use crate::camps::pages::UncollectedBanner;
use crate::centre::pages::{CentreSummaryResource, provide_centre_summary};
use crate::people::api::{LogOut, get_current_viewer};
use crate::presence::pages::MissingBanner;

/// Whoever is signed in, loaded once per page by the layout and shared through context.
pub type ViewerResource = Resource<Result<Option<Viewer>, AppError>>;

/// One entry of the main navigation.
struct NavItem {
    href: &'static str,
    icon: &'static str,
    label: Key,
}

/// What the navigation offers this viewer: staff see their areas, families their portal only.
fn nav_items(viewer: Option<&Viewer>) -> Vec<NavItem> {
    let item = |href, icon, label| NavItem { href, icon, label };
    match viewer {
        None => vec![],
        Some(Viewer::Family(_)) => vec![item("/family", "⌂", Key::NavFamily)],
        Some(Viewer::Staff(staff)) => {
            // Every centre role reads residents, beds and the roll (what each may change is
            // decided by the server functions); a camp monitor, their camp groups only.
            let mut items = Vec::new();
            if Role::CENTRE.iter().any(|role| staff.has(*role)) {
                items.extend([
                    item("/", "☀", Key::NavToday),
                    item("/residents", "☻", Key::NavResidents),
                    item("/buildings", "▦", Key::NavBeds),
                    item("/roll", "✓", Key::NavRoll),
                ]);
            }
            if [Role::Canteen, Role::Admin, Role::HouseStaff]
                .iter()
                .any(|role| staff.has(*role))
            {
                items.push(item("/canteen", "♨", Key::NavCanteen));
            }
            if [Role::Tutor, Role::HouseStaff, Role::Admin]
                .iter()
                .any(|role| staff.has(*role))
            {
                items.push(item("/homework", "✎", Key::NavHomework));
            }
            if [Role::Monitor, Role::HouseStaff, Role::Admin]
                .iter()
                .any(|role| staff.has(*role))
            {
                items.push(item("/camps", "⛺", Key::NavCamps));
            }
            if staff.has(Role::SocialTeam) || staff.has(Role::Admin) {
                items.push(item("/families", "♥", Key::NavFamilies));
                items.push(item("/visits", "⚑", Key::NavVisits));
            } else if staff.has(Role::HouseStaff) {
                items.push(item("/visits/gate", "⚑", Key::NavGate));
            }
            if staff.has(Role::Admin) {
                items.push(item("/admin/staff", "☺", Key::NavStaff));
                items.push(item("/admin/audit", "☰", Key::NavAudit));
            }
            items
        }
    }
}

/// Wraps every page in the shell.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Provided here, above the page, so the page reuses them instead of asking again.
    let summary = provide_centre_summary();
    let viewer: ViewerResource = Resource::new_blocking(|| (), |_| get_current_viewer());
    provide_context(viewer);
    let location = leptos_router::hooks::use_location();
    view! {
        <a class="skip-link" href="#main">{i18n.t(Key::ShellSkipToContent)}</a>
        <header class="topbar">
            <CentreName summary />
            <div class="topbar-end">
                <ForViewer viewer show=user_slot />
                <LanguageSwitch />
            </div>
        </header>
        <ForViewer viewer show=main_nav />
        <main id="main">
            // The dashboard shows the same alerts itself, kept up to date live. Hidden there,
            // not removed: the banner keeps the alerts it loaded with the page.
            <div class:hidden=move || location.pathname.get() == "/">
                <UncollectedBanner />
                <MissingBanner />
            </div>
            {children()}
        </main>
    }
}

/// Shows `show` for whoever is signed in (nobody when that cannot be told), once the viewer
/// has loaded.
#[component]
fn ForViewer<V>(viewer: ViewerResource, show: fn(I18n, Option<Viewer>) -> V) -> impl IntoView
where
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    view! {
        <Suspense>
            {move || Suspend::new(async move { show(i18n, viewer.await.ok().flatten()) })}
        </Suspense>
    }
}

/// The main navigation, by role.
fn main_nav(i18n: I18n, viewer: Option<Viewer>) -> impl IntoView {
    let items = nav_items(viewer.as_ref());
    (!items.is_empty()).then(|| {
        view! {
            <nav class="mainnav" aria-label=i18n.t(Key::ShellMenu)>
                <ul>
                    {items
                        .into_iter()
                        .map(|item| {
                            let href = item.href;
                            let current = move || {
                                let path = use_location().pathname.get();
                                let here = if href == "/" {
                                    path == "/"
                                } else {
                                    path == href || path.starts_with(&format!("{href}/"))
                                };
                                here.then_some("page")
                            };
                            view! {
                                <li>
                                    <a href=href aria-current=current>
                                        <span class="icon" aria-hidden="true">{item.icon}</span>
                                        {i18n.t(item.label)}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        }
    })
}

/// Who is signed in, with a sign-out button; or a link to sign in.
fn user_slot(i18n: I18n, viewer: Option<Viewer>) -> impl IntoView {
    let name = match viewer {
        Some(Viewer::Staff(staff)) => Some(staff.display_name),
        Some(Viewer::Family(family)) => Some(family.display_name),
        None => None,
    };
    match name {
        Some(name) => view! {
            <form class="user-slot" method="post" action=LogOut::url()>
                <span class="user-name">{name}</span>
                <button class="link-button" type="submit">{i18n.t(Key::ShellSignOut)}</button>
            </form>
        }
        .into_any(),
        None => view! {
            <a class="user-slot sign-in" href="/login">{i18n.t(Key::ShellSignIn)}</a>
        }
        .into_any(),
    }
}

/// The centre's name, or the app's name before a centre is set up.
#[component]
fn CentreName(summary: CentreSummaryResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="brand" href="/">
            <Suspense fallback=move || i18n.t(Key::AppName)>
                {move || Suspend::new(async move {
                    match summary.await {
                        Ok(Some(centre)) => centre.name.in_lang(i18n.lang).to_owned(),
                        _ => i18n.t(Key::AppName).to_owned(),
                    }
                })}
            </Suspense>
        </a>
    }
}

/// One button per language, in a plain form: it works without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    view! {
        <form class="lang-switch" method="post" action=SetLanguage::url()>
            <input type="hidden" name="back" value=back />
            <fieldset>
                <legend class="visually-hidden">{i18n.t(Key::ShellLanguage)}</legend>
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        let current = lang == i18n.lang;
                        view! {
                            <button
                                type="submit"
                                name="lang"
                                value=lang.code()
                                lang=lang.code()
                                aria-pressed=if current { "true" } else { "false" }
                            >
                                {i18n.t(lang.name_key())}
                            </button>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::access::{CurrentFamily, CurrentStaff};
    use crate::base::i18n::Lang;

    fn hrefs(viewer: Option<&Viewer>) -> Vec<&'static str> {
        nav_items(viewer)
            .into_iter()
            .map(|item| item.href)
            .collect()
    }

    fn staff(roles: &[Role]) -> Viewer {
        Viewer::Staff(CurrentStaff {
            id: 1,
            login: "sokha".into(),
            display_name: "Sokha".into(),
            language: Lang::Km,
            roles: roles.to_vec(),
        })
    }

    #[test]
    fn each_role_sees_its_areas_and_a_family_only_its_portal() {
        assert!(hrefs(None).is_empty());
        assert_eq!(
            hrefs(Some(&staff(&[Role::Admin]))),
            [
                "/",
                "/residents",
                "/buildings",
                "/roll",
                "/canteen",
                "/homework",
                "/camps",
                "/families",
                "/visits",
                "/admin/staff",
                "/admin/audit"
            ]
        );
        assert_eq!(
            hrefs(Some(&staff(&[Role::SocialTeam]))),
            [
                "/",
                "/residents",
                "/buildings",
                "/roll",
                "/families",
                "/visits"
            ]
        );
        assert_eq!(
            hrefs(Some(&staff(&[Role::HouseStaff]))),
            [
                "/",
                "/residents",
                "/buildings",
                "/roll",
                "/canteen",
                "/homework",
                "/camps",
                "/visits/gate"
            ]
        );
        assert_eq!(
            hrefs(Some(&staff(&[Role::Canteen]))),
            ["/", "/residents", "/buildings", "/roll", "/canteen"]
        );
        assert_eq!(
            hrefs(Some(&staff(&[Role::Tutor]))),
            ["/", "/residents", "/buildings", "/roll", "/homework"]
        );
        assert_eq!(hrefs(Some(&staff(&[Role::Monitor]))), ["/camps"]);
        let family = Viewer::Family(CurrentFamily {
            id: 1,
            display_name: "Sok family".into(),
            phone: "012345678".into(),
            language: Lang::Km,
        });
        assert_eq!(hrefs(Some(&family)), ["/family"]);
    }
}
