//! Who calls the API: the person behind a valid bearer token, as every
//! API handler takes them.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::{Actor, CurrentUser, secret, store};
use crate::state::AppState;
use crate::web::ApiError;

/// The user behind a valid `Authorization: Bearer <token>` header, as
/// the actor operations take.
pub struct ApiUser(pub Actor);

impl std::ops::Deref for ApiUser {
    type Target = Actor;
    fn deref(&self) -> &Actor {
        &self.0
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let token = header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let now = crate::time::now_ms();
        let Some(live) =
            store::api_token_owner(&state.db.pool, &secret::sha256_hex(token), now).await?
        else {
            return Err(ApiError::Unauthorized);
        };
        if live.active == 0 {
            return Err(ApiError::Unauthorized);
        }
        let scope = super::tokens::Scope::parse(&live.scope).unwrap_or(super::tokens::Scope::Read);
        if !super::policy::token_may(scope, &parts.method) {
            return Err(crate::web::Refusal::NotAllowed(Some(
                "This token may only read. To make changes, use a token made to read and write (your account page makes one).".into(),
            )).into());
        }
        // At most one write a minute per token.
        if live.last_used_at.is_none_or(|at| at < now - 60_000) {
            store::mark_api_token_used(&state.db.pool, live.id, now).await?;
        }
        let user = CurrentUser {
            id: live.user_id,
            email: live.email,
            name: live.name,
            grants: live.grants,
            outside_cohort: live.outside_cohort,
        };
        let ip = crate::web::client::client_ip_of(
            &parts.headers,
            &parts.extensions,
            state.config.trusted_proxies,
        );
        let path = crate::web::request_id::loggable_path(parts.uri.path()).into_owned();
        Ok(ApiUser(Actor { user, ip, path }))
    }
}
