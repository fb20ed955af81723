//! Plain pages (紹介受診の流れ, 退院支援, アクセス …) and the home page's text.

use crate::content::fields::Fields;
use crate::records::meta::Meta;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Page {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    /// Position in the main navigation, if the page appears there.
    pub nav: Option<i64>,
    /// Position in the footer's list of pages (アクセス, 個人情報の取り扱い …), if listed there.
    /// Only pages that ask are listed: a footer of every page grew 2,000 pages into 297 MB.
    pub footer: Option<i64>,
    pub summary_text: Option<String>,
}

pub fn read_page(f: &mut Fields, meta: Meta) -> Option<Page> {
    let title = f.req_text("title");
    let nav = f.int("nav");
    let footer = f.int("footer");
    let summary_text = f.text("summary");
    Some(Page {
        meta,
        title: title?,
        nav,
        footer,
        summary_text,
    })
}
