//! Nightly backups on a real database file: each copy written whole and read back, two weeks
//! of nightly copies and a year of monthly ones kept, a failure recorded and shown to the
//! admin as an alert; and `server restore`, refused while a server runs on the database and
//! keeping what it replaces.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::cli::Deployment;
use std::time::{Duration, Instant};

use crate::support::*;
use app::backups::copies;
use app::backups::model::{Health, Problem};
use app::base::access::Role;
use chrono::{Days, NaiveDate};
use sqlx::SqlitePool;

fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().into_string().expect("UTF-8"))
        .collect();
    names.sort();
    names
}

async fn health(pool: &SqlitePool) -> Health {
    let mut conn = pool.acquire().await.expect("connection");
    app::backups::repo::health(&mut conn, app::base::clock::now())
        .await
        .expect("health")
}

#[tokio::test]
async fn each_night_a_whole_checked_copy_and_only_two_weeks_and_a_year_are_kept() {
    let (pool, dir) = file_pool("nightly", &app::base::hub::Changes::new()).await;
    staff_session(&pool, "director", &[Role::Admin]).await;
    assert_eq!(health(&pool).await, Health::Missing(None));
    let folder = dir.join("backups");
    let first = NaiveDate::from_ymd_opt(2026, 10, 20).expect("date");
    // Twenty nights, across a change of month.
    for n in 0..20 {
        let day = first + Days::new(n);
        let run = copies::nightly(&pool, &folder, day, app::base::clock::now())
            .await
            .expect("recorded");
        assert_eq!(run.problem, None, "night {day}");
        assert!(run.rows > 0 && run.tables > 10, "{run:?}");
    }
    let kept = names(&folder);
    let nightly: Vec<&String> = kept.iter().filter(|n| n.starts_with("nightly-")).collect();
    assert_eq!(nightly.len(), 14, "{kept:?}");
    assert_eq!(nightly[0], "nightly-2026-10-26.db");
    assert!(kept.contains(&"monthly-2026-10.db".to_owned()), "{kept:?}");
    assert!(kept.contains(&"monthly-2026-11.db".to_owned()), "{kept:?}");
    assert!(!kept.iter().any(|n| n.ends_with(".part")), "{kept:?}");
    // Each copy reads back whole and holds the staff account.
    let copy = copies::check(&folder.join("monthly-2026-10.db"))
        .await
        .expect("a whole copy");
    assert_eq!(copy.tables.get("staff_user"), Some(&1));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(folder.join("nightly-2026-11-08.db"))
            .expect("copy")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "children's data: the owner's only");
    }
    assert!(matches!(health(&pool).await, Health::Fine(_)));
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_failed_backup_is_recorded_and_the_admin_is_alerted_on_the_dashboard() {
    let changes = app::base::hub::Changes::new();
    let (pool, dir) = file_pool("backup-fails", &changes).await;
    let (_, director) = staff_session(&pool, "director", &[Role::Admin]).await;
    let (_, house) = staff_session(&pool, "house", &[Role::HouseStaff]).await;
    let app = router_with(pool.clone(), "backup-fails", false, changes);
    let board = page(&app, &director, "/").await;
    assert!(board.contains("No backup has been taken yet"), "{board}");

    // The backup folder cannot be made: a file is in its way.
    let blocked = dir.join("blocked");
    std::fs::write(&blocked, "").expect("file");
    let run = copies::nightly(&pool, &blocked.join("backups"), first_day(), 1)
        .await
        .expect("recorded");
    assert_eq!(run.problem, Some(Problem::Folder));
    assert!(matches!(health(&pool).await, Health::Failed(_)));
    let board = page(&app, &director, "/").await;
    assert!(
        board.contains("id=\"backup-alert\"")
            && board.contains("failed: the backup folder cannot be created"),
        "{board}"
    );
    // The alert is the admin's: house staff do not see it.
    let theirs = page(&app, &house, "/").await;
    assert!(!theirs.contains("backup"), "{theirs}");
    let list = page(&app, &director, "/admin/backups").await;
    assert!(
        list.contains("the backup folder cannot be created"),
        "{list}"
    );
    let (status, _) = download(&app, Some(&house), "/admin/backups").await;
    assert_eq!(status, axum::http::StatusCode::FORBIDDEN);

    // The next night's succeeds: the alert goes.
    let run = copies::nightly(&pool, &dir.join("backups"), first_day(), 2)
        .await
        .expect("recorded");
    assert_eq!(run.problem, None);
    let board = page(&app, &director, "/").await;
    assert!(
        !board.contains("backup-alert") && board.contains("id=\"backup-line\""),
        "{board}"
    );
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
}

fn first_day() -> NaiveDate {
    app::base::clock::today_at_centre()
}

/// A command's success and everything it said.
fn outcome(output: std::process::Output) -> (bool, String) {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn admins(database: &Path) -> i64 {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from staff_user').fetchone()[0])",
            database.to_str().expect("UTF-8"),
        ])
        .output()
        .expect("python3 runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("a count")
}

#[tokio::test]
async fn restore_checks_the_copy_refuses_while_serving_and_keeps_what_it_replaces() {
    let server = Deployment::new("restore");
    let database = server.dir.join("data/centre.db");
    assert!(server.run(&["migrate"]).status.success());
    let copy = server.dir.join("copy.db");
    let (ok, said) = outcome(server.run(&["backup", copy.to_str().expect("UTF-8")]));
    assert!(ok, "{said}");
    // After the copy: an administrator the copy does not hold.
    let created = server
        .command(&["create-admin", "--login", "sreymom", "--name", "Srey Mom"])
        .env("ADMIN_PASSWORD", "a long passphrase")
        .output()
        .expect("runs");
    let (ok, said) = outcome(created);
    assert!(ok, "{said}");
    assert_eq!(admins(&database), 1);

    // A server running on the database: refused, nothing changed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut serving = server
        .command(&["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serves");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server never listened");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (ok, said) = outcome(server.run(&["restore", copy.to_str().expect("UTF-8")]));
    assert!(
        !ok && said.contains("a server is running on this database"),
        "{said}"
    );
    assert_eq!(admins(&database), 1);
    // The nightly task took a first copy at start: none had been taken yet.
    let nightly = server
        .dir
        .join("data/backups")
        .join(app::backups::model::nightly_name(first_day()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while !nightly.exists() {
        assert!(Instant::now() < deadline, "no backup was taken at start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Killed outright: the lock goes with the process.
    serving.kill().expect("killed");
    serving.wait().expect("ended");

    // A damaged copy: refused, nothing changed.
    let damaged = server.dir.join("damaged.db");
    let mut bytes = std::fs::read(&copy).expect("copy");
    let middle = bytes.len() / 2;
    bytes[middle..middle + 4096].fill(0x5a);
    std::fs::write(&damaged, &bytes).expect("damaged copy");
    let (ok, said) = outcome(server.run(&["restore", damaged.to_str().expect("UTF-8")]));
    assert!(!ok && said.contains("nothing was changed"), "{said}");
    assert_eq!(admins(&database), 1);

    // The good copy: in place, the replaced database kept beside it.
    let (ok, said) = outcome(server.run(&["restore", copy.to_str().expect("UTF-8")]));
    assert!(ok, "{said}");
    assert_eq!(admins(&database), 0, "the copy's state: {said}");
    let kept: Vec<String> = names(&server.dir.join("data"))
        .into_iter()
        .filter(|n| n.starts_with("centre.db.replaced-"))
        .collect();
    assert_eq!(kept.len(), 1, "{said}");
    assert_eq!(admins(&server.dir.join("data").join(&kept[0])), 1);
    // And the server starts on it.
    assert!(server.run(&["migrate"]).status.success());
}
