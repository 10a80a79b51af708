//! Builds the shared state and the router, and runs the server and the job
//! runner together.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;
use crate::web::AppError;

/// Instance-wide secret keys, kept in the database so every instance
/// behind a load balancer shares them.
pub struct Keys {
    pub csrf: Vec<u8>,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub mailer: Arc<Mailer>,
    pub storage: crate::storage::Storage,
    /// Every framework and glossary term, loaded and checked at start.
    pub frameworks: Arc<crate::framework::Registry>,
    /// Frozen snapshots' ratings, read once (snapshots never change).
    pub frozen: Arc<crate::assessment::frozen::FrozenRatings>,
    /// What Exchange searches keep in memory: the index and recent answers.
    pub search: Arc<crate::exchange::search::Searcher>,
    /// The states, district and territories: fixed by the first migration,
    /// so read once at start.
    pub places: Arc<Vec<crate::program::store::Jurisdiction>>,
    /// Each program's elements and their sizes, read once (an instrument
    /// never changes once built).
    pub element_sizes: Arc<crate::work::store::ElementSizes>,
    /// Programs' instruments, read once (never changed once built).
    pub instruments: Arc<crate::assessment::instrument::KeptInstruments>,
    /// The catalogue and people's work queues, kept under the data version.
    pub kept_work: Arc<crate::work::kept::KeptWork>,
    /// The request limits, and this process's counts against them.
    pub limits: crate::web::limit::Limits,
    pub request_counter: Arc<crate::web::limit::Counter>,
    /// The single sign-on providers, and what was learned of them.
    pub sso: Arc<crate::auth::sso::Directory>,
}

impl AppState {
    /// Connects, migrates and loads keys.
    pub async fn build(config: Config) -> anyhow::Result<AppState> {
        // Frameworks first: a bad file stops the start before anything else.
        let frameworks = crate::framework::load::for_instance(config.frameworks_dir.as_deref())
            .map_err(|problems| {
                anyhow::anyhow!(
                    "the framework files have problems, so Waymark cannot start:\n{problems}"
                )
            })?;
        let db = Db::connect(&config.database_url).await?;
        crate::db::migrate(&db).await?;
        let keys = load_keys(&db).await?;
        let mailer = Mailer::new(&config)?;
        let storage = crate::storage::Storage::new(&config)?;
        let search = crate::exchange::search::Searcher::new(&config);
        let places = crate::program::store::jurisdictions(&db.pool).await?;
        Ok(AppState {
            db,
            limits: crate::web::limit::Limits::from_config(&config),
            request_counter: Arc::default(),
            sso: Arc::new(crate::auth::sso::Directory::new(
                config.sso_providers.clone(),
            )),
            config: Arc::new(config),
            keys: Arc::new(keys),
            mailer: Arc::new(mailer),
            storage,
            frameworks: Arc::new(frameworks),
            frozen: Arc::default(),
            search: Arc::new(search),
            places: Arc::new(places),
            element_sizes: Arc::default(),
            instruments: Arc::default(),
            kept_work: Arc::default(),
        })
    }

    /// A state's name from its code (the code itself if unknown).
    pub fn place_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.places
            .iter()
            .find(|j| j.code == code)
            .map_or(code, |j| j.name.as_str())
    }
}

async fn load_keys(db: &Db) -> anyhow::Result<Keys> {
    sqlx::query("INSERT INTO app_secrets (name, value) VALUES ('csrf_key', $1) ON CONFLICT (name) DO NOTHING")
        .bind(crate::auth::secret::random_token())
        .execute(&db.pool)
        .await?;
    let value: String = sqlx::query_scalar("SELECT value FROM app_secrets WHERE name = 'csrf_key'")
        .fetch_one(&db.pool)
        .await?;
    Ok(Keys {
        csrf: value.into_bytes(),
    })
}

/// The page routes of one area, each with its method, so the whole table
/// can be listed (the authorization matrix test checks it is complete).
#[derive(Default)]
pub struct Routes(Vec<(Method, &'static str, MethodRouter<AppState>)>);

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        handler: H,
    ) -> Routes {
        self.0
            .push((Method::GET, path, axum::routing::get(handler)));
        self
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(
        mut self,
        path: &'static str,
        handler: H,
    ) -> Routes {
        self.0
            .push((Method::POST, path, axum::routing::post(handler)));
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.0.extend(other.0);
        self
    }
}

fn page_routes() -> Routes {
    crate::program::handlers::routes()
        .merge(crate::application::handlers::routes())
        .merge(crate::review::handlers::routes())
        .merge(crate::team::handlers::routes())
        .merge(crate::assessment::handlers::routes())
        .merge(crate::auth::handlers::routes())
        .merge(crate::audit::handlers::routes())
        .merge(crate::framework::handlers::routes())
        .merge(crate::activity::handlers::routes())
        .merge(crate::plan::handlers::routes())
        .merge(crate::mentoring::handlers::routes())
        .merge(crate::report::handlers::routes())
        .merge(crate::exchange::subscribe_pages::routes())
        .merge(crate::forum::handlers::routes())
        .merge(crate::exchange::handlers::routes())
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Waymark API", version = "1", description = "Every capability of Waymark, for programs and scripts. Authenticate with a personal access token: `Authorization: Bearer <token>` (create one on the Your account page or with `waymark token create`)."),
    modifiers(&BearerSecurity),
    security(("bearer" = [])),
    components(schemas(crate::web::api_error::ErrorResponse))
)]
struct ApiDoc;

struct BearerSecurity;

impl utoipa::Modify for BearerSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token"))
                    .build(),
            ),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::auth::api::router())
        .merge(crate::program::api::router())
        .merge(crate::application::api::router())
        .merge(crate::review::api::router())
        .merge(crate::team::api::router())
        .merge(crate::assessment::api::router())
        .merge(crate::audit::handlers::api_router())
        .merge(crate::framework::api::router())
        .merge(crate::activity::api::router())
        .merge(crate::plan::api::router())
        .merge(crate::mentoring::api::router())
        .merge(crate::report::api::router())
        .merge(crate::exchange::subscribe_api::router())
        .merge(crate::forum::api::router())
        .merge(crate::exchange::api::router())
        .merge(crate::work::api::router())
}

/// The OpenAPI document for `/api/v1`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    with_every_answer(api_router().split_for_parts().1)
}

/// Adds the answers every operation can give whatever it does, so each
/// status the server can send is in the document: 429 (over a request
/// limit) everywhere; 401 (a token that does not work) wherever a token is
/// read; 403 on writes that take a token (a read-only token); 422 where
/// there is a body to check; 404 where the address names a record.
fn with_every_answer(doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use serde_json::{Value, json};
    let Ok(mut value) = serde_json::to_value(&doc) else {
        return doc;
    };
    let takes_token_by_default = value["security"]
        .as_array()
        .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
    let error = |description: &str| {
        json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
        })
    };
    if let Some(paths) = value["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                    continue;
                }
                let takes_token = match op.get("security").and_then(Value::as_array) {
                    Some(s) => s.iter().any(|r| r.get("bearer").is_some()),
                    None => takes_token_by_default,
                };
                let has_body = op.get("requestBody").is_some();
                let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
                    continue;
                };
                let mut add = |status: &str, description: &str| {
                    responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description));
                };
                add(
                    "429",
                    "Too many requests from this address or token: wait for the seconds in Retry-After",
                );
                if takes_token {
                    add("401", "No token, or one that has expired or been revoked");
                    if method != "get" {
                        add("403", "Not allowed, or the token may only read");
                    }
                }
                if has_body {
                    add(
                        "422",
                        "The body is not what this operation takes: `fields` names each problem",
                    );
                }
                if path.contains('{') {
                    add("404", "Nothing is found at this address");
                }
            }
        }
    }
    serde_json::from_value(value).unwrap_or(doc)
}

/// Every route the application answers, as (method, path template).
pub fn route_table() -> Vec<(Method, String)> {
    let mut table: Vec<(Method, String)> = page_routes()
        .0
        .iter()
        .map(|(m, p, _)| (m.clone(), (*p).to_owned()))
        .collect();
    table.push((Method::GET, "/healthz".into()));
    table.push((Method::GET, "/api/openapi.json".into()));
    table.push((Method::GET, "/assets/{hash}/{*path}".into()));
    let doc = openapi();
    for (path, item) in doc.paths.paths.iter() {
        for (method, op) in [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
        ] {
            if op.is_some() {
                table.push((method, path.clone()));
            }
        }
    }
    table
}

pub fn router(state: AppState) -> Router {
    let mut pages: Router<AppState> = Router::new();
    for (_, path, method_router) in page_routes().0 {
        pages = pages.route(path, method_router);
    }
    let pages = pages.fallback(|| async { AppError::NOT_FOUND }).layer(
        axum::middleware::from_fn_with_state(state.clone(), crate::auth::session::middleware),
    );

    let (api, doc) = api_router().split_for_parts();
    let doc = Arc::new(with_every_answer(doc));
    let api = api.route(
        "/api/openapi.json",
        axum::routing::get(move || {
            let doc = doc.clone();
            async move { axum::Json((*doc).clone()) }
        }),
    );
    let api = Router::new().merge(api).route(
        "/api/{*rest}",
        axum::routing::any(|| async { crate::web::ApiError::NOT_FOUND }),
    );

    Router::new()
        .route("/healthz", axum::routing::get(healthz))
        .route(
            "/assets/{hash}/{*path}",
            axum::routing::get(crate::web::assets::serve),
        )
        .merge(api)
        .merge(pages)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::headers::middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::web::limit::middleware,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            AppError::internal(anyhow::anyhow!("handler panicked")).into_response_owned()
        }))
        .layer(axum::middleware::from_fn(
            crate::web::request_id::middleware,
        ))
        // One limit for every body: uploads are checked against their own,
        // smaller limits with a clear message; beyond this the answer is 413.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            12 * 1024 * 1024,
        ))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}

trait IntoResponseOwned {
    fn into_response_owned(self) -> axum::response::Response;
}

impl IntoResponseOwned for AppError {
    fn into_response_owned(self) -> axum::response::Response {
        axum::response::IntoResponse::into_response(self)
    }
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, &'static str) {
    match state.db.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable\n",
            )
        }
    }
}

/// A running server (and, if configured, its job runner).
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// Stops accepting requests, lets the job runner finish its batch, and waits.
    pub async fn stop(self) {
        let _ = self.shutdown.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }

    /// Runs until Ctrl-C or SIGTERM.
    pub async fn until_signal(self) {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await;
    }
}

pub async fn start(config: Config) -> anyhow::Result<Running> {
    let listen = config.listen;
    let state = AppState::build(config).await?;
    start_with_state(state, listen).await
}

pub async fn start_with_state(state: AppState, listen: SocketAddr) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let (shutdown, rx) = watch::channel(false);
    let mut tasks = Vec::new();

    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let mut server_rx = rx.clone();
    tasks.push(tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = server_rx.changed().await;
            })
            .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "server stopped with an error");
        }
    }));
    if state.config.run_jobs {
        tasks.push(tokio::spawn(crate::jobs::worker_loop(state.clone(), rx)));
    }
    let preparing = state.clone();
    tokio::spawn(async move {
        if let Err(e) = preparing.search.prepare(&preparing.db).await {
            tracing::error!(error = %e, "reading the Exchange library into the search index");
        }
    });
    tracing::info!(%addr, "Waymark is serving");
    Ok(Running {
        addr,
        state,
        shutdown,
        tasks,
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
