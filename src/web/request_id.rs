//! Every request gets an id: in the logs, in the `x-request-id` response
//! header, and on the 500 page, so a person's report can be matched to the
//! log line that explains it.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The current request's id, or "-" outside a request.
pub fn current() -> String {
    REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_else(|_| "-".to_owned())
}

pub fn new_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("randomness");
    hex::encode(bytes)
}

/// The path as logged: tokens in links from emails and calendar feeds are
/// secrets (they change someone's subscription, stop their emails or read
/// their calendar), so the segment after these prefixes is left out.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    const SECRET_AFTER: &[&str] = &[
        "/forum/unwatch/",
        "/exchange/subscription/",
        "/exchange/unsubscribe/",
        "/api/v1/exchange/subscriptions/",
        "/calendar/",
    ];
    for prefix in SECRET_AFTER {
        if let Some(rest) = path.strip_prefix(prefix)
            && !rest.is_empty()
        {
            let after = rest.find('/').map_or("", |i| &rest[i..]);
            return format!("{prefix}[token]{after}").into();
        }
    }
    path.into()
}

pub async fn middleware(req: Request, next: Next) -> Response {
    let id = new_id();
    let path = loggable_path(req.uri().path());
    let span =
        tracing::info_span!("request", request_id = %id, method = %req.method(), path = %path);
    let started = std::time::Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(req).instrument(span.clone()))
        .await;
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_us = started.elapsed().as_micros() as u64,
            "served"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_in_links_stay_out_of_the_log() {
        assert_eq!(
            super::loggable_path("/forum/unwatch/12.t3.abcdef"),
            "/forum/unwatch/[token]"
        );
        assert_eq!(super::loggable_path("/forum"), "/forum");
        assert_eq!(
            super::loggable_path("/exchange/subscription/abc.def/confirm"),
            "/exchange/subscription/[token]/confirm"
        );
        assert_eq!(
            super::loggable_path("/calendar/s3cret/feed.ics"),
            "/calendar/[token]/feed.ics"
        );
        assert_eq!(
            super::loggable_path("/api/v1/exchange/subscriptions/abc"),
            "/api/v1/exchange/subscriptions/[token]"
        );
        assert_eq!(super::loggable_path("/exchange/search"), "/exchange/search");
    }
}
