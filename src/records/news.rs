//! お知らせ: dated notices with categories, pinned items and attachments.

use chrono::NaiveDate;

use crate::content::fields::Fields;
use crate::japanese;
use crate::records::meta::{check_in_list, read_file_links, FileLink, LoadCtx, Meta};

#[derive(Debug, Clone, serde::Serialize)]
pub struct News {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    pub date: NaiveDate,
    /// 「2026年11月1日(日)」
    pub date_ja: String,
    pub category: String,
    pub pinned: bool,
    pub attachments: Vec<FileLink>,
}

/// Reads a `news/` record. The category defaults to the first of `news_categories`.
pub fn read_news(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<News> {
    let title = f.req_text("title");
    let date = f.date("date");
    f.require("date", "", "2026-11-01");
    let category = match f.text("category") {
        Some(c) => {
            let pos = f.key_pos("category");
            check_in_list(
                f,
                "category",
                &c,
                pos,
                &ctx.config.news_categories,
                "news_categories",
            )
            .then_some(c)
        }
        None => Some(
            ctx.config
                .news_categories
                .first()
                .cloned()
                .unwrap_or_else(|| "お知らせ".into()),
        ),
    };
    let pinned = f.bool("pinned").unwrap_or(false);
    let attachments = read_file_links(f, ctx, "attachments");
    let date = date?;
    Some(News {
        meta,
        title: title?,
        date,
        date_ja: japanese::format_date(date),
        category: category?,
        pinned,
        attachments,
    })
}

/// Newest first, pinned items on top; slug breaks ties so the order never depends on the
/// file system.
pub fn sort(items: &mut [News]) {
    items.sort_by(|a, b| {
        b.pinned
            .cmp(&a.pinned)
            .then(b.date.cmp(&a.date))
            .then(a.meta.slug.cmp(&b.meta.slug))
    });
}

/// お知らせ by category: `/news/category/休診・代診/`, in the order of `news_categories`.
pub fn facets(
    config: &crate::config::SiteConfig,
    items: &[News],
) -> Vec<crate::records::directory::browse::Facet> {
    let groups = config
        .news_categories
        .iter()
        .map(|c| {
            let idx = items
                .iter()
                .enumerate()
                .filter(|(_, n)| &n.category == c)
                .map(|(i, _)| i)
                .collect();
            (
                c.clone(),
                format!("news/category/{}/", c.replace(['/', ' '], "-")),
                idx,
            )
        })
        .collect();
    vec![crate::records::directory::browse::facet_from(
        config,
        "category",
        "分類から探す",
        groups,
    )]
}
