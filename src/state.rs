//! What every request is served from: the shared state (database, mailer,
//! storage and what is kept in memory) and the routes table type. The areas
//! depend on this module; it depends on no area's web edge, so the router
//! in `app.rs` can import every area without a cycle.

use std::sync::Arc;

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

use crate::config::Config;
use crate::db::Db;
use crate::mail::Mailer;

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

    /// Every route, in the order added.
    pub fn into_parts(self) -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
        self.0
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.0.extend(other.0);
        self
    }
}
