//! A record's history through the real router: made through the forms, read back on the
//! record's own page in the reader's words and language, newest first, as far as the
//! reader's role may see it; the raw before and after for the admin alone, and the audit
//! page filtered to that one record.

use crate::support::*;
use app::base::access::Role;
use axum::http::StatusCode;
use sqlx::SqlitePool;

fn in_lang(cookie: &str, lang: &str) -> String {
    cookie.replace("lang=en", &format!("lang={lang}"))
}

/// The history section of a page's HTML (empty when the page has none).
fn history_of(html: &str) -> &str {
    let start = html
        .find(r#"class="history"><h2"#)
        .and_then(|at| html[..at].rfind("<section"))
        .unwrap_or(html.len());
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

const RESIDENT: &str = "resident%5Bname_km%5D=%E1%9E%9F%E1%9E%BB%E1%9E%81&resident%5Bname_latin%5D=Sok+Dara&resident%5Bsex%5D=f&resident%5Bborn_on%5D=2016-01-01&resident%5Bprogramme%5D=boarding_school&resident%5Badmitted_on%5D=2024-01-01";

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_residents_and_a_beds_history_read_in_words_newest_first_as_far_as_the_role_sees(
    pool: SqlitePool,
) {
    let beds = {
        let mut conn = pool.acquire().await.expect("connection");
        girls_room(&mut conn, "H", "អគារ ហ", 2).await.1
    };
    let (_, house) = staff_session(&pool, "housemother", &[Role::HouseStaff]).await;
    let (_, tutor) = staff_session(&pool, "teacher", &[Role::Tutor]).await;
    let (_, admin) = staff_session(&pool, "director", &[Role::Admin]).await;
    let app = router(pool.clone(), "history");

    // Admitted, then vegetarian and allergic to fish, a medical note, then a bed.
    let (status, body) = post_as(&app, &house, "/api/create_resident", RESIDENT.into()).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let id: i64 = sqlx::query_scalar("SELECT id FROM resident WHERE name_latin = 'Sok Dara'")
        .fetch_one(&pool)
        .await
        .expect("the resident");
    let edit = format!(
        "id={id}&{RESIDENT}&resident%5Bdiet%5D=vegetarian&resident%5Ballergies%5D%5Bfish%5D=on"
    );
    let (status, body) = post_as(&app, &house, "/api/update_resident", edit).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let note = format!("id={id}&note=Asthma+inhaler+at+night");
    let (status, body) = post_as(&app, &house, "/api/set_medical_note", note).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let today = app::base::clock::today_at_centre();
    let assign = format!("resident_id={id}&bed_id={}&on={today}&time=17:30", beds[0]);
    let (status, body) = post_as(&app, &house, "/api/assign_bed", assign).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");

    // House staff read it in French: the words of each field, newest first, no JSON key.
    let html = page(&app, &in_lang(&house, "fr"), &format!("/residents/{id}")).await;
    let history = history_of(&html);
    assert!(history.contains("Historique"), "{html}");
    let bed = history
        .find("Attribution de lit")
        .expect("the bed, in words");
    let diet = history
        .find("Régime : Normal → Végétarien")
        .expect("the diet, in words");
    let created = history.rfind("Créé").expect("the admission");
    assert!(bed < diet && diet < created, "newest first: {history}");
    assert!(history.contains("Allergies : — → Poisson"), "{history}");
    assert!(history.contains("Arrive à : 17:30"), "{history}");
    assert!(
        history.contains("Lit : H · H1 · 1"),
        "the bed named: {history}"
    );
    assert!(history.contains("par housemother"), "{history}");
    for raw in ["diet", "name_latin", "bed_id", "arrives_at", "{", "Asthma"] {
        assert!(!history.contains(raw), "{raw} in {history}");
    }
    assert!(
        !history.contains("<details class=\"details\""),
        "details are the admin's"
    );

    // In Khmer, with Khmer digits.
    let html = page(&app, &in_lang(&house, "km"), &format!("/residents/{id}")).await;
    assert!(history_of(&html).contains("១៧:៣០"), "{}", history_of(&html));

    // A tutor reads neither the diet nor the beds.
    let html = page(&app, &tutor, &format!("/residents/{id}")).await;
    let history = history_of(&html);
    assert!(history.contains("History"), "{html}");
    assert!(
        !history.contains("Vegetarian") && !history.contains("Fish"),
        "{history}"
    );
    assert!(!history.contains("Bed allocation"), "{history}");

    // The admin has the raw before and after behind "details", and the link to the log.
    let html = page(&app, &admin, &format!("/residents/{id}")).await;
    let history = history_of(&html);
    assert!(history.contains(r#"<details class="details""#), "{history}");
    assert!(
        history.contains(r#""diet":"Vegetarian""#) || history.contains("&quot;diet&quot;"),
        "{history}"
    );
    let link = format!("/admin/audit?entity=resident&amp;record={id}");
    assert!(history.contains(&link), "{history}");

    // The bed's page: the allocation, with who was given it, in words.
    let html = page(&app, &house, &format!("/beds/{}", beds[0])).await;
    let history = history_of(&html);
    assert!(history.contains("Bed allocation"), "{html}");
    assert!(history.contains("Resident: Sok Dara"), "{history}");
    let other = page(&app, &house, &format!("/beds/{}", beds[1])).await;
    assert!(
        !history_of(&other).contains("Sok Dara"),
        "another bed's history"
    );

    // The audit page shows that one record, each entry's JSON behind "details".
    let html = page(
        &app,
        &admin,
        &format!("/admin/audit?entity=resident&record={id}"),
    )
    .await;
    let rows = html.matches("<tr>").count() - 1;
    assert_eq!(rows, 3, "created, changed, note: {html}");
    assert!(html.contains(r#"<details class="details""#), "{html}");
}

/// The family of the first confirmed booking of the demo data, that booking and one of the
/// family's contacts with its names.
async fn family_with_booking(pool: &SqlitePool) -> (i64, i64, i64, String, String) {
    let (family, booking): (i64, i64) = sqlx::query_as(
        "SELECT family_id, id FROM visit_booking WHERE status = 'confirmed' ORDER BY id LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("a confirmed booking");
    let (contact, km, latin): (i64, String, String) = sqlx::query_as(
        "SELECT id, name_km, name_latin FROM family_contact WHERE family_id = ? ORDER BY id LIMIT 1",
    )
    .bind(family)
    .fetch_one(pool)
    .await
    .expect("a contact");
    (family, booking, contact, km, latin)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_contacts_a_bookings_and_a_classs_history_read_in_words(pool: SqlitePool) {
    seeded(&pool).await;
    let social = demo_cookie(&pool, "social").await;
    let house = demo_cookie(&pool, "house").await;
    let app = router_in(pool.clone(), "history-demo", true);
    let (family, booking, contact, km, latin) = family_with_booking(&pool).await;

    // The social team makes the contact an aunt and cancels the booking.
    let save = format!(
        "family={family}&contact={contact}&name_km={}&name_latin={}&relationship=aunt",
        encode(&km),
        encode(&latin)
    );
    let (status, body) = post_as(&app, &social, "/api/save_contact", save).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let cancel = format!("booking={booking}&decision=cancel");
    let (status, body) = post_as(&app, &social, "/api/decide_booking", cancel).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");

    let html = page(&app, &social, &format!("/families/{family}")).await;
    let folds: Vec<&str> = html
        .split(r#"<details class="history-fold">"#)
        .skip(1)
        .collect();
    assert!(
        folds
            .iter()
            .any(|f| f.contains("Relationship: ") && f.contains("→ Aunt")),
        "the contact's history: {html}"
    );
    assert!(
        folds
            .iter()
            .any(|f| f.contains("State: Booked → Cancelled")),
        "the booking's history: {html}"
    );
    for fold in &folds {
        let fold = &fold[..fold.find("</details>").unwrap_or(fold.len())];
        for raw in ["relationship", "status", "{"] {
            assert!(!fold.contains(raw), "{raw} in {fold}");
        }
    }

    // House staff give a class a new room and a pupil a place: the class's page says so.
    let class: i64 = sqlx::query_scalar("SELECT id FROM homework_class ORDER BY id LIMIT 1")
        .fetch_one(&pool)
        .await
        .expect("a class");
    let (status, body) = post_as(&app, &house, "/api/get_class", format!("id={class}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let data: app::homework::model::ClassPage = serde_json::from_str(&body).expect("a class page");
    let candidate = data.candidates.first().expect("a resident who could join");
    let (pupil, pupil_name) = (candidate.resident_id, candidate.name_latin.clone());
    let enrol = format!("class_id={class}&resident_id={pupil}");
    let (status, body) = post_as(&app, &house, "/api/enrol", enrol).await;
    assert!(status.is_success() || status.is_redirection(), "{body}");
    let html = page(&app, &house, &format!("/homework/classes/{class}")).await;
    let history = history_of(&html);
    assert!(history.contains("Enrolment"), "{html}");
    assert!(
        history.contains(&format!("Resident: {pupil_name}")),
        "{history}"
    );
    assert!(
        !history.contains("resident_id") && !history.contains('{'),
        "{history}"
    );
}
