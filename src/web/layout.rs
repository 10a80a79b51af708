//! What every page shares: title, navigation for the signed-in person,
//! the CSRF token for forms, and the asset address.

use askama::Template;
use axum::response::Html;

use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::web::AppError;

#[derive(Clone)]
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Clone)]
pub struct Chrome {
    pub title: String,
    pub asset_base: &'static str,
    pub signed_in_as: Option<String>,
    pub nav: Vec<NavLink>,
    pub csrf_token: String,
    /// A one-line confirmation shown at the top ("Password changed.").
    pub notice: Option<&'static str>,
    /// The person signed in, for pages that show each person their part.
    pub user: Option<crate::auth::CurrentUser>,
}

impl Chrome {
    pub fn new(visitor: &Visitor, title: impl Into<String>, path: &str) -> Chrome {
        let mut nav = Vec::new();
        let mut add = |href: &'static str, label: &'static str| {
            let current = if href == "/" {
                path == "/"
            } else {
                path.starts_with(href)
            };
            nav.push(NavLink {
                href,
                label,
                current,
            });
        };
        add("/", "Home");
        add("/programs", "Programs");
        add("/exchange", "Exchange");
        if let Some(user) = &visitor.user {
            if crate::forum::takes_part(user) {
                add("/forum", "Forum");
            }
            if policy::allows(user, &Action::ManagePeople) {
                add("/admin/people", "People");
            }
            if policy::allows(user, &Action::ViewAuditLog) {
                add("/admin/audit", "Audit log");
            }
            add("/account", "Your account");
        }
        Chrome {
            title: title.into(),
            asset_base: crate::web::assets::base(),
            signed_in_as: visitor.user.as_ref().map(|u| u.name.clone()),
            nav,
            csrf_token: visitor.csrf_token.clone(),
            notice: None,
            user: visitor.user.clone(),
        }
    }

    /// Chrome for pages shown without a visitor (error pages).
    pub fn bare(title: impl Into<String>) -> Chrome {
        Chrome {
            title: title.into(),
            asset_base: crate::web::assets::base(),
            signed_in_as: None,
            nav: vec![NavLink {
                href: "/",
                label: "Home",
                current: false,
            }],
            csrf_token: String::new(),
            notice: None,
            user: None,
        }
    }

    pub fn with_notice(mut self, notice: Option<&'static str>) -> Chrome {
        self.notice = notice;
        self
    }

    /// The text of the page's `<title>`: "Page name | Waymark".
    pub fn page_title(&self) -> String {
        page_title(&self.title)
    }
}

/// "Page name | Waymark", the GOV.UK way. The home page (a page named
/// "Home", "Waymark" or nothing) reads "Home | Waymark", so the name of
/// the service is never said twice.
pub fn page_title(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_suffix("| Waymark")
        .map(str::trim_end)
        .unwrap_or(name);
    if name.is_empty() || name.eq_ignore_ascii_case("Waymark") {
        "Home | Waymark".to_owned()
    } else {
        format!("{name} | Waymark")
    }
}

/// Renders a page template; a template failure becomes a logged 500.
pub fn render<T: Template>(page: T) -> Result<Html<String>, AppError> {
    page.render()
        .map(Html)
        .map_err(|e| AppError::internal(anyhow::anyhow!("template: {e}")))
}

#[cfg(test)]
mod tests {
    use super::page_title;

    #[test]
    fn titles_name_the_page_then_the_service_once() {
        assert_eq!(page_title("Programs"), "Programs | Waymark");
        assert_eq!(page_title("Sign in"), "Sign in | Waymark");
        assert_eq!(page_title("Waymark"), "Home | Waymark");
        assert_eq!(page_title("Home"), "Home | Waymark");
        assert_eq!(page_title(""), "Home | Waymark");
        assert_eq!(page_title("Exchange | Waymark"), "Exchange | Waymark");
    }
}
