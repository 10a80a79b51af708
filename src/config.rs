//! Settings: built-in defaults, then an optional TOML file, then
//! `WAYMARK_*` environment variables (the environment wins).
//!
//! A bad setting is reported once, naming the setting, and the process exits
//! with status 2 (see `main.rs`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use url::Url;

/// Every setting, its environment variable, its default and what it does.
/// The README's settings table is written from this list.
pub const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "database_url",
        "sqlite://<data_dir>/waymark.db",
        "SQLite file or postgres:// URL",
    ),
    ("listen", "127.0.0.1:8080", "address and port to serve on"),
    (
        "data_dir",
        "./waymark-data",
        "folder for the SQLite database, uploads and mail files",
    ),
    (
        "base_url",
        "http://127.0.0.1:8080",
        "public address used in links and to decide on secure cookies",
    ),
    (
        "smtp_url",
        "(none: mail goes to <data_dir>/mail)",
        "SMTP relay, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host",
    ),
    (
        "mail_from",
        "Waymark <waymark@localhost>",
        "sender of every email",
    ),
    ("log_format", "text", "text or json"),
    (
        "session_idle_minutes",
        "60",
        "a session ends after this long without a request",
    ),
    (
        "session_max_hours",
        "12",
        "a session ends this long after sign-in, whatever happens",
    ),
    (
        "signin_max_failures",
        "5",
        "failed sign-ins allowed per account within the window",
    ),
    (
        "signin_max_failures_per_address",
        "20",
        "failed sign-ins allowed per network address within the window",
    ),
    (
        "signin_window_seconds",
        "900",
        "length of the sign-in throttling window",
    ),
    (
        "invite_valid_hours",
        "72",
        "how long an invitation or password-reset link works",
    ),
    (
        "run_jobs",
        "true",
        "whether this process runs background jobs (mail delivery)",
    ),
    (
        "job_poll_ms",
        "500",
        "how often the job runner looks for work",
    ),
    (
        "trusted_proxies",
        "0",
        "how many proxies you run in front of Waymark: the client address is read from X-Forwarded-For counted that many entries from the right (0: the connection's own address, the header ignored)",
    ),
    (
        "sso_providers_file",
        "(none: no single sign-on)",
        "TOML file listing OpenID Connect providers (Login.gov, Entra ID, Okta) people may sign in with (see the README)",
    ),
    (
        "sso_required_for",
        "(none)",
        "roles that must sign in with a provider, not a password, comma-separated, e.g. federal",
    ),
    (
        "second_step_required_for",
        "(none)",
        "roles that must use two-step sign-in, comma-separated, e.g. admin,federal (they are led through setting it up at their next sign-in)",
    ),
    (
        "inactive_days",
        "90",
        "accounts unused this many days are turned off, with a warning email a week before (0: never)",
    ),
    (
        "limit_window_seconds",
        "60",
        "length of the window the request limits below count in",
    ),
    (
        "limit_requests_per_address",
        "1200",
        "requests of any kind one network address may make per window (0: no limit)",
    ),
    (
        "limit_api_per_address",
        "600",
        "API requests one network address may make per window (0: no limit)",
    ),
    (
        "limit_api_per_token",
        "300",
        "API requests one personal access token may make per window (0: no limit)",
    ),
    (
        "limit_searches_per_address",
        "60",
        "searches (Exchange and forum, pages and API) one network address may make per window (0: no limit)",
    ),
    (
        "limit_anonymous_writes_per_hour",
        "120",
        "forms and API writes sent without signing in (sign-in, registration, subscriptions, interest forms) per network address per hour, counted across every instance (0: no limit)",
    ),
    (
        "frameworks_dir",
        "(none: only the built-in frameworks)",
        "folder of extra framework files (*.toml), loaded with the built-in ones",
    ),
    (
        "search_cache_entries",
        "1000",
        "Exchange searches remembered until the library changes (0: none)",
    ),
    (
        "search_index",
        "memory",
        "memory (each process holds the Exchange's search index) or database (FTS5 or PostgreSQL's own, slower)",
    ),
    (
        "digest_hour",
        "7",
        "hour (0 to 23, in digest_time_zone) at which Exchange digests go out",
    ),
    (
        "digest_weekday",
        "monday",
        "day of the week on which weekly Exchange digests go out",
    ),
    (
        "digest_time_zone",
        "America/New_York",
        "time zone (IANA name) of the Exchange digests' hour and day",
    ),
];

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub base_url: Url,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub log_format: LogFormat,
    pub session_idle_minutes: u64,
    pub session_max_hours: u64,
    pub signin_max_failures: u32,
    pub signin_max_failures_per_address: u32,
    pub signin_window_seconds: u64,
    pub invite_valid_hours: u64,
    pub run_jobs: bool,
    pub job_poll_ms: u64,
    /// Proxies in front of Waymark whose `X-Forwarded-For` entries are
    /// believed (0: none; the header is ignored).
    pub trusted_proxies: u32,
    pub inactive_days: u64,
    pub second_step_required_for: Vec<crate::auth::Role>,
    pub sso_providers: Vec<crate::auth::sso::Provider>,
    pub sso_required_for: Vec<crate::auth::Role>,
    pub limit_window_seconds: u64,
    pub limit_requests_per_address: u32,
    pub limit_api_per_address: u32,
    pub limit_api_per_token: u32,
    pub limit_searches_per_address: u32,
    pub limit_anonymous_writes_per_hour: u32,
    /// A folder of extra framework files, loaded with the built-in ones.
    pub frameworks_dir: Option<PathBuf>,
    /// How many Exchange search answers are kept (0: none).
    pub search_cache_entries: usize,
    /// Whether Exchange searches use the index each process holds in
    /// memory, or the database's own full-text index.
    pub search_in_memory: bool,
    /// The hour (0 to 23) at which digests go out, in `digest_time_zone`.
    pub digest_hour: i8,
    /// The day on which weekly digests go out.
    pub digest_weekday: jiff::civil::Weekday,
    /// The zone of the digests' hour and day.
    pub digest_time_zone: jiff::tz::TimeZone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A setting that could not be used, with the reason in plain words.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{setting}: {reason}")]
pub struct ConfigError {
    pub setting: String,
    pub reason: String,
}

impl ConfigError {
    fn new(setting: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            setting: setting.into(),
            reason: reason.into(),
        }
    }
}

/// The raw settings as strings, keyed by their file name (`listen`, ...).
#[derive(Debug, Default, Clone)]
pub struct RawSettings {
    values: BTreeMap<String, (String, String)>, // name -> (source label, value)
}

impl RawSettings {
    pub fn set(&mut self, name: &str, source: &str, value: &str) {
        self.values
            .insert(name.to_owned(), (source.to_owned(), value.to_owned()));
    }

    /// Reads a TOML file whose keys are the setting names.
    pub fn merge_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::new(&label, format!("cannot read the settings file ({e})"))
        })?;
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            ConfigError::new(&label, format!("not valid TOML: {}", e.message()))
        })?;
        for (key, value) in table {
            if !SETTINGS.iter().any(|(name, _, _)| *name == key) {
                return Err(ConfigError::new(
                    format!("{label}: {key}"),
                    "unknown setting",
                ));
            }
            let text = match value {
                toml::Value::String(s) => s,
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(ConfigError::new(
                        format!("{label}: {key}"),
                        format!(
                            "expected a string, number or true/false, found {}",
                            other.type_str()
                        ),
                    ));
                }
            };
            self.set(&key, &format!("{label}: {key}"), &text);
        }
        Ok(())
    }

    /// Takes every `WAYMARK_<NAME>` variable from the given environment.
    pub fn merge_env<I: IntoIterator<Item = (String, String)>>(
        &mut self,
        vars: I,
    ) -> Result<(), ConfigError> {
        for (key, value) in vars {
            let Some(name) = key.strip_prefix("WAYMARK_") else {
                continue;
            };
            // The settings file, the log filter and the test suite's own variables.
            if name == "CONFIG" || name == "LOG" || name.starts_with("TEST_") {
                continue;
            }
            let name = name.to_ascii_lowercase();
            if !SETTINGS.iter().any(|(n, _, _)| *n == name) {
                return Err(ConfigError::new(
                    key,
                    "unknown setting (see the README for the list)",
                ));
            }
            self.set(&name, &key, &value);
        }
        Ok(())
    }

    fn get(&self, name: &str) -> Option<(&str, &str)> {
        self.values.get(name).map(|(s, v)| (s.as_str(), v.as_str()))
    }

    fn label(name: &str) -> String {
        format!("WAYMARK_{}", name.to_ascii_uppercase())
    }

    fn number<T>(&self, name: &str, default: T, min: T) -> Result<T, ConfigError>
    where
        T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
    {
        match self.get(name) {
            None => Ok(default),
            Some((source, value)) => {
                let n: T = value.trim().parse().map_err(|_| {
                    ConfigError::new(source, format!("'{value}' is not a whole number"))
                })?;
                if n < min {
                    return Err(ConfigError::new(source, format!("must be at least {min}")));
                }
                Ok(n)
            }
        }
    }

    /// A comma-separated list of roles (none when not given).
    fn roles(&self, name: &str) -> Result<Vec<crate::auth::Role>, ConfigError> {
        let Some((source, value)) = self.get(name) else {
            return Ok(vec![]);
        };
        let mut roles = Vec::new();
        for role in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            roles.push(crate::auth::Role::parse(role).ok_or_else(|| {
                ConfigError::new(
                    source,
                    format!(
                        "'{role}' is not a role (admin, reviewer, coach, sme, federal, state_lead, state_member or partner)"
                    ),
                )
            })?);
        }
        Ok(roles)
    }

    fn flag(&self, name: &str, default: bool) -> Result<bool, ConfigError> {
        match self.get(name) {
            None => Ok(default),
            Some((source, value)) => match value.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => Ok(true),
                "false" | "0" | "no" | "off" => Ok(false),
                _ => Err(ConfigError::new(
                    source,
                    format!("'{value}' is not true or false"),
                )),
            },
        }
    }

    /// Turns the raw settings into a checked configuration.
    pub fn build(&self) -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(
            self.get("data_dir")
                .map(|(_, v)| v)
                .unwrap_or("./waymark-data"),
        );

        let database_url = match self.get("database_url") {
            None => sqlite_url_for(&data_dir),
            Some((source, value)) => {
                let v = value.trim();
                if !(v.starts_with("sqlite:")
                    || v.starts_with("postgres://")
                    || v.starts_with("postgresql://"))
                {
                    return Err(ConfigError::new(
                        source,
                        "must start with sqlite: (a file) or postgres:// (a PostgreSQL server)",
                    ));
                }
                v.to_owned()
            }
        };

        let listen = match self.get("listen") {
            None => SocketAddr::from(([127, 0, 0, 1], 8080)),
            Some((source, value)) => value.trim().parse().map_err(|_| {
                ConfigError::new(
                    source,
                    format!("'{value}' is not an address and port like 127.0.0.1:8080"),
                )
            })?,
        };

        let base_url = match self.get("base_url") {
            None => Url::parse(&format!("http://{listen}")).expect("socket address makes a URL"),
            Some((source, value)) => {
                let url = Url::parse(value.trim()).map_err(|_| {
                    ConfigError::new(source, format!("'{value}' is not a web address"))
                })?;
                if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                    return Err(ConfigError::new(
                        source,
                        "must be an http:// or https:// address",
                    ));
                }
                url
            }
        };

        let smtp_url = match self.get("smtp_url") {
            None => None,
            Some((_, v)) if v.trim().is_empty() => None,
            Some((source, value)) => {
                let url = Url::parse(value.trim())
                    .map_err(|_| ConfigError::new(source, "is not a URL like smtp://host:25"))?;
                if !matches!(url.scheme(), "smtp" | "smtps") {
                    return Err(ConfigError::new(
                        source,
                        "must start with smtp:// or smtps://",
                    ));
                }
                Some(value.trim().to_owned())
            }
        };

        let mail_from = match self.get("mail_from") {
            None => "Waymark <waymark@localhost>".to_owned(),
            Some((source, value)) => {
                value.parse::<lettre::message::Mailbox>().map_err(|_| {
                    ConfigError::new(source, format!("'{value}' is not an email address"))
                })?;
                value.to_owned()
            }
        };

        let log_format = match self.get("log_format") {
            None => LogFormat::Text,
            Some((source, value)) => match value.trim() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => return Err(ConfigError::new(source, "must be text or json")),
            },
        };

        let search_in_memory = match self.get("search_index") {
            None => true,
            Some((source, value)) => match value.trim() {
                "memory" => true,
                "database" => false,
                _ => return Err(ConfigError::new(source, "must be memory or database")),
            },
        };

        let frameworks_dir = match self.get("frameworks_dir") {
            None => None,
            Some((_, v)) if v.trim().is_empty() => None,
            Some((source, value)) => {
                let dir = PathBuf::from(value.trim());
                if !dir.is_dir() {
                    return Err(ConfigError::new(
                        source,
                        format!("'{value}' is not a folder"),
                    ));
                }
                Some(dir)
            }
        };

        let digest_hour: i8 = self.number("digest_hour", 7, 0)?;
        if digest_hour > 23 {
            let (source, _) = self
                .get("digest_hour")
                .unwrap_or(("WAYMARK_DIGEST_HOUR", ""));
            return Err(ConfigError::new(source, "must be from 0 to 23"));
        }
        let digest_weekday = match self.get("digest_weekday") {
            None => jiff::civil::Weekday::Monday,
            Some((source, value)) => weekday(value).ok_or_else(|| {
                ConfigError::new(
                    source,
                    format!("'{value}' is not a day of the week, like monday"),
                )
            })?,
        };
        let digest_time_zone = match self.get("digest_time_zone") {
            None => jiff::tz::TimeZone::get(crate::exchange::TIME_ZONE).map_err(|e| {
                ConfigError::new(
                    "digest_time_zone",
                    format!("the default time zone is not installed ({e})"),
                )
            })?,
            Some((source, value)) => jiff::tz::TimeZone::get(value.trim()).map_err(|_| {
                ConfigError::new(
                    source,
                    format!("'{value}' is not a known time zone, like America/New_York"),
                )
            })?,
        };

        let second_step_required_for = self.roles("second_step_required_for")?;
        let sso_required_for = self.roles("sso_required_for")?;
        let sso_providers = match self.get("sso_providers_file") {
            None => vec![],
            Some((_, v)) if v.trim().is_empty() => vec![],
            Some((source, value)) => {
                crate::auth::sso::load(Path::new(value.trim())).map_err(|reason| {
                    ConfigError::new(source, format!("{}: {reason}", value.trim()))
                })?
            }
        };
        if !sso_required_for.is_empty() && sso_providers.is_empty() {
            let (source, _) = self
                .get("sso_required_for")
                .unwrap_or(("sso_required_for", ""));
            return Err(ConfigError::new(
                source,
                "names roles, but no provider is given in sso_providers_file",
            ));
        }

        Ok(Config {
            second_step_required_for,
            sso_required_for,
            sso_providers,
            database_url,
            listen,
            data_dir,
            base_url,
            smtp_url,
            mail_from,
            log_format,
            session_idle_minutes: self.number("session_idle_minutes", 60, 1)?,
            session_max_hours: self.number("session_max_hours", 12, 1)?,
            signin_max_failures: self.number("signin_max_failures", 5, 1)?,
            signin_max_failures_per_address: self.number(
                "signin_max_failures_per_address",
                20,
                1,
            )?,
            signin_window_seconds: self.number("signin_window_seconds", 900, 1)?,
            invite_valid_hours: self.number("invite_valid_hours", 72, 1)?,
            run_jobs: self.flag("run_jobs", true)?,
            job_poll_ms: self.number("job_poll_ms", 500, 10)?,
            trusted_proxies: self.number("trusted_proxies", 0, 0)?,
            inactive_days: self.number("inactive_days", 90, 0)?,
            limit_window_seconds: self.number("limit_window_seconds", 60, 1)?,
            limit_requests_per_address: self.number("limit_requests_per_address", 1200, 0)?,
            limit_api_per_address: self.number("limit_api_per_address", 600, 0)?,
            limit_api_per_token: self.number("limit_api_per_token", 300, 0)?,
            limit_searches_per_address: self.number("limit_searches_per_address", 60, 0)?,
            limit_anonymous_writes_per_hour: self.number(
                "limit_anonymous_writes_per_hour",
                120,
                0,
            )?,
            frameworks_dir,
            search_cache_entries: self.number("search_cache_entries", 1000, 0)?,
            search_in_memory,
            digest_hour,
            digest_weekday,
            digest_time_zone,
        })
    }
}

/// A day of the week by its English name or first three letters, any case.
fn weekday(value: &str) -> Option<jiff::civil::Weekday> {
    use jiff::civil::Weekday::*;
    let v = value.trim().to_ascii_lowercase();
    [
        ("monday", Monday),
        ("tuesday", Tuesday),
        ("wednesday", Wednesday),
        ("thursday", Thursday),
        ("friday", Friday),
        ("saturday", Saturday),
        ("sunday", Sunday),
    ]
    .into_iter()
    .find(|(name, _)| v.len() >= 3 && name.starts_with(v.as_str()) && (v.len() == 3 || v == *name))
    .map(|(_, d)| d)
}

fn sqlite_url_for(data_dir: &Path) -> String {
    format!("sqlite://{}/waymark.db", data_dir.display())
}

impl Config {
    /// Loads from an optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut raw = RawSettings::default();
        let env_file = std::env::var("WAYMARK_CONFIG").ok().map(PathBuf::from);
        if let Some(path) = file.map(Path::to_path_buf).or(env_file) {
            raw.merge_file(&path)?;
        }
        raw.merge_env(std::env::vars())?;
        raw.build()
    }

    /// A configuration for tests and tools: defaults plus the given pairs.
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut raw = RawSettings::default();
        for (k, v) in pairs {
            raw.set(k, &RawSettings::label(k), v);
        }
        raw.build()
    }

    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// The base URL without a trailing slash, for building links.
    pub fn link(&self, path: &str) -> String {
        let base = self.base_url.as_str().trim_end_matches('/');
        format!("{base}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_use_sqlite_in_the_data_folder() {
        let c = RawSettings::default().build().unwrap();
        assert_eq!(c.database_url, "sqlite://./waymark-data/waymark.db");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(!c.is_https());
        assert!(c.smtp_url.is_none());
    }

    #[test]
    fn environment_overrides_and_is_checked() {
        let mut raw = RawSettings::default();
        raw.merge_env(env(&[("WAYMARK_LISTEN", "0.0.0.0:9000"), ("PATH", "/bin")]))
            .unwrap();
        assert_eq!(raw.build().unwrap().listen.port(), 9000);

        let mut raw = RawSettings::default();
        raw.merge_env(env(&[("WAYMARK_LISTEN", "not-an-address")]))
            .unwrap();
        let err = raw.build().unwrap_err();
        assert_eq!(err.setting, "WAYMARK_LISTEN");
        assert!(err.reason.contains("not an address"), "{err}");
    }

    #[test]
    fn unknown_variables_are_refused_by_name() {
        let mut raw = RawSettings::default();
        let err = raw.merge_env(env(&[("WAYMARK_LISTN", "x")])).unwrap_err();
        assert_eq!(err.setting, "WAYMARK_LISTN");
    }

    #[test]
    fn bad_values_name_the_setting() {
        for (name, value, words) in [
            ("database_url", "mysql://x", "must start with"),
            ("base_url", "ftp://x", "http:// or https://"),
            ("smtp_url", "http://x", "smtp://"),
            ("session_idle_minutes", "soon", "whole number"),
            ("session_idle_minutes", "0", "at least 1"),
            ("run_jobs", "maybe", "true or false"),
            ("log_format", "xml", "text or json"),
            ("search_index", "disk", "memory or database"),
            ("mail_from", "nobody", "email address"),
            ("digest_hour", "24", "from 0 to 23"),
            ("digest_hour", "-1", "at least 0"),
            ("digest_hour", "seven", "whole number"),
            ("digest_weekday", "someday", "day of the week"),
            ("digest_weekday", "mo", "day of the week"),
            ("digest_time_zone", "Mars/Olympus", "time zone"),
            (
                "second_step_required_for",
                "admin, boss",
                "'boss' is not a role",
            ),
            ("sso_required_for", "federal", "no provider is given"),
            ("sso_providers_file", "/no/such/file.toml", "cannot read it"),
            ("limit_window_seconds", "0", "at least 1"),
            ("inactive_days", "ninety", "whole number"),
        ] {
            let err = Config::from_pairs(&[(name, value)]).unwrap_err();
            assert_eq!(err.setting, RawSettings::label(name));
            assert!(err.reason.contains(words), "{name}={value}: {err}");
        }
    }

    #[test]
    fn digest_schedule_defaults_and_settings() {
        let c = RawSettings::default().build().unwrap();
        assert_eq!(c.digest_hour, 7);
        assert_eq!(c.digest_weekday, jiff::civil::Weekday::Monday);
        assert_eq!(c.digest_time_zone.iana_name(), Some("America/New_York"));
        let c = Config::from_pairs(&[
            ("digest_hour", "0"),
            ("digest_weekday", "Fri"),
            ("digest_time_zone", "Europe/London"),
        ])
        .unwrap();
        assert_eq!(c.digest_hour, 0);
        assert_eq!(c.digest_weekday, jiff::civil::Weekday::Friday);
        assert_eq!(c.digest_time_zone.iana_name(), Some("Europe/London"));
        let c = Config::from_pairs(&[("digest_weekday", "SUNDAY"), ("digest_hour", "23")]).unwrap();
        assert_eq!(c.digest_weekday, jiff::civil::Weekday::Sunday);
        assert_eq!(c.digest_hour, 23);
    }

    #[test]
    fn settings_file_is_read_and_checked() {
        let dir = std::env::temp_dir().join(format!("waymark-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.toml");
        std::fs::write(
            &good,
            "listen = \"127.0.0.1:7000\"\nsignin_max_failures = 3\nrun_jobs = false\n",
        )
        .unwrap();
        let mut raw = RawSettings::default();
        raw.merge_file(&good).unwrap();
        let c = raw.build().unwrap();
        assert_eq!(c.listen.port(), 7000);
        assert_eq!(c.signin_max_failures, 3);
        assert!(!c.run_jobs);

        let bad = dir.join("bad.toml");
        std::fs::write(&bad, "lissen = 1\n").unwrap();
        let err = RawSettings::default().merge_file(&bad).unwrap_err();
        assert!(
            err.setting.ends_with("lissen") && err.reason == "unknown setting",
            "{err}"
        );
    }

    #[test]
    fn https_base_url_means_secure_cookies() {
        let c = Config::from_pairs(&[("base_url", "https://waymark.example.gov")]).unwrap();
        assert!(c.is_https());
        assert_eq!(c.link("/signin"), "https://waymark.example.gov/signin");
    }
}
