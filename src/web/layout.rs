//! What every page shares: title, navigation for the signed-in person,
//! the CSRF token for forms, and the asset address.

use askama::Template;
use axum::response::Html;

use crate::auth::policy::{self, Action};
use crate::auth::session::Visitor;
use crate::web::AppError;

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct Chrome {
    pub title: String,
    pub asset_base: &'static str,
    pub signed_in_as: Option<String>,
    pub nav: Vec<NavLink>,
    pub csrf_token: String,
    /// A one-line confirmation shown at the top ("Password changed.").
    pub notice: Option<&'static str>,
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
        }
    }

    pub fn with_notice(mut self, notice: Option<&'static str>) -> Chrome {
        self.notice = notice;
        self
    }
}

/// Renders a page template; a template failure becomes a logged 500.
pub fn render<T: Template>(page: T) -> Result<Html<String>, AppError> {
    page.render()
        .map(Html)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
}
