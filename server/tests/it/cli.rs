//! The server binary as an operator runs it: subcommands, start-up failures, serving and
//! stopping on SIGTERM, in the deployment layout (binary, hash.txt beside it, site folder).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A deployment in a fresh folder: the binary (hard-linked), hash.txt, site/pkg, data/.
pub(crate) struct Deployment {
    pub(crate) dir: PathBuf,
}

impl Deployment {
    pub(crate) fn new(name: &str) -> Deployment {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("deploy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("site/pkg")).expect("site folder");
        let binary = dir.join("server");
        if std::fs::hard_link(env!("CARGO_BIN_EXE_server"), &binary).is_err() {
            std::fs::copy(env!("CARGO_BIN_EXE_server"), &binary).expect("copy of the binary");
        }
        std::fs::write(dir.join("hash.txt"), "js: test\nwasm: test\ncss: test\n")
            .expect("hash.txt");
        Deployment { dir }
    }

    fn database_url(&self) -> String {
        format!("sqlite://{}/data/centre.db", self.dir.display())
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(self.dir.join("server"));
        command
            .args(args)
            .env("DATABASE_URL", self.database_url())
            .env("LEPTOS_SITE_ROOT", self.dir.join("site"))
            .env("RUST_LOG", "info")
            .env_remove("ADMIN_PASSWORD")
            .env_remove("DEMO")
            .env_remove("BACKUP_DIR")
            .env(
                "DEMO_ACCOUNTS",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/accounts.json"),
            )
            .stdin(Stdio::null());
        command
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the binary runs")
    }
}

impl Drop for Deployment {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The one line a start-up failure must end with: "error: ..." and no panic.
fn assert_one_clear_line(output: &Output, expected: &str) {
    let text = stderr(output);
    assert!(!output.status.success(), "should fail: {text}");
    assert!(!text.contains("panicked"), "no panic: {text}");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains(expected),
        "{text}"
    );
}

async fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

#[test]
fn seed_demo_creates_the_database_and_is_idempotent() {
    let deployment = Deployment::new("seed");
    for _ in 0..2 {
        let output = deployment.run(&["seed-demo"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let printed = String::from_utf8_lossy(&output.stdout);
        for sign_in in ["director", "\"demo director\"", "012345678", "482913"] {
            assert!(
                printed.contains(sign_in),
                "seed-demo prints the demo sign-ins: {printed}"
            );
        }
    }
    assert!(deployment.dir.join("data/centre.db").exists());
}

#[test]
fn seed_demo_without_its_sign_ins_file_ends_with_one_clear_line() {
    let deployment = Deployment::new("seed-missing");
    let output = deployment
        .command(&["seed-demo"])
        .env("DEMO_ACCOUNTS", deployment.dir.join("nowhere.json"))
        .output()
        .expect("runs");
    assert_one_clear_line(&output, "cannot read the demo sign-ins");
}

#[test]
fn create_admin_makes_one_admin_and_refuses_a_second_with_the_same_login() {
    let deployment = Deployment::new("admin");
    let created = deployment
        .command(&["create-admin", "--login", "director", "--name", "Srey Mom"])
        .env("ADMIN_PASSWORD", "a long passphrase")
        .output()
        .expect("runs");
    assert!(created.status.success(), "{}", stderr(&created));
    let again = deployment
        .command(&["create-admin", "--login", "Director", "--name", "Other"])
        .env("ADMIN_PASSWORD", "another passphrase")
        .output()
        .expect("runs");
    assert_one_clear_line(&again, "exists already");
    let short = deployment
        .command(&["create-admin", "--login", "dara", "--name", "Dara"])
        .env("ADMIN_PASSWORD", "short")
        .output()
        .expect("runs");
    assert_one_clear_line(&short, "at least 8 characters");
}

#[test]
fn create_admin_reads_the_password_from_standard_input() {
    use std::io::Write;
    let deployment = Deployment::new("admin-stdin");
    let mut child = deployment
        .command(&["create-admin", "--login", "sokha", "--name", "Sokha"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a long passphrase\n")
        .expect("written");
    let output = child.wait_with_output().expect("finishes");
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn backup_writes_a_usable_copy_and_never_overwrites() {
    let deployment = Deployment::new("backup");
    assert!(deployment.run(&["seed-demo"]).status.success());
    let target = deployment.dir.join("backup.db");
    let target = target.to_str().expect("UTF-8 path");
    let output = deployment.run(&["backup", target]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The copy is a database the server can open and migrate: a real restore.
    let restored = deployment
        .command(&["migrate"])
        .env("DATABASE_URL", format!("sqlite://{target}"))
        .output()
        .expect("runs");
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert_one_clear_line(&deployment.run(&["backup", target]), "exists already");
}

#[test]
fn a_bad_database_url_ends_with_one_clear_line() {
    let deployment = Deployment::new("bad-url");
    let output = deployment
        .command(&["migrate"])
        .env("DATABASE_URL", "postgres://localhost/centre")
        .output()
        .expect("runs");
    assert_one_clear_line(&output, "not a valid SQLite URL");
}

#[test]
fn an_unusable_data_folder_ends_with_one_clear_line() {
    let deployment = Deployment::new("bad-folder");
    // A folder cannot be made below a file, even by root.
    let blocker = deployment.dir.join("blocker");
    std::fs::write(&blocker, "").expect("file");
    let output = deployment
        .command(&["migrate"])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/data/centre.db", blocker.display()),
        )
        .output()
        .expect("runs");
    assert_one_clear_line(&output, "cannot create the data folder");
}

#[test]
fn a_missing_hash_file_ends_with_one_clear_line() {
    let deployment = Deployment::new("no-hash");
    std::fs::remove_file(deployment.dir.join("hash.txt")).expect("removed");
    let output = deployment.run(&["serve", "--addr", "127.0.0.1:0"]);
    assert_one_clear_line(&output, "hash.txt is missing");
}

#[test]
fn a_port_in_use_ends_with_one_clear_line() {
    let deployment = Deployment::new("port");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bound");
    let addr = taken.local_addr().expect("address").to_string();
    let output = deployment.run(&["serve", "--addr", &addr]);
    assert_one_clear_line(&output, &format!("cannot listen on {addr}"));
}

#[tokio::test]
async fn serve_answers_health_then_stops_cleanly_on_sigterm() {
    let deployment = Deployment::new("serve");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = deployment
        .command(&["serve", "--addr", &addr, "--demo"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    let response = loop {
        match http_get(port, "/healthz").await {
            Ok(response) => break response,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(error) => panic!("the server never answered: {error}"),
        }
    };
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || {
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
            .expect("read");
        (child.wait().expect("exits"), stderr)
    })
    .await
    .expect("joined");
    let (exit, log) = output;
    assert!(exit.success(), "a SIGTERM is a clean stop: {log}");
    assert!(log.contains("listening on http://"), "{log}");
    let request_line = log
        .lines()
        .find(|line| line.contains("uri=/healthz"))
        .unwrap_or_default();
    assert!(
        request_line.contains("method=GET")
            && request_line.contains("status=200")
            && request_line.contains("latency="),
        "one log line per request, with its status and duration: {log}"
    );
    assert!(log.contains("stopped"), "{log}");
}

#[tokio::test]
async fn a_failed_migration_ends_with_one_clear_line() {
    let deployment = Deployment::new("bad-migration");
    assert!(deployment.run(&["migrate"]).status.success());
    // A landed migration whose file changed afterwards: sqlx refuses to go on.
    let options = app::base::db::connect_options(&deployment.database_url()).expect("valid url");
    // One connection, closed before the server runs: `Pool::close` can wait forever on a
    // connection still on its way back to the pool.
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("opens");
    sqlx::query!("UPDATE _sqlx_migrations SET checksum = x'00'")
        .execute(&mut connection)
        .await
        .expect("tampered");
    connection.close().await.expect("closes");
    let output = deployment.run(&["migrate"]);
    assert_one_clear_line(&output, "the database migrations failed");
}

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The server under `umask 000`, the loosest an operator's shell can have.
#[cfg(unix)]
fn under_open_umask(deployment: &Deployment, args: &[&str]) -> Command {
    let inner = deployment.command(args);
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(r#"umask 000; exec "$0" "$@""#)
        .arg(inner.get_program())
        .args(inner.get_args())
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .stdin(Stdio::null());
    command
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_its_journal_and_backups_are_the_owners_only_and_logs_carry_no_query() {
    let deployment = Deployment::new("modes");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = under_open_umask(&deployment, &["serve", "--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match http_get(port, "/healthz").await {
            Ok(_) => break,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await
            }
            Err(error) => panic!("the server never answered: {error}"),
        }
    }
    // A search names a child: the request log keeps the path only.
    http_get(port, "/residents?q=Sreyneang")
        .await
        .expect("answers");
    let data = deployment.dir.join("data");
    assert_eq!(mode(&data), 0o700, "the data folder");
    for file in ["centre.db", "centre.db-wal", "centre.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    let backup = deployment.dir.join("nightly.db");
    let output = under_open_umask(&deployment, &["backup", backup.to_str().expect("UTF-8")])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(mode(&backup), 0o600, "the backup");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let log = tokio::task::spawn_blocking(move || {
        let mut log = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut log)
            .expect("read");
        child.wait().expect("exits");
        log
    })
    .await
    .expect("joined");
    assert!(log.contains("uri=/residents"), "{log}");
    assert!(
        !log.contains("Sreyneang"),
        "the search is not in the log: {log}"
    );
}

#[test]
fn seed_demo_refuses_a_database_with_real_accounts_unless_forced() {
    let deployment = Deployment::new("seed-real");
    let admin = deployment
        .command(&["create-admin", "--login", "director", "--name", "Srey Mom"])
        .env("ADMIN_PASSWORD", "a real passphrase")
        .output()
        .expect("runs");
    assert!(admin.status.success(), "{}", stderr(&admin));
    assert_one_clear_line(&deployment.run(&["seed-demo"]), "not demo accounts");
    let forced = deployment.run(&["seed-demo", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}

/// Whether the server closed `stream` (a read returns end of file, or the connection resets).
async fn closed_by_server(stream: &mut tokio::net::TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test]
async fn a_trickled_header_or_an_idle_connection_is_closed_and_live_streams_outlast_the_request_timeout()
 {
    let deployment = Deployment::new("timers");
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = deployment
        .command(&["serve", "--addr", &addr, "--demo"])
        .env("HEADER_TIMEOUT_SECONDS", "2")
        .env("REQUEST_TIMEOUT_SECONDS", "1")
        .env("LIVE_STREAM_SECONDS", "30")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while http_get(port, "/healthz").await.is_err() {
        assert!(Instant::now() < deadline, "the server never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A header sent a byte every 300 ms: the connection is closed once 2 s have passed.
    let started = Instant::now();
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let header =
        b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let mut closed = false;
    for byte in header {
        if slow.write_all(&[*byte]).await.is_err() {
            closed = true;
            break;
        }
        if closed_by_server(&mut slow, Duration::from_millis(300)).await {
            closed = true;
            break;
        }
    }
    let held = started.elapsed();
    assert!(closed, "the trickling client was never cut off");
    assert!(held < Duration::from_secs(5), "held for {held:?}");

    // A kept-alive connection left idle is closed too.
    let mut idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("writes");
    assert!(
        closed_by_server(&mut idle, Duration::from_secs(5)).await,
        "idle connection kept"
    );

    // A signed-in dashboard's stream lasts past the 1 s request timeout.
    let mut conn = sqlx::SqliteConnection::connect(&deployment.database_url())
        .await
        .expect("database");
    let staff: i64 =
        sqlx::query_scalar!(r#"SELECT id AS "id!: i64" FROM staff_user WHERE login = 'director'"#)
            .fetch_one(&mut conn)
            .await
            .expect("director");
    let token = app::base::session::start(
        &mut conn,
        app::base::session::Owner::Staff(staff),
        chrono::Utc::now().timestamp(),
    )
    .await
    .expect("session");
    let mut live = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connects");
    let request = format!("GET /live HTTP/1.1\r\nHost: localhost\r\nCookie: sid={token}\r\n\r\n");
    live.write_all(request.as_bytes()).await.expect("writes");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut buffer = vec![0u8; 8192];
    let read = tokio::time::timeout(Duration::from_secs(1), live.read(&mut buffer))
        .await
        .expect("the stream answered")
        .expect("reads");
    let answer = String::from_utf8_lossy(&buffer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("event: hello"), "{answer}");
    assert!(
        !closed_by_server(&mut live, Duration::from_millis(500)).await,
        "the stream is still open after 3 s"
    );
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let _ = child.wait();
}
