//! Start-up and the command-line tasks: open the database, migrate, seed, back up, serve.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use app::backups::copies;
use app::base::db::{self, AppState};
use app::base::hub::Changes;
use leptos::config::LeptosOptions;
use sqlx::SqlitePool;
use tokio::net::TcpListener;

use crate::config::ServeConfig;

/// Opens the database at `url`, creating its folder and file if missing; its committed
/// writes are announced to `changes`.
pub async fn open_database(url: &str, changes: &Changes) -> Result<SqlitePool> {
    let options = db::connect_options(url).with_context(|| {
        format!("DATABASE_URL {url:?} is not a valid SQLite URL (e.g. sqlite://data/centre.db)")
    })?;
    let file = options.get_filename().to_path_buf();
    if file.as_os_str() != ":memory:" {
        owners_only(&file)?;
    }
    let pool = db::connect(options, changes)
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))?;
    // Prove now that the file is writable, rather than at the first save of the day.
    let probe = db::begin_write(&pool)
        .await
        .with_context(|| format!("cannot write to the database {}", file.display()))?;
    probe.rollback().await?;
    Ok(pool)
}

/// Makes the database file readable by the owner only (0600), and its folder (0700) when it
/// has to be created, whatever the umask. SQLite gives its WAL and shared-memory files the
/// database file's permissions.
fn owners_only(file: &Path) -> Result<()> {
    #[cfg(unix)]
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty())
        && !folder.exists()
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(0o700);
        builder
            .create(folder)
            .with_context(|| format!("cannot create the data folder {}", folder.display()))?;
        #[cfg(unix)]
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict the data folder {}", folder.display()))?;
    }
    if file.exists() {
        #[cfg(unix)]
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict the database {}", file.display()))?;
    } else {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        options
            .open(file)
            .with_context(|| format!("cannot create the database {}", file.display()))?;
        #[cfg(unix)]
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
            .with_context(|| format!("cannot restrict the database {}", file.display()))?;
    }
    Ok(())
}

/// Applies every migration not yet applied.
pub async fn migrate(pool: &SqlitePool) -> Result<()> {
    db::MIGRATOR
        .run(pool)
        .await
        .context("the database migrations failed")
}

/// Creates the demo data (idempotent), with the sign-ins listed in `accounts`, and returns
/// the sign-ins as a table to print. A database that holds real accounts and no demo ones is
/// refused unless `force`: the demo's passwords are public.
#[cfg(feature = "demo")]
pub async fn seed_demo(pool: &SqlitePool, accounts: &Path, force: bool) -> Result<String> {
    let accounts_now = sqlx::query!(
        r#"SELECT (SELECT count(*) FROM staff_user WHERE demo = 0) AS "real!: i64",
                  (SELECT count(*) FROM staff_user WHERE demo = 1)
                    + (SELECT count(*) FROM family WHERE demo = 1) AS "demo!: i64""#
    )
    .fetch_one(pool)
    .await
    .context("cannot read the accounts")?;
    let (real, demo) = (accounts_now.real, accounts_now.demo);
    if real > 0 && demo == 0 && !force {
        bail!(
            "this database holds {real} staff account(s) that are not demo accounts: the demo's \
             passwords are public. Use a new database, or pass --force to seed it all the same"
        );
    }
    let text = std::fs::read_to_string(accounts).with_context(|| {
        format!(
            "cannot read the demo sign-ins {} (set DEMO_ACCOUNTS or --demo-accounts)",
            accounts.display()
        )
    })?;
    let accounts: app::demo::DemoAccounts = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid demo sign-ins file", accounts.display()))?;
    app::demo::seed(pool, &accounts)
        .await
        .context("seeding the demo data failed")?;
    Ok(app::demo::credentials_table(&accounts))
}

/// A build without the `demo` feature holds no demo data: `seed-demo` and `serve --demo`
/// stop with this one line instead.
#[cfg(not(feature = "demo"))]
pub async fn seed_demo(_: &SqlitePool, _: &Path, _: bool) -> Result<String> {
    bail!("this server was built without the demo data: build it with the `demo` feature")
}

/// Creates an administrator account, reading the password without putting it on the command
/// line (where `ps` and the shell history would keep it).
pub async fn create_admin(
    pool: &SqlitePool,
    login: &str,
    name: &str,
    language: &str,
) -> Result<()> {
    use app::base::access::Role;
    use app::base::i18n::Lang;
    use app::people::model::{CredentialProblem, MIN_PASSWORD_CHARS};
    use app::people::record::{AccountError, create_staff_account};

    let language = Lang::parse(language)
        .with_context(|| format!("unknown language {language:?}: use km, en or fr"))?;
    let password = read_password()?;
    let by = app::base::access::Writer::system("server create-admin");
    match create_staff_account(pool, &by, login, name, &password, language, &[Role::Admin]).await {
        Ok(_) => Ok(()),
        Err(AccountError::Invalid(problem)) => bail!(match problem {
            CredentialProblem::LoginLength => "the login must have 3 to 32 characters".to_owned(),
            CredentialProblem::LoginCharacters =>
                "the login may only use a-z, 0-9, '.', '_' and '-', and starts with a letter"
                    .to_owned(),
            CredentialProblem::PasswordTooShort =>
                format!("the password must have at least {MIN_PASSWORD_CHARS} characters"),
            CredentialProblem::PasswordTooLong => "the password is too long".to_owned(),
            CredentialProblem::PasswordCommon =>
                "the password is one of the 1,000 most common: choose another".to_owned(),
            other => format!("invalid input: {other:?}"),
        }),
        Err(AccountError::LoginTaken) => {
            bail!("a staff account with the login {login:?} exists already")
        }
        Err(error) => Err(error).context("cannot create the administrator"),
    }
}

fn read_password() -> Result<String> {
    use std::io::{BufRead, IsTerminal};
    if let Ok(password) = std::env::var("ADMIN_PASSWORD") {
        return Ok(password);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let second = rpassword::prompt_password("Again: ").context("cannot read the password")?;
        if first != second {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Writes a consistent copy of the live database to `path` and reads it back whole;
/// returns how many rows it holds.
pub async fn backup(pool: &SqlitePool, path: &Path) -> Result<i64> {
    if path.exists() {
        bail!(
            "{} exists already: choose a new file for the backup",
            path.display()
        );
    }
    copies::write(pool, path)
        .await
        .with_context(|| format!("cannot write the backup to {}", path.display()))?;
    let contents = copies::check(path)
        .await
        .with_context(|| format!("the backup {} does not read back whole", path.display()))?;
    Ok(contents.rows())
}

/// Puts the copy at `copy` in place of the database at `url` (see `copies::restore`);
/// returns what was done, to print.
pub async fn restore(url: &str, copy: &Path) -> Result<String> {
    let database = database_file(url)?;
    let stamp = chrono::Utc::now()
        .with_timezone(&app::base::clock::phnom_penh())
        .format("%Y%m%dT%H%M%S")
        .to_string();
    let (contents, kept) = copies::restore(&database, copy, &stamp)
        .await
        .with_context(|| format!("nothing was changed: cannot restore {}", copy.display()))?;
    let kept = match kept {
        Some(kept) => format!("; the database it replaced is kept as {}", kept.display()),
        None => String::new(),
    };
    Ok(format!(
        "{} restored into {} ({} tables, {} rows){kept}",
        copy.display(),
        database.display(),
        contents.tables.len(),
        contents.rows()
    ))
}

/// The database file a `sqlite:` URL names.
fn database_file(url: &str) -> Result<PathBuf> {
    let options = db::connect_options(url).with_context(|| {
        format!("DATABASE_URL {url:?} is not a valid SQLite URL (e.g. sqlite://data/centre.db)")
    })?;
    Ok(options.get_filename().to_path_buf())
}

/// The site's name in `[[workspace.metadata.leptos]]`: the files under `/pkg` are named after it.
const OUTPUT_NAME: &str = "centre";

/// Leptos's settings for this site. The hashed file names come from `hash.txt`, which
/// cargo-leptos writes beside the server binary: without it no page could load its scripts.
pub fn leptos_options(config: &ServeConfig) -> Result<LeptosOptions> {
    let hash_file = std::env::current_exe()
        .context("cannot locate the server binary")?
        .with_file_name("hash.txt");
    if !hash_file.exists() {
        bail!(
            "{} is missing: build the site with `cargo leptos build --release` and keep hash.txt beside the binary",
            hash_file.display()
        );
    }
    let site_root = config
        .site_root
        .to_str()
        .context("the site root is not valid UTF-8")?;
    if !config.site_root.join("pkg").is_dir() {
        bail!(
            "the site folder {} has no pkg/: build it with `cargo leptos build --release`, or set LEPTOS_SITE_ROOT",
            config.site_root.display()
        );
    }
    Ok(LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .hash_files(true)
        .build())
}

/// Runs the web server until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(
    pool: SqlitePool,
    changes: Changes,
    config: ServeConfig,
    started: Instant,
) -> Result<()> {
    let leptos_options = leptos_options(&config)?;
    let database = pool.connect_options().get_filename().to_path_buf();
    // Held until the process ends: `restore` refuses while it is.
    let _lock = if database.as_os_str() == ":memory:" {
        None
    } else {
        Some(
            copies::lock(&database)
                .with_context(|| format!("cannot serve the database {}", database.display()))?,
        )
    };
    migrate(&pool).await?;
    if config.demo {
        seed_demo(&pool, &config.demo_accounts, false).await?;
        tracing::warn!("demo mode: the demo accounts, whose passwords are public, may sign in");
    }
    tokio::spawn(freeze_meal_counts(pool.clone()));
    tokio::spawn(sweep_sessions(pool.clone()));
    let backup_dir = config.backup_dir.clone().unwrap_or_else(|| {
        database
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("backups")
    });
    if database.as_os_str() != ":memory:" {
        tokio::spawn(nightly_backups(pool.clone(), backup_dir, config.backup_at));
    }
    let storage = app::base::db::Storage::default();
    tokio::spawn(watch_storage(pool.clone(), storage.clone()));
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let app = crate::router(AppState {
        leptos_options,
        pool: pool.clone(),
        demo: config.demo,
        changes: changes
            .clone()
            .with_stream_lifetime(Duration::from_secs(config.live_stream_seconds)),
        storage,
    });
    tracing::info!(
        "listening on http://{} (ready in {} ms)",
        config.addr,
        started.elapsed().as_millis()
    );
    let limits = crate::routes::Limits {
        request_timeout: Duration::from_secs(config.request_timeout_seconds),
        concurrent_requests: usize::try_from(config.max_concurrent_requests).unwrap_or(256),
    };
    let app = crate::routes::with_limits(app, &limits);
    let header_timeout = Duration::from_secs(config.header_timeout_seconds);
    crate::listen::serve(listener, app, header_timeout, async move {
        shutdown_signal().await;
        // Live streams never end by themselves.
        changes.close();
    })
    .await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Runs `task` every `period` (the first time at once), logging what it did as `done` when it
/// did something and `failed` when it could not.
async fn every<F, Fut, N>(period: Duration, task: F, done: &'static str, failed: &'static str)
where
    F: Fn(i64) -> Fut,
    Fut: Future<Output = Result<N, sqlx::Error>>,
    N: Default + PartialEq + tracing::Value,
{
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        match task(chrono::Utc::now().timestamp()).await {
            Ok(count) if count == N::default() => {}
            Ok(count) => tracing::info!(count, "{done}"),
            Err(error) => tracing::error!(%error, "{failed}"),
        }
    }
}

/// Every minute, freezes the meal counts whose cut-off has passed (pages showing counts also
/// do it first, so this only makes the freeze time exact when nobody is looking).
async fn freeze_meal_counts(pool: SqlitePool) {
    let freeze = |now| app::canteen::counts::freeze_due(&pool, now);
    let (done, failed) = (
        "meal counts frozen at the cut-off",
        "cannot freeze meal counts",
    );
    every(Duration::from_secs(60), freeze, done, failed).await;
}

/// Every hour, removes the sessions that have expired: a token nobody presents again would
/// otherwise stay in the table for good.
async fn sweep_sessions(pool: SqlitePool) {
    let sweep = |now| app::base::session::sweep(&pool, now);
    let (done, failed) = ("expired sessions removed", "cannot remove expired sessions");
    every(Duration::from_secs(3600), sweep, done, failed).await;
}

/// Takes the nightly backup at `at` (the centre's time) every night, and once at start when
/// the last good one is older than a night (the server was off at that hour).
async fn nightly_backups(pool: SqlitePool, folder: PathBuf, at: chrono::NaiveTime) {
    use app::backups::model::{Health, next_run};
    let missed = match pool.acquire().await {
        Ok(mut conn) => {
            let health = app::backups::repo::health(&mut conn, app::base::clock::now()).await;
            !matches!(health, Ok(Health::Fine(_)))
        }
        Err(_) => true,
    };
    if missed {
        take_backup(&pool, &folder).await;
    }
    loop {
        let now = app::base::clock::now();
        let wait = u64::try_from(next_run(now, at) - now).unwrap_or(60);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        take_backup(&pool, &folder).await;
    }
}

async fn take_backup(pool: &SqlitePool, folder: &Path) {
    let started_at = app::base::clock::now();
    let day = app::base::clock::today_at_centre();
    match copies::nightly(pool, folder, day, started_at).await {
        Ok(run) if run.problem.is_none() => {
            tracing::info!(
                path = run.path,
                rows = run.rows,
                "nightly backup written and checked"
            );
        }
        Ok(run) => {
            tracing::error!(path = run.path, problem = ?run.problem, "nightly backup failed")
        }
        Err(error) => tracing::error!(%error, "cannot record the nightly backup"),
    }
}

/// Every few seconds, reads the database file afresh (`db::check_storage`): while it cannot,
/// pages say so and writes are refused; when it can again, they work again.
async fn watch_storage(pool: SqlitePool, storage: app::base::db::Storage) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        let checked = db::check_storage(&pool).await;
        match (&checked, storage.unreadable()) {
            (Err(error), false) => tracing::error!(%error, "the database file cannot be read"),
            (Ok(()), true) => tracing::warn!("the database file can be read again"),
            _ => {}
        }
        storage.note(checked.is_ok());
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
