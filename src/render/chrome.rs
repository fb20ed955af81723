//! The parts of every page that hardly change from page to page, made once rather than with
//! each page: the footer (`partials/footer.html`, the same on every page) and the header
//! (`partials/header.html`, the same on every page of a section, except where the main menu
//! marks the page it is on). Templates print them as `footer` and `header`. Made again for
//! each of thousands of pages, the two took about a third of the templates' time.

use std::collections::HashMap;
use std::sync::RwLock;

use serde::Serialize;
use tera::{Context, Value};

use super::context::site_ctx;
use crate::diagnostics::Diagnostic;
use crate::site::Site;
use crate::theme::Theme;

/// Gives every template `site` and `footer`.
pub fn set_site(site: &Site, theme: &mut Theme) -> Result<(), Diagnostic> {
    theme.set_global("site", &site_ctx(site));
    let footer = theme.render("partials/footer.html", &Context::new())?;
    theme.set_global("footer", &String::from_utf8_lossy(&footer));
    Ok(())
}

/// The headers one render has made, by the page's section and, for a page the main menu
/// links to (and so marks as the current one), its URL.
#[derive(Default)]
pub struct Headers {
    made: RwLock<HashMap<(String, String), Value>>,
}

/// What a header sees of its page: all that the menu's marks depend on.
#[derive(Serialize)]
struct HeaderPage<'a> {
    section: &'a str,
    url: &'a str,
}

impl Headers {
    /// Adds `header` to a page's context, made the first time a page like it needs one.
    pub fn add(&self, site: &Site, theme: &Theme, ctx: &mut Context) -> Result<(), Diagnostic> {
        let page = ctx.get("page");
        let text = |key: &'static str| {
            page.and_then(|p| p.get_from_path(key))
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let url = text("url");
        let in_menu = site
            .pages
            .iter()
            .any(|p| p.nav.is_some() && p.meta.url == url);
        let key = (
            text("section").to_string(),
            if in_menu {
                url.to_string()
            } else {
                String::new()
            },
        );
        let made = self.made.read().ok().and_then(|m| m.get(&key).cloned());
        let header = match made {
            Some(header) => header,
            None => {
                let mut header_ctx = Context::new();
                let page = HeaderPage {
                    section: &key.0,
                    url: &key.1,
                };
                header_ctx.insert("page", &page);
                let html = theme.render("partials/header.html", &header_ctx)?;
                let header = Value::from(String::from_utf8_lossy(&html).into_owned());
                if let Ok(mut made) = self.made.write() {
                    made.insert(key, header.clone());
                }
                header
            }
        };
        ctx.insert_value("header", header);
        Ok(())
    }
}
