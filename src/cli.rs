//! The `waymark` command line.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::auth::invite::InviteRequest;
use crate::auth::{password, store};
use crate::config::{Config, LogFormat};
use crate::state::AppState;
use crate::time::now_ms;

#[derive(Parser)]
#[command(
    name = "waymark",
    version,
    about = "Run a technical-assistance program for state career pathways systems"
)]
struct Cli {
    /// A TOML settings file (environment variables WAYMARK_* override it).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages, the API and the background jobs.
    Serve,
    /// Create a demo instance in the data folder (once), print its sign-ins and serve it.
    Demo,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage personal access tokens for the API.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Check framework files.
    Framework {
        #[command(subcommand)]
        command: FrameworkCommand,
    },
    /// Make large synthetic data for benchmarks.
    Seed {
        #[command(subcommand)]
        command: SeedCommand,
    },
    /// Exchange email digests.
    Digest {
        #[command(subcommand)]
        command: DigestCommand,
    },
    /// Write a consistent copy of the SQLite database while the server runs.
    Backup {
        /// The file to write (must not exist yet).
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account with a role; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, reviewer, coach, sme, federal, state_lead, state_member or partner.
        #[arg(long)]
        role: String,
        /// The program's short name, for roles inside a program.
        #[arg(long)]
        program: Option<String>,
        /// Two-letter postal code, for coaches and state team members.
        #[arg(long)]
        state: Option<String>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum SeedCommand {
    /// A program with a cohort of states, each with a team of raters, every
    /// rater's ratings of the full instrument, the consensus and snapshots,
    /// and the program year: activities, plans and peer groups.
    Synthetic {
        /// The new program's short name.
        #[arg(long, default_value = "synthetic")]
        program: String,
        #[arg(long, default_value_t = 56)]
        states: usize,
        #[arg(long, default_value_t = 3)]
        snapshots: usize,
        #[arg(long, default_value_t = 12)]
        raters: usize,
        /// Only the assessments: leave out the program year (every state's
        /// activities with attendance and action items, its plan, and the
        /// peer groups), which is made by default.
        #[arg(long)]
        no_year: bool,
        /// Also make this many published Exchange resources and events.
        #[arg(long, default_value_t = 0)]
        resources: usize,
        /// Make only the Exchange data asked for: no program.
        #[arg(long)]
        exchange_only: bool,
        /// Also make this many active Exchange subscribers (daily, one to
        /// three topics each), for the digest benchmark.
        #[arg(long, default_value_t = 0)]
        subscribers: usize,
    },
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Build and queue the Exchange digests that are due (the server does
    /// this by itself; this is for catching up and benchmarks).
    Run {
        /// daily or weekly (default: both).
        #[arg(long)]
        frequency: Option<String>,
        /// Act as if it were this time (RFC 3339, e.g. 2026-11-24T13:00:00Z).
        #[arg(long)]
        now: Option<String>,
    },
}

#[derive(Subcommand)]
enum FrameworkCommand {
    /// Check a framework or glossary file (with the built-in ones): prints
    /// each problem as `file:line: reason` and exits with status 1, or one
    /// line ending in "ok".
    Check {
        /// The TOML file to check.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token for an account and print it alone on standard output.
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
        /// read or read_write.
        #[arg(long, default_value = "read_write")]
        scope: String,
        /// Days until the token stops working (1 to 365).
        #[arg(long, default_value_t = crate::auth::tokens::DEFAULT_LIFETIME)]
        days: i64,
    },
    /// Revoke a token at once, whoever's it is: give its number or its
    /// first characters (wmk_ and at least six more, as the account page shows).
    Revoke {
        /// The token's number, or the start of its text.
        token: String,
    },
}

/// A failure the user can fix: printed as one line, exit status 2.
#[derive(Debug)]
struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(msg.into()))
}

/// A refusal of the shared operations: bad input names its option.
fn refusal_as_usage(r: crate::web::Refusal) -> anyhow::Error {
    match r {
        crate::web::Refusal::Invalid(problems) => usage(
            problems
                .into_iter()
                .map(|(field, message)| {
                    let option = if field == "expires_in_days" {
                        "days"
                    } else {
                        &field
                    };
                    format!("--{option}: {message}")
                })
                .collect::<Vec<_>>()
                .join(" "),
        ),
        crate::web::Refusal::Internal(e) => e,
        other => usage(other.to_string()),
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Checking a file needs no settings, database or runtime.
    if let Command::Framework {
        command: FrameworkCommand::Check { file },
    } = &cli.command
    {
        return match crate::framework::load::check_file(file) {
            Ok(summary) => {
                println!("{summary}");
                ExitCode::SUCCESS
            }
            Err(problems) => {
                for p in &problems.0 {
                    eprintln!("{p}");
                }
                eprintln!(
                    "{} problem(s) found; the file would not be loaded.",
                    problems.0.len()
                );
                ExitCode::FAILURE
            }
        };
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("waymark: bad setting {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<UsageError>() => {
            eprintln!("waymark: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("waymark: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WAYMARK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let started = std::time::Instant::now();
            let running = crate::app::start(config).await?;
            tracing::info!(addr = %running.addr, startup_ms = started.elapsed().as_millis() as u64, "ready");
            running.until_signal().await;
            Ok(())
        }
        Command::Demo => {
            let state = AppState::build(config.clone()).await?;
            let sign_ins = crate::seed::demo::ensure(&state).await?;
            let running = crate::app::start_with_state(state, config.listen).await?;
            println!("\nWaymark demo is running at {}", config.base_url);
            println!("Data folder: {}\n", config.data_dir.display());
            println!(
                "Sign in as any of these (the passwords are also in {}):",
                crate::seed::demo::sign_ins_file(&config).display()
            );
            for s in &sign_ins {
                println!("  {:<26} {:<34} {}", s.role, s.email, s.password);
            }
            println!(
                "\nEmails are written to {} . Press Ctrl-C to stop.",
                config.mail_dir().display()
            );
            running.until_signal().await;
            Ok(())
        }
        Command::Migrate => {
            let db = crate::db::Db::connect(&config.database_url).await?;
            let ran = crate::db::migrate(&db).await?;
            println!("{ran} migration(s) applied; the database is up to date.");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    program,
                    state,
                    password_stdin: _,
                },
        } => {
            let mut pw = String::new();
            std::io::stdin().read_to_string(&mut pw)?;
            let pw = pw.trim_end_matches(['\n', '\r']).to_owned();
            password::check_new(&pw).map_err(|e| usage(format!("password: {e}")))?;
            let app = AppState::build(config).await?;
            let req = InviteRequest {
                email,
                name,
                role,
                program,
                state,
            };
            let id = crate::auth::invite::add_with_password(&app, &req, &pw)
                .await
                .map_err(refusal_as_usage)?;
            println!("Added {} (account {id}).", req.email.trim());
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    email,
                    name,
                    scope,
                    days,
                },
        } => {
            let app = AppState::build(config).await?;
            let user = store::find_user_by_email(&app.db.pool, &email)
                .await?
                .ok_or_else(|| usage(format!("--email: no account uses {email}")))?;
            let asked = crate::auth::tokens::NewToken {
                name,
                scope,
                expires_in_days: Some(days),
            };
            let created = crate::auth::tokens::create_for(
                &app,
                (user.id, &user.email),
                "command line",
                &asked,
            )
            .await
            .map_err(refusal_as_usage)?;
            println!("{}", created.token);
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Revoke { token },
        } => {
            let app = AppState::build(config).await?;
            let (id, email) = crate::auth::tokens::revoke_as_operator(&app, &token)
                .await
                .map_err(|r| match r {
                    crate::web::Refusal::NotFound => usage(format!(
                        "no live token is numbered or starts with '{}'",
                        token.trim()
                    )),
                    other => refusal_as_usage(other),
                })?;
            println!("Revoked token {id} of {email}.");
            Ok(())
        }
        Command::Framework { .. } => unreachable!("answered in main"),
        Command::Seed {
            command:
                SeedCommand::Synthetic {
                    program,
                    states,
                    snapshots,
                    raters,
                    no_year,
                    resources,
                    exchange_only,
                    subscribers,
                },
        } => {
            let state = AppState::build(config).await?;
            if resources > 0 {
                crate::seed::exchange_synthetic::resources(&state, resources).await?;
                // A bulk load's change log is of no use to any index.
                crate::exchange::search::prune_changes(
                    &state.db,
                    crate::exchange::search::CHANGES_KEPT,
                )
                .await?;
            }
            if subscribers > 0 {
                crate::seed::digest_synthetic::subscribers(&state, subscribers).await?;
            }
            if exchange_only {
                return Ok(());
            }
            if crate::program::store::find_by_slug(&state.db.pool, &program)
                .await?
                .is_some()
            {
                return Err(usage(format!("a program called {program} already exists")));
            }
            crate::seed::synthetic::assessment_cohort(
                &state,
                &crate::seed::synthetic::Sizes {
                    program,
                    states,
                    snapshots,
                    raters,
                    year: !no_year,
                },
            )
            .await
        }
        Command::Digest {
            command: DigestCommand::Run { frequency, now },
        } => {
            let frequencies: Vec<&'static str> = match frequency.as_deref() {
                None => crate::exchange::digest::FREQUENCIES.to_vec(),
                Some("daily") => vec!["daily"],
                Some("weekly") => vec!["weekly"],
                Some(other) => {
                    return Err(usage(format!(
                        "--frequency: {other} is not daily or weekly"
                    )));
                }
            };
            let now = match now {
                None => now_ms(),
                Some(t) => t
                    .parse::<jiff::Timestamp>()
                    .map_err(|e| usage(format!("--now: {e}")))?
                    .as_millisecond(),
            };
            let state = AppState::build(config).await?;
            let started = std::time::Instant::now();
            let schedule = crate::exchange::digest::Schedule::of(&state.config);
            for f in frequencies {
                let p = crate::exchange::digest::due_period(f, now, &schedule);
                crate::exchange::digest::ensure_run(&state, &p).await?;
            }
            let worker = format!("cli-{}", std::process::id());
            crate::exchange::digest::build(&state, &worker, crate::exchange::digest::CHUNK, None)
                .await?;
            for r in crate::exchange::digest::runs(&state, 2).await? {
                println!(
                    "{} {} ({}): {} subscriber(s), {} email(s) queued, {} distinct digest(s)",
                    r.frequency, r.period, r.status, r.subscribers, r.emails, r.bodies
                );
            }
            println!(
                "Built and queued in {:.1} s on {}.",
                started.elapsed().as_secs_f64(),
                crate::exchange::digest::backend_name(&state)
            );
            Ok(())
        }
        Command::Backup { to } => {
            if config.is_postgres() {
                return Err(usage(
                    "backup: this instance uses PostgreSQL; back it up with pg_dump, e.g. pg_dump --format=custom --file=waymark.dump \"$WAYMARK_DATABASE_URL\"",
                ));
            }
            if to.exists() {
                return Err(usage(format!(
                    "--to: {} already exists; choose a new file name",
                    to.display()
                )));
            }
            let db = crate::db::Db::connect(&config.database_url).await?;
            // VACUUM INTO writes a consistent snapshot while others keep writing.
            sqlx::query("VACUUM INTO $1")
                .bind(to.display().to_string())
                .execute(&db.pool)
                .await?;
            println!("Backup written to {}", to.display());
            Ok(())
        }
    }
}
