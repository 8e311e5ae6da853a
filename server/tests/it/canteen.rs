//! The canteen through the real router: counts that follow presence, the cut-off and late
//! changes, the shopping list and CSV files with their roles, and bad input refused.

use crate::support::*;
use app::base::access::Role;
use app::base::access::Writer;
use app::canteen::model::DayPage;
use app::canteen::{model, record, repo};
use app::presence::model::AbsenceReason;
use app::residents::model::{Diet, Programme, ResidentFields, Sex};
use axum::http::StatusCode;
use chrono::{Days, NaiveDate};
use sqlx::SqlitePool;

const DINNER: i64 = 3;
const BREAKFAST: i64 = 1;
const LUNCH: i64 = 2;

async fn signed_in(pool: &SqlitePool, login: &str, roles: &[Role]) -> String {
    staff_session(pool, login, roles).await.1
}

fn today() -> NaiveDate {
    app::base::clock::today_at_centre()
}

/// Three girls of the boarding school in beds since last week; the last one vegetarian.
async fn three_girls(pool: &SqlitePool) -> Vec<i64> {
    girls_in(pool, 3).await.0
}

/// Three girls in beds since last week, as `three_girls`, in a room of `beds` beds; returns
/// them and the room's beds.
async fn girls_in(pool: &SqlitePool, beds: u32) -> (Vec<i64>, Vec<i64>) {
    let mut conn = pool.acquire().await.expect("connection");
    let (_, beds) = girls_room(&mut conn, "K", "អគារ ក", beds).await;
    let mut girls = Vec::new();
    for (n, bed) in beds.iter().take(3).enumerate() {
        let fields = ResidentFields {
            diet: if n == 2 {
                Diet::Vegetarian
            } else {
                Diet::Normal
            },
            ..girl(&format!("ចាន់ ធីតា {n}"), &format!("Chan Thida {n}"), 9, "3")
        };
        girls.push(housed_since_last_week(&mut conn, &fields, *bed).await);
    }
    (girls, beds)
}

async fn day_page(app: &axum::Router, cookie: &str, day: NaiveDate) -> DayPage {
    let (status, body) = post_as(app, cookie, "/api/canteen_day", format!("on={day}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).expect("a day page")
}

fn meal(page: &DayPage, id: i64) -> &model::MealCount {
    page.counts
        .meals
        .iter()
        .find(|m| m.meal_service_id == id)
        .expect("the meal")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn counts_follow_presence_freeze_at_the_cutoff_and_show_late_changes(pool: SqlitePool) {
    let girls = three_girls(&pool).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let house = signed_in(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "canteen-counts");
    let (tomorrow, later) = (today() + Days::new(1), today() + Days::new(2));

    // A cut-off at midnight: tomorrow's figures froze at the start of today, whatever the
    // clock says; the day after tomorrow's have not.
    let (status, body) = post_as(
        &app,
        &canteen,
        "/api/save_settings",
        "cutoff=00%3A00&margin_percent=10".into(),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");

    // The first girl leaves the day after tomorrow at 10:00: breakfast yes, lunch and dinner no.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/create_absence",
        format!(
            "resident_id={}&reason=home_stay&from_date={later}&from_time=10%3A00",
            girls[0]
        ),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    let page = day_page(&app, &canteen, later).await;
    assert!(meal(&page, DINNER).frozen.is_none());
    assert_eq!(meal(&page, BREAKFAST).live.residents, 3);
    assert_eq!(meal(&page, LUNCH).live.residents, 2);
    assert_eq!(meal(&page, DINNER).live.residents, 2);
    assert_eq!(meal(&page, DINNER).live.diet(Diet::Vegetarian), 1);

    // Tomorrow is frozen with all three. Then the second girl goes home tomorrow morning.
    let page = day_page(&app, &canteen, tomorrow).await;
    let frozen = meal(&page, DINNER).frozen.clone().expect("frozen");
    assert_eq!(frozen.heads.total(), 3);
    let (status, body) = post_as(
        &app,
        &house,
        "/api/create_absence",
        format!(
            "resident_id={}&reason=home_stay&from_date={tomorrow}&from_time=08%3A00&until_date={tomorrow}&until_time=20%3A00",
            girls[1]
        ),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    let page = day_page(&app, &canteen, tomorrow).await;
    let dinner = meal(&page, DINNER);
    assert_eq!(
        dinner.expected(),
        3,
        "the kitchen still sees the frozen figure"
    );
    assert_eq!(dinner.live.total(), 2);
    assert_eq!(dinner.late.len(), 1);
    let change = &dinner.late[0];
    assert_eq!(change.resident_id, girls[1]);
    assert!(!change.now_eats);
    assert_eq!(change.away, Some(AbsenceReason::HomeStay));
    assert_eq!(change.name_latin, "Chan Thida 1");
    // Breakfast at 06:30 is before she leaves: no change there.
    assert!(meal(&page, BREAKFAST).late.is_empty());

    // The frozen figure stays put: the database refuses to change it.
    let mut conn = pool.acquire().await.expect("connection");
    let changed = sqlx::query!("UPDATE meal_freeze SET frozen_at = 0")
        .execute(&mut *conn)
        .await;
    assert!(
        matches!(changed, Err(sqlx::Error::Database(db)) if db.message() == "meal_freeze_final")
    );
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'canteen_setting'"#
    )
    .fetch_one(&mut *conn)
    .await
    .expect("audit");
    assert_eq!(audited, 1);
}

/// Rice 120 g a head; fish 80 g, none for vegetarians; tofu 90 g for vegetarians only.
async fn fish_and_rice(pool: &SqlitePool, day: NaiveDate) {
    let actor = Writer::system("test");
    let recipe = repo::Recipe {
        id: 0,
        name_km: "អាម៉ុកត្រី".into(),
        name_en: "Fish amok, rice".into(),
        name_fr: "Amok de poisson, riz".into(),
    };
    let recipe = record::save_recipe(pool, &actor, &recipe)
        .await
        .expect("recipe");
    let ingredient = |km: &'static str, en: &'static str| {
        let pool = pool.clone();
        let actor = actor.clone();
        let ingredient = repo::Ingredient {
            id: 0,
            name_km: km.into(),
            name_en: en.into(),
            name_fr: en.into(),
            unit: model::Unit::Gram,
        };
        async move {
            record::add_ingredient(&pool, &actor, &ingredient)
                .await
                .expect("ingredient")
        }
    };
    let rice = ingredient("អង្ករ", "Rice").await;
    let fish = ingredient("ត្រី", "Fish").await;
    let tofu = ingredient("តៅហ៊ូ", "Tofu").await;
    for (ingredient, diet, grams) in [
        (rice, None, 120),
        (fish, None, 80),
        (fish, Some(Diet::Vegetarian), 0),
        (tofu, Some(Diet::Vegetarian), 90),
    ] {
        record::change_recipe_line(pool, &actor, recipe, (ingredient, diet), Some(grams * 1000))
            .await
            .expect("line");
    }
    record::change_menu(pool, &actor, (day, DINNER), recipe, true)
        .await
        .expect("menu");
    let staff = model::check_extra(day, DINNER, "2", "normal", "staff", "").expect("extra");
    record::add_typed_extra(pool, &actor, &staff, 0)
        .await
        .expect("extra");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_shopping_list_and_csv_files_follow_the_forecast_for_the_right_roles(pool: SqlitePool) {
    three_girls(&pool).await;
    let day = today() + Days::new(2);
    fish_and_rice(&pool, day).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let house = signed_in(&pool, "housemother", &[Role::HouseStaff]).await;
    let tutor = signed_in(&pool, "teacher", &[Role::Tutor]).await;
    let app = router(pool.clone(), "canteen-shopping");

    // Dinner: 2 girls + 2 staff eat normally, 1 girl is vegetarian.
    // Rice 5 x 120 = 600 g; fish 4 x 80 = 320 g; tofu 1 x 90 = 90 g.
    let uri = format!("/canteen/shopping.csv?from={day}&until={day}");
    let (status, csv) = download(&app, Some(&canteen), &uri).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark for spreadsheets");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "Ingredient (Khmer),Ingredient (English),Ingredient (French),Quantity,Unit",
            "ត្រី,Fish,Fish,320,g",
            "អង្ករ,Rice,Rice,600,g",
            "តៅហ៊ូ,Tofu,Tofu,90,g"
        ]
    );
    let (status, _) = download(&app, Some(&house), &uri).await;
    assert_eq!(status, StatusCode::OK, "house staff read");
    let (status, _) = download(&app, Some(&tutor), &uri).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = download(&app, None, &uri).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = download(
        &app,
        Some(&canteen),
        &format!("/canteen/shopping.csv?from={day}&until=2020-01-01"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("end date"), "{body}");

    let (status, csv) = download(
        &app,
        Some(&canteen),
        &format!("/canteen/counts.csv?from={day}&until={day}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let dinner = csv
        .lines()
        .find(|line| line.contains(",Dinner,"))
        .expect("a dinner row");
    assert!(
        // Residents, camp children (none), extra heads, then by diet and allergy.
        dinner.starts_with(&format!("{day},Dinner,5,No,3,0,2,4,1,0,0,0,0,0,0,0,0,0,0,")),
        "{dinner}"
    );

    // The same list as the page shows it.
    let (status, body) = post_as(
        &app,
        &canteen,
        "/api/shopping_list",
        format!("from={day}&until={day}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let page: app::canteen::model::ShoppingPage = serde_json::from_str(&body).expect("a list");
    let totals: Vec<(String, i64)> = page
        .lines
        .into_iter()
        .map(|(ingredient, milli)| (ingredient.name_en, milli))
        .collect();
    assert_eq!(
        totals,
        [
            ("Fish".to_owned(), 320_000),
            ("Rice".to_owned(), 600_000),
            ("Tofu".to_owned(), 90_000)
        ]
    );
}

/// What a form posts, `application/x-www-form-urlencoded`.
fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{name}={}", urlencoding(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_recipe_made_through_the_forms_reads_in_french_and_scales_on_the_shopping_list(
    pool: SqlitePool,
) {
    three_girls(&pool).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let app = router(pool.clone(), "canteen-french");
    let day = today() + Days::new(7);

    let names = [
        ("name_km", "សម្លល្ពៅ"),
        ("name_en", "Pumpkin soup"),
        ("name_fr", "Soupe de potiron"),
    ];
    let (status, body) = post_as(&app, &canteen, "/api/save_recipe", form(&names)).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );
    let recipe: i64 = sqlx::query_scalar("SELECT id FROM recipe WHERE name_en = 'Pumpkin soup'")
        .fetch_one(&pool)
        .await
        .expect("the recipe");
    let recipe_field = recipe.to_string();
    let ingredient = [
        ("recipe_id", recipe_field.as_str()),
        ("name_km", "ល្ពៅ"),
        ("name_en", "Pumpkin"),
        ("name_fr", "Potiron"),
        ("unit", "g"),
    ];
    let (status, body) = post_as(&app, &canteen, "/api/add_ingredient", form(&ingredient)).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );
    let pumpkin: i64 = sqlx::query_scalar("SELECT id FROM ingredient WHERE name_en = 'Pumpkin'")
        .fetch_one(&pool)
        .await
        .expect("the ingredient");
    let pumpkin = pumpkin.to_string();
    // 100 g a head, 150 g for the vegetarian.
    for (diet, grams) in [("", "100"), ("vegetarian", "150")] {
        let line = [
            ("recipe_id", recipe_field.as_str()),
            ("ingredient_id", pumpkin.as_str()),
            ("diet", diet),
            ("per_head", grams),
        ];
        let (status, body) = post_as(&app, &canteen, "/api/set_recipe_line", form(&line)).await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status}: {body}"
        );
    }
    let menu = [
        ("day", day.to_string()),
        ("meal_service_id", DINNER.to_string()),
        ("recipe_id", recipe_field.clone()),
        ("change", "add".to_owned()),
    ];
    let menu: Vec<(&str, &str)> = menu.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = post_as(&app, &canteen, "/api/change_menu", form(&menu)).await;
    assert!(
        status.is_success() || status.is_redirection(),
        "{status}: {body}"
    );

    // A French reader reads French names on the recipes, the recipe and the shopping list.
    let french = canteen.replace("lang=en", "lang=fr");
    let list = page(&app, &french, "/canteen/recipes").await;
    assert!(list.contains("Soupe de potiron"), "{list}");
    let one = page(&app, &french, &format!("/canteen/recipes/{recipe}")).await;
    assert!(
        one.contains("Potiron") && !one.contains(">Pumpkin<"),
        "{one}"
    );
    let shopping = page(
        &app,
        &french,
        &format!("/canteen/shopping?from={day}&until={day}"),
    )
    .await;
    assert!(shopping.contains("Potiron"), "{shopping}");

    // Two girls at 100 g and the vegetarian at 150 g: 350 g, named in the three languages.
    let uri = format!("/canteen/shopping.csv?from={day}&until={day}");
    let (status, csv) = download(&app, Some(&canteen), &uri).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "Ingredient (Khmer),Ingredient (English),Ingredient (French),Quantity,Unit",
            "ល្ពៅ,Pumpkin,Potiron,350,g",
        ]
    );

    // A name missing in French is refused in words, and nothing is added.
    let (status, text) = post_as(
        &app,
        &canteen,
        "/api/save_recipe",
        form(&[("name_km", "បបរ"), ("name_en", "Bobor"), ("name_fr", " ")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("name_fr"), "{text}");
    assert_eq!(count(&pool, "recipe").await, 1);
}

async fn count(pool: &SqlitePool, table: &str) -> i64 {
    let mut conn = pool.acquire().await.expect("connection");
    sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut *conn)
        .await
        .expect("count")
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn bad_input_is_refused_in_words_and_changes_nothing(pool: SqlitePool) {
    three_girls(&pool).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let app = router(pool.clone(), "canteen-refusals");
    let tomorrow = today() + Days::new(1);
    let audit_before = count(&pool, "audit_log").await;
    for (path, body) in [
        (
            "/api/add_extra",
            format!("day={tomorrow}&meal_service_id=3&heads=0&kind=staff"),
        ),
        (
            "/api/add_extra",
            format!("day={tomorrow}&meal_service_id=3&heads=4&kind=chef"),
        ),
        (
            "/api/add_extra",
            format!("day={tomorrow}&meal_service_id=3&heads=4&kind=other&reason=+"),
        ),
        (
            "/api/record_served",
            format!("day={tomorrow}&meal_service_id=3&served=80"),
        ),
        (
            "/api/record_served",
            format!("day={}&meal_service_id=3&served=lots", today()),
        ),
        (
            "/api/save_recipe",
            "name_km=&name_en=Soup&name_fr=Soupe".into(),
        ),
        (
            "/api/save_settings",
            "cutoff=25%3A00&margin_percent=10".into(),
        ),
        (
            "/api/save_settings",
            "cutoff=18%3A00&margin_percent=300".into(),
        ),
    ] {
        let (status, text) = post_as(&app, &canteen, path, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {body}: {text}"
        );
        assert!(text.contains("Validation"), "{text}");
    }
    // Dates far outside the calendar are refused, not a fault.
    for body in [
        "day=%2B262143-12-31&meal_service_id=3&served=80".to_owned(),
        "day=-0005-01-01&meal_service_id=3&served=80".to_owned(),
    ] {
        let (status, text) = post_as(&app, &canteen, "/api/record_served", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    }
    for uri in [
        "/canteen/shopping?from=%2B262143-12-31",
        "/canteen/day?on=%2B262143-12-31",
        "/canteen/kitchen?on=-0005-01-01",
    ] {
        let (status, _) = download(&app, Some(&canteen), uri).await;
        assert!(status.is_client_error(), "{uri}: {status}");
    }
    // A meal that does not exist is not found, not a database error.
    let (status, text) = post_as(
        &app,
        &canteen,
        "/api/add_extra",
        format!("day={tomorrow}&meal_service_id=99&heads=4&kind=staff"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert_eq!(count(&pool, "extra_heads").await, 0);
    assert_eq!(count(&pool, "meal_served").await, 0);
    assert_eq!(count(&pool, "recipe").await, 0);
    assert_eq!(count(&pool, "audit_log").await, audit_before);

    // A recipe name already used reads as such.
    let (status, _) = post_as(
        &app,
        &canteen,
        "/api/save_recipe",
        "name_km=បបរ&name_en=Bobor&name_fr=Bobor".into(),
    )
    .await;
    assert!(status.is_redirection() || status.is_success());
    let (status, text) = post_as(
        &app,
        &canteen,
        "/api/save_recipe",
        "name_km=បបរ&name_en=bobor&name_fr=bobor".into(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    assert_eq!(count(&pool, "recipe").await, 1);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn another_domain_adds_and_takes_back_its_own_extra_heads(pool: SqlitePool) {
    three_girls(&pool).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let app = router(pool.clone(), "canteen-hook");
    let day = today() + Days::new(3);
    // What the visits domain does when a family books lunch on a family day.
    let actor = Writer::system("visits");
    let mut tx = app::base::db::begin_write(&pool)
        .await
        .expect("transaction");
    let mut visitors = model::check_extra(day, LUNCH, "4", "", "family_day", "").expect("extra");
    visitors.source = Some("visit_booking:42".into());
    let id = record::add_extra(&mut tx, &actor, &visitors, 0)
        .await
        .expect("added");
    tx.commit().await.expect("committed");
    let page = day_page(&app, &canteen, day).await;
    assert_eq!(meal(&page, LUNCH).live.extra, 4);
    // The canteen cannot remove them by hand: they go with the booking.
    let (status, text) = post_as(&app, &canteen, "/api/remove_extra", format!("id={id}")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{text}");
    let mut tx = app::base::db::begin_write(&pool)
        .await
        .expect("transaction");
    let removed = record::remove_extras_from(&mut tx, &actor, "visit_booking:42")
        .await
        .expect("removed");
    tx.commit().await.expect("committed");
    assert_eq!(removed, 1);
    let page = day_page(&app, &canteen, day).await;
    assert_eq!(meal(&page, LUNCH).live.extra, 0);
    let mut conn = pool.acquire().await.expect("connection");
    let audited = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM audit_log WHERE entity = 'extra_heads'"#
    )
    .fetch_one(&mut *conn)
    .await
    .expect("audit");
    assert_eq!(audited, 2);
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn the_canteen_pages_render_in_khmer_for_the_canteen_and_not_for_a_tutor(pool: SqlitePool) {
    three_girls(&pool).await;
    let day = today() + Days::new(1);
    fish_and_rice(&pool, day).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen])
        .await
        .replace("lang=en", "lang=km");
    let tutor = signed_in(&pool, "teacher", &[Role::Tutor]).await;
    let app = router(pool.clone(), "canteen-pages");
    for (uri, khmer) in [
        ("/canteen".to_owned(), "ការព្យាករអាហារ"),
        (format!("/canteen/day?on={day}"), "អាម៉ុកត្រី"),
        ("/canteen/kitchen".to_owned(), "តារាងផ្ទះបាយ"),
        ("/canteen/shopping".to_owned(), "បញ្ជីទិញឥវ៉ាន់"),
        ("/canteen/recipes".to_owned(), "អាម៉ុកត្រី"),
        ("/canteen/settings".to_owned(), "ម៉ោងបិទ"),
    ] {
        let (status, html) = download(&app, Some(&canteen), &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(html.contains(khmer), "{uri} in Khmer");
        let (status, html) = download(&app, Some(&tutor), &uri).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri} for a tutor");
        assert!(
            !html.contains("អាម៉ុកត្រី") && !html.contains("Fish amok"),
            "{uri}"
        );
    }
    // The kitchen sheet names tomorrow's vegetarian.
    let (_, html) = download(&app, Some(&canteen), "/canteen/kitchen").await;
    assert!(html.contains("ចាន់ ធីតា 2"), "the vegetarian child is listed");
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_meal_served_far_below_or_above_expected_is_flagged_with_the_figure_it_was_held_to(
    pool: SqlitePool,
) {
    three_girls(&pool).await;
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let app = router(pool.clone(), "canteen-served");
    let yesterday = today() - Days::new(1);
    let day = format!("/canteen/day?on={yesterday}");
    for (served, flagged) in [(1, Some("below")), (3, None), (5, Some("above"))] {
        let (status, body) = post_as(
            &app,
            &canteen,
            "/api/record_served",
            format!("day={yesterday}&meal_service_id={DINNER}&served={served}&note="),
        )
        .await;
        assert!(
            status.is_success() || status.is_redirection(),
            "{status} {body}"
        );
        for page in [
            page(&app, &canteen, &day).await,
            page(&app, &canteen, "/canteen").await,
        ] {
            let below = page.contains("Served far below expected");
            let above = page.contains("Served above expected");
            assert_eq!(below, flagged == Some("below"), "served {served}");
            assert_eq!(above, flagged == Some("above"), "served {served}");
            if flagged.is_some() {
                // The tooltip names the figure the meal was held against, and which it is (a
                // past day created after its cut-off was never frozen).
                assert!(
                    page.contains(r#"title="Held against 3 (the live count)""#),
                    "served {served}: {page}"
                );
            }
        }
    }
}

#[sqlx::test(migrator = "app::base::db::MIGRATOR")]
async fn a_child_counts_from_her_arrival_and_until_her_departure_on_the_day_itself(
    pool: SqlitePool,
) {
    let (girls, beds) = girls_in(&pool, 5).await;
    let mut conn = pool.acquire().await.expect("connection");
    let newcomer = app::residents::repo::insert(
        &mut conn,
        &ResidentFields {
            name_km: "សុខ ស្រីពៅ".into(),
            name_latin: "Sok Sreypov".into(),
            sex: Sex::Female,
            born_on: today() - chrono::Duration::days(365 * 9),
            grade: "3".into(),
            programme: Programme::BoardingSchool,
            admitted_on: today(),
            diet: Diet::Normal,
            allergies: vec![],
        },
    )
    .await
    .expect("resident");
    drop(conn);
    let canteen = signed_in(&pool, "cook", &[Role::Canteen]).await;
    let house = signed_in(&pool, "housemother", &[Role::HouseStaff]).await;
    let app = router(pool.clone(), "canteen-arrivals");
    let later = today() + Days::new(2);
    let eating = |page: &DayPage| {
        [BREAKFAST, LUNCH, DINNER].map(|service| meal(page, service).live.residents)
    };
    assert_eq!(eating(&day_page(&app, &canteen, later).await), [3, 3, 3]);

    // The newcomer comes the day after tomorrow at the usual 16:00: dinner, not lunch.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/assign_bed",
        format!("resident_id={newcomer}&bed_id={}&on={later}", beds[3]),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(eating(&day_page(&app, &canteen, later).await), [3, 3, 4]);
    // The first girl leaves that day at 12:30, after lunch; the second moves to another bed
    // at 14:00 and misses no meal.
    let (status, body) = post_as(
        &app,
        &house,
        "/api/release_bed",
        format!("bed_id={}&on={later}&time=12%3A30", beds[0]),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    let (status, body) = post_as(
        &app,
        &house,
        "/api/move_bed",
        format!(
            "resident_id={}&bed_id={}&on={today}&time=14%3A00",
            girls[1],
            beds[4],
            today = today()
        ),
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    assert_eq!(eating(&day_page(&app, &canteen, later).await), [3, 3, 3]);
    let today_page = day_page(&app, &canteen, today()).await;
    assert!(
        [BREAKFAST, LUNCH, DINNER]
            .iter()
            .all(|s| meal(&today_page, *s).live.residents == 3),
        "the move leaves no meal without her"
    );

    // A time that is not one is refused in words, and nothing changes.
    let before = count(&pool, "allocation").await;
    let (status, body) = post_as(
        &app,
        &house,
        "/api/release_bed",
        format!("bed_id={}&on={later}&time=25%3A00", beds[2]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("time"), "{body}");
    assert_eq!(count(&pool, "allocation").await, before);
    let released = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!: i64" FROM allocation WHERE bed_id = ? AND until_on IS NOT NULL"#,
        beds[2]
    )
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(released, 0);
    // The audit log has each time.
    let moved = sqlx::query_scalar!(
        r#"SELECT after_json AS "after!: String" FROM audit_log
           WHERE entity = 'allocation' AND action = 'move'"#
    )
    .fetch_one(&pool)
    .await
    .expect("audited");
    assert!(moved.contains(r#""arrives_at":"14:00""#), "{moved}");
}
