//! Builds the shared state and the router, and runs the server and the job
//! runner together.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::config::Config;
use crate::state::{AppState, Routes};
use crate::web::AppError;

fn page_routes() -> Routes {
    crate::program::handlers::routes()
        .merge(crate::application::handlers::routes())
        .merge(crate::review::handlers::routes())
        .merge(crate::team::handlers::routes())
        .merge(crate::assessment::handlers::routes())
        .merge(crate::auth::handlers::routes())
        .merge(crate::auth::sso_pages::routes())
        .merge(crate::auth::two_step_pages::routes())
        .merge(crate::audit::handlers::routes())
        .merge(crate::framework::handlers::routes())
        .merge(crate::activity::handlers::routes())
        .merge(crate::plan::handlers::routes())
        .merge(crate::plan::edit::routes())
        .merge(crate::mentoring::handlers::routes())
        .merge(crate::report::handlers::routes())
        .merge(crate::exchange::subscription::pages::routes())
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
        .merge(crate::exchange::subscription::api::router())
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
        .into_parts()
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
    for (_, path, method_router) in page_routes().into_parts() {
        pages = pages.route(path, method_router);
    }
    let pages = pages
        .fallback(|| async { AppError::NOT_FOUND })
        .layer(axum::middleware::from_fn(
            crate::web::error::with_visitor_chrome,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::session::middleware,
        ));

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
            crate::web::limit::Gate {
                limits: state.limits,
                counter: state.request_counter.clone(),
                trusted_proxies: state.config.trusted_proxies,
            },
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
        tasks.push(tokio::spawn(crate::jobs::run::worker_loop(
            state.clone(),
            rx,
        )));
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    fn property(doc: &Value, schema: &str, field: &str) -> Value {
        doc["components"]["schemas"][schema]["properties"][field].clone()
    }

    fn resolved(doc: &Value, v: Value) -> Value {
        match v["$ref"].as_str() {
            Some(r) => doc["components"]["schemas"][r.rsplit('/').next().unwrap()].clone(),
            None => v,
        }
    }

    #[test]
    fn request_schemas_say_which_words_numbers_and_dates_the_server_takes() {
        let doc = serde_json::to_value(super::openapi()).unwrap();
        assert_eq!(
            property(&doc, "RecordRequest", "status")["enum"],
            json!(["held", "cancelled"])
        );
        assert_eq!(
            resolved(&doc, property(&doc, "SnapshotRequest", "kind"))["enum"],
            json!(["baseline", "mid_year", "final"])
        );
        assert_eq!(
            resolved(&doc, property(&doc, "DecisionRequest", "decision"))["enum"],
            json!(["selected", "waitlisted", "declined"])
        );
        assert_eq!(
            property(&doc, "SubscribeRequest", "frequency")["enum"],
            json!(["daily", "weekly"])
        );
        let thread = property(&doc, "ThreadModerationRequest", "action");
        assert!(thread["enum"].as_array().unwrap().contains(&json!("move")));
        let days = property(&doc, "NewActivity", "days");
        assert_eq!(
            (days["minimum"].clone(), days["maximum"].clone()),
            (json!(1), json!(3))
        );
        assert_eq!(
            property(&doc, "NewProgramRequest", "deadline_date")["format"],
            "date"
        );
        assert_eq!(
            property(&doc, "NewToken", "expires_in_days")["maximum"],
            json!(365)
        );
    }
}
