//! The server's configuration: one typed struct, from flags or the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Operations system for the centre's boarding facilities.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// The database settings shared by every command.
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The web server's settings, for `serve`.
    #[command(flatten)]
    pub serve: ServeConfig,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the data lives.
#[derive(Debug, Args)]
pub struct DatabaseConfig {
    /// The SQLite database, as a `sqlite:` URL; its folder is created if missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/centre.db",
        global = true
    )]
    pub database_url: String,
}

/// The server's subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply the database migrations, then exit.
    Migrate,
    /// Create the demo data (idempotent: running it again adds nothing). Refuses a database
    /// that holds real accounts, whose people would then share it with public passwords.
    SeedDemo {
        /// Seed even though the database holds accounts that are not demo accounts.
        #[arg(long)]
        force: bool,
    },
    /// Create an administrator account. The password is read from ADMIN_PASSWORD, else
    /// asked for on the terminal (not echoed), else read as one line from standard input.
    CreateAdmin {
        /// The login (3-32 characters: a-z, 0-9, `.`, `_`, `-`).
        #[arg(long)]
        login: String,
        /// The name colleagues know them by.
        #[arg(long)]
        name: String,
        /// The language their pages open in: km, en or fr.
        #[arg(long, default_value = "km")]
        language: String,
    },
    /// Write a consistent copy of the database to PATH, while the server may be running, and
    /// read it back whole.
    Backup {
        /// Where to write the copy; must not exist yet.
        path: PathBuf,
    },
    /// Put the copy at PATH in place of the database, after reading it back whole. Refused
    /// while a server is running on the database; the database it replaces is kept beside
    /// it (`<name>.replaced-<time>`).
    Restore {
        /// The copy to put back (a nightly or monthly copy, or one `backup` wrote).
        path: PathBuf,
    },
}

/// How the web server listens and where its static files are.
#[derive(Debug, Args, Clone)]
pub struct ServeConfig {
    /// The address to listen on.
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: SocketAddr,
    /// The folder cargo-leptos built the site into (holds `pkg/` and `fonts/`).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: PathBuf,
    /// Demo mode: create the demo data at start-up if missing, and let the demo accounts
    /// sign in. Never in a real deployment: the demo passwords are public.
    #[arg(long, env = "DEMO", default_value_t = false, global = true)]
    pub demo: bool,
    /// The demo sign-ins (`seed-demo` and `--demo` read them; they are not in the binary).
    #[arg(
        long,
        env = "DEMO_ACCOUNTS",
        default_value = "demo/accounts.json",
        global = true
    )]
    pub demo_accounts: PathBuf,
    /// How long a dashboard's live stream lasts before the browser reconnects (which checks
    /// its session again), in seconds. Below a proxy's idle timeout, if one is in front.
    #[arg(
        long,
        env = "LIVE_STREAM_SECONDS",
        default_value_t = 900,
        value_parser = clap::value_parser!(u64).range(1..=86_400),
        global = true
    )]
    pub live_stream_seconds: u64,
    /// How long a client has to send a request's headers, and how long an idle kept-alive
    /// connection stays open, in seconds: a client trickling bytes cannot hold a connection.
    #[arg(
        long,
        env = "HEADER_TIMEOUT_SECONDS",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=300),
        global = true
    )]
    pub header_timeout_seconds: u64,
    /// The longest a page or server function may take before it is answered "try again", in
    /// seconds (not the dashboards' live streams).
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECONDS",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=600),
        global = true
    )]
    pub request_timeout_seconds: u64,
    /// Requests served at once; more are answered "busy, try again" at once (the live streams
    /// count apart, a few per session).
    #[arg(
        long,
        env = "MAX_CONCURRENT_REQUESTS",
        default_value_t = 256,
        value_parser = clap::value_parser!(u64).range(1..=100_000),
        global = true
    )]
    pub max_concurrent_requests: u64,
    /// Where the nightly backups go; by default `backups/` beside the database.
    #[arg(long, env = "BACKUP_DIR", global = true)]
    pub backup_dir: Option<PathBuf>,
    /// When the nightly backup is taken, at the centre's time (HH:MM).
    #[arg(
        long,
        env = "BACKUP_AT",
        default_value = "02:00",
        value_parser = parse_time_of_day,
        global = true
    )]
    pub backup_at: chrono::NaiveTime,
}

/// A time of day, `HH:MM`.
fn parse_time_of_day(text: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{text:?} is not a time of day as HH:MM (e.g. 02:00)"))
}
