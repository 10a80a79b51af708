//! Test harness: spawns Waymark on port 0 over a fresh database (a SQLite
//! file in a temporary folder, or a new PostgreSQL database that is dropped
//! afterwards), and a small cookie-keeping browser to drive its pages.

use std::collections::BTreeMap;
use std::sync::Mutex;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;
use waymark::app::Running;
use waymark::auth::invite::InviteRequest;
use waymark::config::Config;
use waymark::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the test on both backends.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_some() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        }
    )* };
}

/// A prerequisite from `scripts/test`: present, or a loud skip (or, with
/// WAYMARK_TEST_REQUIRE_ALL=1 as under CI, a failure).
pub fn prerequisite(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            if std::env::var("WAYMARK_TEST_REQUIRE_ALL").as_deref() == Ok("1") {
                panic!("{what} is required ({var} is not set); run scripts/test");
            }
            eprintln!(
                "SKIPPED: {what} is not available ({var} is not set); run scripts/test to install it"
            );
            None
        }
    }
}

pub fn postgres_url() -> Option<String> {
    prerequisite("WAYMARK_TEST_POSTGRES_URL", "PostgreSQL")
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    running: Option<Running>,
    pub dir: tempfile::TempDir,
    pub database_url: String,
    pg_database: Option<(String, String)>, // (server url, database name)
}

pub fn random_suffix() -> String {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A new empty database for one test; returns its URL.
pub async fn new_database(
    backend: Backend,
    dir: &std::path::Path,
) -> (String, Option<(String, String)>) {
    match backend {
        Backend::Sqlite => (format!("sqlite://{}/waymark.db", dir.display()), None),
        Backend::Postgres => {
            let server = postgres_url().expect("PostgreSQL");
            let name = format!("waymark_test_{}", random_suffix());
            let admin = waymark::db::Db::connect(&format!("{server}/postgres"))
                .await
                .expect("connect to PostgreSQL");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&admin.pool)
                .await
                .expect("create test database");
            admin.pool.close().await;
            (format!("{server}/{name}"), Some((server, name)))
        }
    }
}

/// Every test makes its requests from one address, many more than a
/// person would: the request limits are off unless a test sets them.
pub const NO_REQUEST_LIMITS: &[(&str, &str)] = &[
    ("limit_requests_per_address", "0"),
    ("limit_api_per_address", "0"),
    ("limit_api_per_token", "0"),
    ("limit_searches_per_address", "0"),
    ("limit_anonymous_writes_per_hour", "0"),
];

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, &[]).await
    }

    pub async fn spawn_with(backend: Backend, settings: &[(&str, &str)]) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let (database_url, pg_database) = new_database(backend, dir.path()).await;
        let data_dir = dir.path().display().to_string();
        // A known port, so links in emails point at this server.
        let listen = format!("127.0.0.1:{}", free_port());
        let base = format!("http://{listen}");
        let mut pairs: Vec<(&str, &str)> = vec![
            ("database_url", &database_url),
            ("data_dir", &data_dir),
            ("listen", &listen),
            ("base_url", &base),
            ("job_poll_ms", "50"),
        ];
        pairs.extend_from_slice(NO_REQUEST_LIMITS);
        pairs.extend_from_slice(settings);
        let config = Config::from_pairs(&pairs).expect("test settings");
        let state = AppState::build(config.clone())
            .await
            .expect("build app state");
        let running = waymark::app::start_with_state(state, config.listen)
            .await
            .expect("start");
        TestApp {
            base,
            state: running.state.clone(),
            running: Some(running),
            dir,
            database_url,
            pg_database,
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Another Waymark process over the same database, with its own
    /// memory and port, as when several instances serve one deployment.
    pub async fn another_instance(&self) -> Running {
        self.another_instance_with(NO_REQUEST_LIMITS).await
    }

    pub async fn another_instance_with(&self, settings: &[(&str, &str)]) -> Running {
        let data_dir = self.dir.path().display().to_string();
        let listen = format!("127.0.0.1:{}", free_port());
        let base = format!("http://{listen}");
        let mut pairs: Vec<(&str, &str)> = vec![
            ("database_url", &self.database_url),
            ("data_dir", &data_dir),
            ("listen", &listen),
            ("base_url", &base),
            ("job_poll_ms", "50"),
        ];
        pairs.extend_from_slice(settings);
        let config = Config::from_pairs(&pairs).expect("test settings");
        let state = AppState::build(config.clone())
            .await
            .expect("build app state");
        waymark::app::start_with_state(state, config.listen)
            .await
            .expect("start")
    }

    /// Adds an account with a password; returns (id, password).
    pub async fn add_user(
        &self,
        email: &str,
        role: &str,
        program: Option<&str>,
        state: Option<&str>,
    ) -> (i64, String) {
        let password = format!("pw-{}-{}", random_suffix(), random_suffix());
        let req = InviteRequest {
            email: email.into(),
            name: format!("Test {role}"),
            role: role.into(),
            program: program.map(Into::into),
            state: state.map(Into::into),
        };
        let id = waymark::auth::invite::add_with_password(&self.state, &req, &password)
            .await
            .expect("add user");
        (id, password)
    }

    pub async fn add_program(&self, slug: &str) -> i64 {
        waymark::program::store::insert(
            &self.state.db.pool,
            &waymark::program::store::NewProgram {
                slug,
                name: "Test Program",
                track: "intensive",
                time_zone: "America/New_York",
                sponsor: "OCTAE",
                provider: "Provider",
            },
            0,
        )
        .await
        .unwrap()
    }

    pub async fn token_for(&self, user_id: i64, email: &str) -> String {
        self.token_with(user_id, email, "read_write").await
    }

    /// A token of the given scope (`read` or `read_write`).
    pub async fn token_with(&self, user_id: i64, email: &str, scope: &str) -> String {
        let asked = waymark::auth::tokens::NewToken {
            name: "test".into(),
            scope: scope.into(),
            expires_in_days: Some(30),
        };
        waymark::auth::tokens::create_for(&self.state, (user_id, email), "127.0.0.1", &asked)
            .await
            .unwrap()
            .token
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&self.state.db.pool)
            .await
            .unwrap()
    }

    /// Row counts of every table a change could touch (the audit log,
    /// which also records refusals, is checked on its own).
    pub async fn fingerprint(&self) -> Vec<(&'static str, i64)> {
        let mut out = Vec::new();
        for t in [
            "users",
            "role_grants",
            "sessions",
            "api_tokens",
            "one_time_tokens",
            "outbox",
            "jobs",
            "programs",
        ] {
            let n = if t == "jobs" {
                // The digest scheduler queues its building jobs on its own
                // (a run falls due when the server starts): not a change
                // any request made.
                self.count(&format!(
                    "jobs WHERE kind <> '{}'",
                    waymark::jobs::Job::BUILD_DIGEST
                ))
                .await
            } else {
                self.count(t).await
            };
            out.push((t, n));
        }
        out
    }

    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((server, name)) = self.pg_database.take() {
            let pool = self.state.db.pool.clone();
            // Drop the database from a separate thread: Drop cannot await.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    pool.close().await;
                    if let Ok(admin) = waymark::db::Db::connect(&format!("{server}/postgres")).await
                    {
                        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&admin.pool)
                        .await;
                        admin.pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A browser-like client that keeps its own cookies (so tests can look at
/// and replay them) and never follows redirects.
pub struct Browser {
    pub base: String,
    client: reqwest::Client,
    pub cookies: Mutex<BTreeMap<String, String>>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub fn csrf_token(&self) -> Option<String> {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }

    /// The answer to an anonymous visitor on a page that needs an account.
    pub fn redirects_to_signin(&self) -> bool {
        self.status == StatusCode::SEE_OTHER
            && self
                .location
                .as_deref()
                .is_some_and(|l| l.starts_with("/signin?next="))
    }
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_owned(),
            client,
            cookies: Mutex::new(BTreeMap::new()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, res: &reqwest::Response) {
        let mut jar = self.cookies.lock().unwrap();
        for v in res.headers().get_all(SET_COOKIE) {
            let text = v.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    async fn read(&self, res: reqwest::Response) -> Page {
        self.keep_cookies(&res);
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers
            .get(LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = res.text().await.unwrap();
        Page {
            status,
            location,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// A download with the browser's cookies, keeping none it is given:
    /// (status, headers, bytes).
    pub async fn download(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.bytes().await.unwrap().to_vec())
    }

    /// Posts a form exactly as given (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .form(fields)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Posts a multipart form with one file (and the given text fields).
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, Vec<u8>)>,
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        if let Some((field, name, bytes)) = file {
            form = form.part(
                field.to_string(),
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.read(res).await
    }

    /// Opens `page`, takes its CSRF token, and uploads a file to `action`.
    pub async fn upload(
        &self,
        page: &str,
        action: &str,
        field: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Page {
        let token = self.get(page).await.csrf_token().expect("a form");
        self.post_multipart(
            action,
            &[("csrf_token", &token)],
            Some((field, name, bytes)),
        )
        .await
    }

    /// Opens `page`, takes its CSRF token, and posts the form to `action`.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(page).await;
        let token = form
            .csrf_token()
            .unwrap_or_else(|| panic!("no form on {page}: {}", form.status));
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        // Signed in already, /signin redirects; /account then has a form.
        let page = if self.get("/signin").await.status == 200 {
            "/signin"
        } else {
            "/account"
        };
        self.submit(page, "/signin", &[("email", email), ("password", password)])
            .await
    }
}

/// A real SMTP server (Debian's python3-aiosmtpd) writing to a maildir.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    pub maildir: tempfile::TempDir,
}

impl SmtpSink {
    pub async fn start() -> Option<SmtpSink> {
        let python = prerequisite("WAYMARK_TEST_SMTPD_PYTHON", "the aiosmtpd SMTP server")?;
        let port = free_port();
        let maildir = tempfile::tempdir().unwrap();
        let child = std::process::Command::new(python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(maildir.path().join("box"))
            .spawn()
            .expect("start aiosmtpd");
        let sink = SmtpSink {
            child,
            port,
            maildir,
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(sink);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start on port {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, as raw text.
    pub fn messages(&self) -> Vec<String> {
        let dir = self.maildir.path().join("box").join("new");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return vec![];
        };
        entries
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .collect()
    }

    /// Waits until at least `n` messages have arrived.
    pub async fn wait_for(&self, n: usize, seconds: u64) -> Vec<String> {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let m = self.messages();
            if m.len() >= n || std::time::Instant::now() > until {
                return m;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API call with a bearer token: (status, JSON answer or null).
pub async fn call(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    call_at(&app.base, token, method, path, body).await
}

/// `call`, to the server at `base` (say, another instance).
pub async fn call_at(
    base: &str,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let url = format!("{base}{path}");
    let req = match method {
        "GET" => client.get(url),
        "PUT" => client.put(url),
        "DELETE" => client.delete(url),
        _ => client.post(url),
    };
    let req = match body {
        Some(b) => req.json(&b),
        None => req,
    };
    let res = req.bearer_auth(token).send().await.unwrap();
    crate::contract::read(method, path, res).await
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Decodes quoted-printable soft line breaks and `=3D` so links can be read.
pub fn unfold_qp(text: &str) -> String {
    text.replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=")
}

/// The first `/password/set?token=...` link in an email.
pub fn set_password_link(message: &str) -> Option<String> {
    let text = unfold_qp(message);
    let start = text.find("/password/set?token=")?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// Stops a spawned process even when the test fails half-way.
pub struct KillOnDrop(pub std::process::Child);

impl KillOnDrop {
    pub fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The OpenID provider of the single sign-on tests (npm oidc-provider,
/// tests/oidc/provider.mjs): started once per run, by the first test that
/// asks, and ended with the run.
pub struct OidcProvider {
    pub issuer: String,
    _process: Mutex<(std::process::Child, std::process::ChildStdin)>,
}

static OIDC_PROVIDER: std::sync::OnceLock<Option<OidcProvider>> = std::sync::OnceLock::new();

/// The test RSA key Waymark signs its Login.gov client assertion with.
pub fn logingov_test_key_path() -> String {
    format!(
        "{}/tests/oidc/logingov-test-key.pem",
        env!("CARGO_MANIFEST_DIR")
    )
}

pub fn oidc_provider() -> Option<&'static OidcProvider> {
    OIDC_PROVIDER
        .get_or_init(|| {
            use openidconnect::PrivateSigningKey;
            let lib = prerequisite(
                "WAYMARK_TEST_OIDC_PROVIDER",
                "the OpenID provider (npm oidc-provider)",
            )?;
            let pem = std::fs::read_to_string(logingov_test_key_path()).unwrap();
            let key = openidconnect::core::CoreRsaPrivateSigningKey::from_pem(&pem, None).unwrap();
            let mut jwk = serde_json::to_value(key.as_verification_key()).unwrap();
            jwk["kid"] = "test-key".into();
            jwk["use"] = "sig".into();
            jwk["alg"] = "RS256".into();
            let port = free_port();
            let mut child = std::process::Command::new("node")
                .arg(format!(
                    "{}/tests/oidc/provider.mjs",
                    env!("CARGO_MANIFEST_DIR")
                ))
                .env("PORT", port.to_string())
                .env("OIDC_PROVIDER_LIB", lib)
                .env(
                    "LOGINGOV_JWKS",
                    serde_json::json!({"keys": [jwk]}).to_string(),
                )
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("node runs (scripts/test installs it)");
            let stdin = child.stdin.take().unwrap();
            let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
            let mut line = String::new();
            std::io::BufRead::read_line(&mut out, &mut line).unwrap();
            assert!(
                line.starts_with("ready "),
                "the OpenID provider starts: {line:?}"
            );
            // Whatever else it prints is read and let go, so it never blocks
            // or fails on a closed pipe.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            Some(OidcProvider {
                issuer: format!("http://127.0.0.1:{port}"),
                _process: Mutex::new((child, stdin)),
            })
        })
        .as_ref()
}

/// What a test stands on, written straight to the database the way the
/// services write it, so a test reads as the behaviour it checks:
/// `app.in_program(id).team("CO").await`, then `.plan("CO")`, `.goal(…)`,
/// `.step(…)`.
pub struct InProgram<'a> {
    pub app: &'a TestApp,
    pub program_id: i64,
}

/// A plan step as a fixture: its text, who owns it, when it is due and
/// where it stands (`not_started`, `in_progress`, `done`, `blocked`).
pub struct StepFixture<'a> {
    pub text: &'a str,
    pub owner: Option<i64>,
    pub due_on: &'a str,
    pub status: &'a str,
}

impl TestApp {
    pub fn in_program(&self, program_id: i64) -> InProgram<'_> {
        InProgram {
            app: self,
            program_id,
        }
    }
}

impl InProgram<'_> {
    /// Seats the state's team: the state is in the program's cohort.
    pub async fn team(&self, code: &str) -> &Self {
        sqlx::query(
            "INSERT INTO state_teams (program_id, state_code, created_at) VALUES ($1, $2, 1)",
        )
        .bind(self.program_id)
        .bind(code)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
        self
    }

    /// The state's action plan; its id.
    pub async fn plan(&self, code: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO plans (program_id, state_code, created_at, updated_at) VALUES ($1, $2, 1, 1) RETURNING id",
        )
        .bind(self.program_id)
        .bind(code)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// A goal of the plan, on one element; its id.
    pub async fn goal(&self, plan_id: i64, title: &str, element_key: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO plan_goals (plan_id, position, title, element_key, created_at, updated_at)
             VALUES ($1, (SELECT COUNT(*) FROM plan_goals WHERE plan_id = $1), $2, $3, 1, 1) RETURNING id",
        )
        .bind(plan_id)
        .bind(title)
        .bind(element_key)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// A step of the goal, after its others; its id.
    pub async fn step(&self, goal_id: i64, step: StepFixture<'_>) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO plan_steps (goal_id, position, text, owner_id, due_on, status, created_at, updated_at)
             VALUES ($1, (SELECT COUNT(*) FROM plan_steps WHERE goal_id = $1), $2, $3, $4, $5, 1, 1) RETURNING id",
        )
        .bind(goal_id)
        .bind(step.text)
        .bind(step.owner)
        .bind(step.due_on)
        .bind(step.status)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }
}

/// An activity as a fixture: what it is, when (an hour from `starts_at`,
/// in Denver), where it stands, who made it, and its states with whether each
/// attended (`None`: not yet recorded).
pub struct ActivityFixture<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub starts_at: i64,
    pub status: &'a str,
    pub created_by: Option<i64>,
    pub states: &'a [(&'a str, Option<i64>)],
}

impl InProgram<'_> {
    /// An activity with its states; its id.
    pub async fn activity(&self, a: ActivityFixture<'_>) -> i64 {
        let db = &self.app.state.db.pool;
        let uid = format!(
            "fixture-{}-{}@test",
            self.program_id,
            waymark::auth::secret::random_token()
        );
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO activities (program_id, kind, title, starts_at, ends_at, place, status, uid, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'Denver', $6, $7, $8, 1, 1) RETURNING id",
        )
        .bind(self.program_id)
        .bind(a.kind)
        .bind(a.title)
        .bind(a.starts_at)
        .bind(a.starts_at + 3_600_000)
        .bind(a.status)
        .bind(uid)
        .bind(a.created_by)
        .fetch_one(db)
        .await
        .unwrap();
        for (code, attended) in a.states {
            sqlx::query("INSERT INTO activity_states (activity_id, program_id, state_code, attended) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(self.program_id)
                .bind(*code)
                .bind(*attended)
                .execute(db)
                .await
                .unwrap();
        }
        id
    }

    /// Someone taking part in an activity (`organizer`, `expert`, …).
    pub async fn takes_part(&self, activity_id: i64, user_id: i64, role: &str) {
        sqlx::query("INSERT INTO activity_people (activity_id, user_id, role) VALUES ($1, $2, $3)")
            .bind(activity_id)
            .bind(user_id)
            .bind(role)
            .execute(&self.app.state.db.pool)
            .await
            .unwrap();
    }
}

/// A member of a state's team: with an account (`user`) or not; `role` is
/// `lead` or `member`; on the state level, of the agency "Agency".
pub struct MemberFixture<'a> {
    pub user: Option<i64>,
    pub name: &'a str,
    pub email: Option<&'a str>,
    pub sector: &'a str,
    pub role: &'a str,
}

/// An application as a fixture: its state, status (`draft`, `submitted`),
/// who made it and the decision on it (`None`: not decided).
pub struct ApplicationFixture<'a> {
    pub code: &'a str,
    pub status: &'a str,
    pub created_by: Option<i64>,
    pub decision: Option<&'a str>,
}

impl InProgram<'_> {
    /// Puts a person on the state's team.
    pub async fn member(&self, code: &str, m: MemberFixture<'_>) {
        sqlx::query(
            "INSERT INTO team_members (program_id, state_code, user_id, name, email, agency, sector, level, role, created_at)
             VALUES ($1, $2, $3, $4, $5, 'Agency', $6, 'state', $7, 1)",
        )
        .bind(self.program_id)
        .bind(code)
        .bind(m.user)
        .bind(m.name)
        .bind(m.email)
        .bind(m.sector)
        .bind(m.role)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }

    /// An application (sent at 1 unless a draft); its id.
    pub async fn application(&self, a: ApplicationFixture<'_>) -> i64 {
        let submitted_at = (a.status != "draft").then_some(1_i64);
        sqlx::query_scalar(
            "INSERT INTO applications (program_id, state_code, status, created_by, submitted_at, decision, decided_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 1) RETURNING id",
        )
        .bind(self.program_id)
        .bind(a.code)
        .bind(a.status)
        .bind(a.created_by)
        .bind(submitted_at)
        .bind(a.decision)
        .bind(a.decision.map(|_| 2_i64))
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// Asks a reviewer to score an application; the assignment's id.
    pub async fn review(&self, application_id: i64, reviewer_id: i64) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO review_assignments (application_id, reviewer_id, assigned_at) VALUES ($1, $2, 1) RETURNING id",
        )
        .bind(application_id)
        .bind(reviewer_id)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// An assessment round of the state (open unless `closed_at`); its id.
    pub async fn round(&self, code: &str, number: i64, closed_at: Option<i64>) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO assessment_rounds (program_id, state_code, round, opened_at, closed_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
        )
        .bind(self.program_id)
        .bind(code)
        .bind(number)
        .bind(closed_at)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// A member's rating of one indicator in a round.
    pub async fn rating(&self, round_id: i64, user_id: i64, indicator_id: i64, level: i64) {
        sqlx::query(
            "INSERT INTO member_ratings (round_id, user_id, indicator_id, level, updated_at) VALUES ($1, $2, $3, $4, 1)",
        )
        .bind(round_id)
        .bind(user_id)
        .bind(indicator_id)
        .bind(level)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }

    /// The program's monthly coaching calls from `starts_on` to `ends_on`
    /// (YYYY-MM-DD) on its timeline.
    pub async fn coaching_calls_on_timeline(&self, starts_on: &str, ends_on: &str) {
        sqlx::query(
            "INSERT INTO program_milestones (program_id, position, key, label, starts_on, ends_on, date_precision)
             VALUES ($1, 1, 'coaching_calls', 'Monthly coaching calls', $2, $3, 'month')",
        )
        .bind(self.program_id)
        .bind(starts_on)
        .bind(ends_on)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }

    /// The states' commitment to monthly coaching calls.
    pub async fn monthly_calls_committed(&self) {
        sqlx::query(
            "INSERT INTO program_commitments (program_id, position, key, label, cadence)
             VALUES ($1, 1, 'coaching_call', 'Monthly coaching calls', 'monthly')",
        )
        .bind(self.program_id)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }
}

impl InProgram<'_> {
    /// Seats the state's team, formed from its (selected) application.
    pub async fn team_from(&self, code: &str, application_id: i64) {
        sqlx::query(
            "INSERT INTO state_teams (program_id, state_code, application_id, created_at) VALUES ($1, $2, $3, 1)",
        )
        .bind(self.program_id)
        .bind(code)
        .bind(application_id)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }

    /// A reviewer's score (1 to 5) on one criterion of their assignment.
    pub async fn score(&self, assignment_id: i64, criterion_id: i64, score: i64) {
        sqlx::query(
            "INSERT INTO review_scores (assignment_id, criterion_id, score) VALUES ($1, $2, $3)",
        )
        .bind(assignment_id)
        .bind(criterion_id)
        .bind(score)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }
}

/// A frozen snapshot as a fixture: the state, the (closed) round it froze,
/// its kind (`baseline`, `mid_year`, `final`), when, and each indicator's
/// level as (indicator id, level).
pub struct SnapshotFixture<'a> {
    pub code: &'a str,
    pub round_id: i64,
    pub kind: &'a str,
    pub taken_at: i64,
    pub levels: &'a [(i64, i64)],
}

/// A plan milestone as a fixture: the strategy it stands for, its words,
/// its target date and when it was reached (`None`: not yet).
pub struct MilestoneFixture<'a> {
    pub strategy_key: &'a str,
    pub text: &'a str,
    pub target_on: &'a str,
    pub reached_on: Option<&'a str>,
}

/// An action item agreed at an activity: for which state, what, whose and
/// by when.
pub struct ActionItemFixture<'a> {
    pub code: &'a str,
    pub text: &'a str,
    pub owner: Option<i64>,
    pub due_on: &'a str,
}

impl InProgram<'_> {
    /// A snapshot with its ratings, each sure, of high priority and with
    /// no note; its id.
    pub async fn snapshot(&self, s: SnapshotFixture<'_>) -> i64 {
        let db = &self.app.state.db.pool;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO snapshots (program_id, state_code, round_id, kind, taken_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(self.program_id)
        .bind(s.code)
        .bind(s.round_id)
        .bind(s.kind)
        .bind(s.taken_at)
        .fetch_one(db)
        .await
        .unwrap();
        for (indicator, level) in s.levels {
            sqlx::query(
                "INSERT INTO snapshot_ratings (snapshot_id, indicator_id, level, not_sure, priority, note) VALUES ($1, $2, $3, 0, 'high', '')",
            )
            .bind(id)
            .bind(*indicator)
            .bind(*level)
            .execute(db)
            .await
            .unwrap();
        }
        id
    }

    /// A milestone of the goal; its id.
    pub async fn milestone(&self, goal_id: i64, m: MilestoneFixture<'_>) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO plan_milestones (goal_id, strategy_key, text, target_on, reached_on) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(goal_id)
        .bind(m.strategy_key)
        .bind(m.text)
        .bind(m.target_on)
        .bind(m.reached_on)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// A progress update on the goal, by nobody in particular; its id.
    pub async fn update(&self, goal_id: i64, written_on: &str, body: &str) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO plan_updates (goal_id, written_on, body, created_at) VALUES ($1, $2, $3, 1) RETURNING id",
        )
        .bind(goal_id)
        .bind(written_on)
        .bind(body)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// A file attached to the update as evidence, in storage too; its id.
    pub async fn evidence(
        &self,
        update_id: i64,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> i64 {
        let key = format!("plans/fixture/{update_id}/{filename}");
        self.app
            .state
            .storage
            .put(&key, bytes.to_vec())
            .await
            .unwrap();
        sqlx::query_scalar(
            "INSERT INTO plan_evidence (update_id, storage_key, filename, content_type, size_bytes, created_at) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(update_id)
        .bind(&key)
        .bind(filename)
        .bind(content_type)
        .bind(bytes.len() as i64)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// An action item of the activity, not done; its id.
    pub async fn action_item(&self, activity_id: i64, item: ActionItemFixture<'_>) -> i64 {
        sqlx::query_scalar(
            "INSERT INTO action_items (activity_id, state_code, text, owner_id, due_on, created_at) VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(activity_id)
        .bind(item.code)
        .bind(item.text)
        .bind(item.owner)
        .bind(item.due_on)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }
}

/// A resource in the Exchange as a fixture: its title, status
/// (`published`, `pending`, …), when it was published, which partner
/// account submitted it, and its topics.
pub struct ItemFixture<'a> {
    pub title: &'a str,
    pub status: &'a str,
    pub published_at: Option<i64>,
    pub submitted_by: Option<i64>,
    pub topics: &'a [&'a str],
}

/// A partner organization as a fixture: approved, with the partner
/// account `user`, or its interest form waiting (`user` None).
pub struct PartnerFixture<'a> {
    pub organization: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub user: Option<i64>,
}

impl TestApp {
    /// A resource in the Exchange's library (summary, source and date
    /// filled in); its id.
    pub async fn exchange_item(&self, item: ItemFixture<'_>) -> i64 {
        let db = &self.state.db.pool;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exchange_items (kind, title, summary, source_org, issued_on, status, published_at, submitted_by, created_at, updated_at)
             VALUES ('resource', $1, 'A short summary.', 'U.S. Department of Labor', '2026-11-01', $2, $3, $4, 1, 1) RETURNING id",
        )
        .bind(item.title)
        .bind(item.status)
        .bind(item.published_at)
        .bind(item.submitted_by)
        .fetch_one(db)
        .await
        .unwrap();
        for t in item.topics {
            sqlx::query("INSERT INTO exchange_item_topics (item_id, topic) VALUES ($1, $2)")
                .bind(id)
                .bind(*t)
                .execute(db)
                .await
                .unwrap();
        }
        id
    }

    /// `n` published resources titled "{title} 1" to "{title} n", with no
    /// topic, written in one statement (as a bulk import would), the last
    /// published last.
    pub async fn published_resources(&self, n: i64, title: &str) {
        sqlx::query(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
             INSERT INTO exchange_items (kind, title, summary, source_org, issued_on, status, published_at, created_at, updated_at)
             SELECT 'resource', $2 || ' ' || i, 'A short summary.', 'Advance CTE', '2016-05-01',
                    'published', 1000 + i, 1000, 1000
             FROM n",
        )
        .bind(n)
        .bind(title)
        .execute(&self.state.db.pool)
        .await
        .unwrap();
    }

    /// A daily digest subscriber with this status, confirmed and last sent
    /// a digest at `since`, following these topics; its id.
    pub async fn subscriber(&self, email: &str, status: &str, since: i64, topics: &[&str]) -> i64 {
        let db = &self.state.db.pool;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exchange_subscribers (email, email_key, frequency, status, confirmed_at, last_digest_cutoff, created_at, updated_at)
             VALUES ($1, $2, 'daily', $3, $4, $4, 1, 1) RETURNING id",
        )
        .bind(email)
        .bind(email.to_lowercase())
        .bind(status)
        .bind(since)
        .fetch_one(db)
        .await
        .unwrap();
        for t in topics {
            sqlx::query(
                "INSERT INTO exchange_subscriber_topics (subscriber_id, topic) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(*t)
            .execute(db)
            .await
            .unwrap();
        }
        id
    }

    /// `n` active subscribers, `{prefix}0@x.org` onwards, each as
    /// `subscriber` makes them; their ids.
    pub async fn subscribers(
        &self,
        n: usize,
        prefix: &str,
        since: i64,
        topics: &[&str],
    ) -> Vec<i64> {
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let email = format!("{prefix}{i}@x.org");
            ids.push(self.subscriber(&email, "active", since, topics).await);
        }
        ids
    }

    /// A partner organization of the Exchange; its id.
    pub async fn partner(&self, p: PartnerFixture<'_>) -> i64 {
        let status = if p.user.is_some() {
            "approved"
        } else {
            "pending"
        };
        sqlx::query_scalar(
            "INSERT INTO exchange_partners (organization, contact_name, contact_email, status, user_id, created_at)
             VALUES ($1, $2, $3, $4, $5, 1) RETURNING id",
        )
        .bind(p.organization)
        .bind(p.contact_name)
        .bind(p.contact_email)
        .bind(status)
        .bind(p.user)
        .fetch_one(&self.state.db.pool)
        .await
        .unwrap()
    }
}

impl InProgram<'_> {
    /// A review the reviewer has submitted, with this score (1 to 5) on
    /// every criterion of the program's rubric; the assignment's id.
    pub async fn submitted_review(&self, application_id: i64, reviewer_id: i64, score: i64) -> i64 {
        let db = &self.app.state.db.pool;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO review_assignments (application_id, reviewer_id, assigned_at, submitted_at) VALUES ($1, $2, 1, 1) RETURNING id",
        )
        .bind(application_id)
        .bind(reviewer_id)
        .fetch_one(db)
        .await
        .unwrap();
        let criteria: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM program_rubric WHERE program_id = $1")
                .bind(self.program_id)
                .fetch_all(db)
                .await
                .unwrap();
        for criterion in criteria {
            self.score(id, criterion, score).await;
        }
        id
    }
}

impl TestApp {
    /// The elements an expert says they know (element keys).
    pub async fn expertise(&self, user_id: i64, elements: &[&str]) {
        for element in elements {
            sqlx::query("INSERT INTO expertise (user_id, element_key) VALUES ($1, $2)")
                .bind(user_id)
                .bind(*element)
                .execute(&self.state.db.pool)
                .await
                .unwrap();
        }
    }
}
