//! The server when its storage fails, through the real router on a real database file: a
//! full disk refuses writes in words (503) and keeps reads and the data whole, and writes
//! work again by themselves once there is room; a database file that can no longer be read
//! makes `/healthz` and every page say so (503), until it can again.

use crate::support::*;
use app::base::access::Role;
use axum::body::Body;
use axum::http::{StatusCode, header};
use sqlx::SqlitePool;

/// A building with `n` girls in its beds since last week: the building and the girls.
async fn housed(pool: &SqlitePool, n: u32) -> (i64, Vec<i64>) {
    let mut conn = pool.acquire().await.expect("connection");
    let (building, beds) = girls_room(&mut conn, "S", "អគារ ស", n).await;
    let mut girls = Vec::new();
    for (k, bed) in beds.iter().enumerate() {
        let fields = girl(&format!("ស្រី {k}"), &format!("Srey {k}"), 10, "4");
        girls.push(housed_since_last_week(&mut conn, &fields, *bed).await);
    }
    (building, girls)
}

/// A roll mark as a tablet sends it, named `id`.
fn mark(cookie: &str, building: i64, girl: i64, mark: &str, id: &str) -> axum::http::Request<Body> {
    let night = app::base::clock::today_at_centre();
    let now = chrono::Utc::now().timestamp_millis();
    form_post("/api/mark_roll")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(format!(
            "building_id={building}&night={night}&resident_id={girl}&mark={mark}\
             &sent[mark_id]={id}&sent[made_ms]={now}&sent[sent_ms]={now}"
        )))
        .expect("request")
}

async fn scalar(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.expect("read")
}

async fn integrity(pool: &SqlitePool) -> String {
    sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await
        .expect("integrity check")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_writes_in_words_keeps_reads_and_recovers_by_itself() {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let changes = app::base::hub::Changes::new();
    let (seeding, dir) = file_pool("disk-full", &changes).await;
    let (building, girls) = housed(&seeding, 4).await;
    let (_, cookie) = staff_session(&seeding, "house", &[Role::HouseStaff]).await;
    let pages = scalar(&seeding, "PRAGMA page_count").await;
    seeding.close().await;

    // The same file, on a "disk" that holds 64 pages more than it does now: SQLite answers
    // SQLITE_FULL past it, as it does when the disk itself is full (ENOSPC).
    let url = format!("sqlite://{}/disk-full.db", dir.display());
    let options = app::base::db::connect_options(&url)
        .expect("url")
        .pragma("max_page_count", (pages + 64).to_string());
    let pool = app::base::db::connect(options, &changes)
        .await
        .expect("pool");
    let app = router_with(pool.clone(), "disk-full", false, changes);

    // Fill the room left, so that the next write needing a page finds none.
    sqlx::query("CREATE TABLE filler (b BLOB)")
        .execute(&pool)
        .await
        .expect("filler");
    while sqlx::query("INSERT INTO filler VALUES (zeroblob(2000))")
        .execute(&pool)
        .await
        .is_ok()
    {}
    let before = scalar(&pool, "SELECT count(*) FROM audit_log").await;

    // Marks until one is refused (the last pages' free space takes a few rows).
    let mut refused = None;
    for n in 0..200 {
        let girl = girls[n % girls.len()];
        let state = if n % 2 == 0 { "present" } else { "missing" };
        let id = format!("full-disk-mark-{n:04}");
        let response = send(app.clone(), mark(&cookie, building, girl, state, &id)).await;
        if response.status() != StatusCode::OK {
            refused = Some((id, response.status(), text(response).await, girl, state));
            break;
        }
    }
    let (id, status, words, girl, state) =
        refused.expect("a write is refused when the disk is full");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{words}");
    // The tablet's island reads the refusal's code and shows its words (from the page).
    assert_eq!(words, "\"StorageFull\"");
    let roll = page(&app, &cookie, &format!("/roll/{building}")).await;
    assert!(
        roll.contains("StorageFull") && roll.contains("storage is full: tell the administrator"),
        "the words for it are on the page, in the caller's language"
    );
    // Nothing of the refused mark was written, and what was there is whole.
    let receipts = format!("SELECT count(*) FROM tablet_mark WHERE id = '{id}'");
    assert_eq!(scalar(&pool, &receipts).await, 0);
    assert_eq!(integrity(&pool).await, "ok");
    let audited = scalar(&pool, "SELECT count(*) FROM audit_log").await;
    let marks = scalar(&pool, "SELECT count(*) FROM tablet_mark").await;
    assert_eq!(
        audited - before,
        marks,
        "each mark written has its audit entry, no more"
    );

    // Reads go on: the roll call page and the dashboard.
    let roll = page(&app, &cookie, &format!("/roll/{building}")).await;
    assert!(roll.contains(&format!("id=\"r{girl}\"")), "{roll}");
    let board = send(app.clone(), get_as(&cookie, "/")).await;
    assert_eq!(board.status(), StatusCode::OK);

    // Room again: the same mark, sent again by the tablet, goes through.
    sqlx::query("DROP TABLE filler")
        .execute(&pool)
        .await
        .expect("room made");
    let response = send(app.clone(), mark(&cookie, building, girl, state, &id)).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        text(response).await
    );
    assert_eq!(scalar(&pool, &receipts).await, 1);
    assert_eq!(integrity(&pool).await, "ok");
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_database_file_makes_health_and_pages_say_so_until_it_reads_again() {
    let changes = app::base::hub::Changes::new();
    let (pool, dir) = file_pool("unreadable", &changes).await;
    let (building, _) = housed(&pool, 2).await;
    // Signed in, pages in English.
    let (_, cookie) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let app = router_with(pool.clone(), "unreadable", false, changes);
    assert_eq!(
        send(app.clone(), get("/healthz")).await.status(),
        StatusCode::OK
    );

    // The file gone (removed by mistake, its disk unmounted): the pool's connections still
    // hold it open and would write on into a file nobody will find again.
    let file = dir.join("unreadable.db");
    let aside = dir.join("aside.db");
    std::fs::rename(&file, &aside).expect("moved away");
    assert_eq!(
        send(app.clone(), get("/healthz")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    // Without a language chosen: Khmer.
    let sid = cookie.split(';').next().expect("the session");
    let roll = send(app.clone(), get_as(sid, &format!("/roll/{building}"))).await;
    assert_eq!(roll.status(), StatusCode::SERVICE_UNAVAILABLE);
    let words = text(roll).await;
    assert!(
        words.contains("ម៉ាស៊ីនមេមិនអាចអានទិន្នន័យ"),
        "in Khmer, the default: {words}"
    );
    let mark = form_post("/api/mark_roll")
        .header(header::ACCEPT, "application/json")
        .header(header::COOKIE, &cookie)
        .body(Body::from(format!(
            "building_id={building}&night=&resident_id=1&mark=present"
        )))
        .expect("request");
    let refused = send(app.clone(), mark).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text(refused).await.contains("cannot read its data"));
    std::fs::rename(&aside, &file).expect("back");
    assert_eq!(
        send(app.clone(), get("/healthz")).await.status(),
        StatusCode::OK
    );
    let roll = send(app.clone(), get_as(&cookie, &format!("/roll/{building}"))).await;
    assert_eq!(roll.status(), StatusCode::OK);

    // The file's first bytes overwritten (a failing card, a mistaken copy), its log folded
    // into it before: the file no longer reads as a database.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .expect("checkpoint");
    let mut bytes = std::fs::read(&file).expect("file");
    let header: Vec<u8> = bytes[..100].to_vec();
    bytes[..100].copy_from_slice(&[0x5a; 100]);
    std::fs::write(&file, &bytes).expect("damaged");
    assert_eq!(
        send(app.clone(), get("/healthz")).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    let en = send(app.clone(), get_as(&cookie, "/roll")).await;
    assert_eq!(en.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(text(en).await.contains("cannot read its data"));

    // Readable again: health and pages come back without a restart.
    bytes[..100].copy_from_slice(&header);
    std::fs::write(&file, &bytes).expect("repaired");
    assert_eq!(
        send(app.clone(), get("/healthz")).await.status(),
        StatusCode::OK
    );
    let roll = send(app.clone(), get_as(&cookie, &format!("/roll/{building}"))).await;
    assert_eq!(roll.status(), StatusCode::OK);
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
