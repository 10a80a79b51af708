//! Pages.

use crate::app::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
