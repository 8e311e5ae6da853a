//! The server binary: `serve` (the default), `migrate`, `seed-demo`, `create-admin`,
//! `backup PATH`, `restore PATH`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use server::config::{Cli, Command};
use server::tasks;
use tracing_subscriber::EnvFilter;

/// Rendering a page allocates many small strings: glibc's allocator spent a third of a roll
/// call page's CPU on them under load (`perf`), mimalloc much less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Cli::parse(), started).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line, with its causes: "cannot listen on 127.0.0.1:3000: Address in use".
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, started: Instant) -> anyhow::Result<()> {
    let url = cli.database.database_url.as_str();
    let changes = app::base::hub::Changes::new();
    // Every command but `restore`, which replaces the file, works on the open database.
    let open = || tasks::open_database(url, &changes);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => tasks::serve(open().await?, changes.clone(), cli.serve, started).await,
        Command::Migrate => {
            tasks::migrate(&open().await?).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::SeedDemo { force } => {
            let pool = open().await?;
            tasks::migrate(&pool).await?;
            let sign_ins = tasks::seed_demo(&pool, &cli.serve.demo_accounts, force).await?;
            println!("demo data ready\n\n{sign_ins}");
            Ok(())
        }
        Command::CreateAdmin {
            login,
            name,
            language,
        } => {
            let pool = open().await?;
            tasks::migrate(&pool).await?;
            tasks::create_admin(&pool, &login, &name, &language).await?;
            println!("administrator {login:?} created");
            Ok(())
        }
        Command::Backup { path } => {
            let rows = tasks::backup(&open().await?, &path).await?;
            println!(
                "backup written to {} and read back whole ({rows} rows)",
                path.display()
            );
            Ok(())
        }
        Command::Restore { path } => {
            println!("{}", tasks::restore(url, &path).await?);
            Ok(())
        }
    }
}
