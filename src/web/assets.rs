//! Static files (USWDS, htmx, our CSS) embedded in the binary and served
//! under a content hash of the whole bundle, so they can be cached for a
//! year: any change to any file gives every file a new address. One hash
//! for the bundle keeps USWDS's relative `../fonts/...` links working.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

static BUNDLE_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut names: Vec<_> = Assets::iter().collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        if let Some(file) = Assets::get(&name) {
            hasher.update(name.as_bytes());
            hasher.update(file.metadata.sha256_hash());
        }
    }
    hex::encode(hasher.finalize())[..12].to_owned()
});

static BASE: LazyLock<String> = LazyLock::new(|| format!("/assets/{}", *BUNDLE_HASH));

/// The address prefix of the current bundle, e.g. `/assets/3f2a.../`.
pub fn base() -> &'static str {
    &BASE
}

pub async fn serve(Path((hash, path)): Path<(String, String)>) -> Response {
    if hash != *BUNDLE_HASH {
        return StatusCode::NOT_FOUND.into_response();
    }
    match Assets::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(&path).first_or_octet_stream();
            let mut res = file.data.into_owned().into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(mime.as_ref()) {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_holds_uswds_and_htmx() {
        assert!(Assets::get("uswds/css/uswds.min.css").is_some());
        assert!(Assets::get("uswds/js/uswds.min.js").is_some());
        assert!(Assets::get("uswds/img/sprite.svg").is_some());
        assert!(Assets::iter().any(|n| n.starts_with("vendor/htmx-2.0")));
        assert_eq!(BUNDLE_HASH.len(), 12);
    }

    #[test]
    fn every_font_and_image_the_css_names_is_bundled() {
        let css = Assets::get("uswds/css/uswds.min.css").unwrap();
        let css = std::str::from_utf8(&css.data).unwrap();
        for part in css.split("url(").skip(1) {
            let target = part
                .split(')')
                .next()
                .unwrap()
                .trim_matches(|c| c == '"' || c == '\'');
            if let Some(rel) = target.strip_prefix("../") {
                let path = format!("uswds/{rel}");
                assert!(Assets::get(&path).is_some(), "missing {path}");
            }
        }
    }
}
