//! 広報誌: the issues of the office's newsletter to partner clinics (連携だより), each with its 号,
//! month, 年度, table of contents, PDF and cover.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::content::fields::Fields;
use crate::japanese;
use crate::records::meta::{check_static, static_link, FileLink, LoadCtx, Meta};

/// One issue (号) of the newsletter.
#[derive(Debug, Clone, Serialize)]
pub struct Newsletter {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    /// 号: the number.
    pub number: i64,
    /// 発行日; pages show the month (「2026年10月号」).
    pub issued: NaiveDate,
    /// 「2026年10月」
    pub issued_ja: String,
    pub fiscal_year: i32,
    /// 「2026年度(令和8年度)」
    pub fiscal_year_ja: String,
    /// 目次: the articles of the issue.
    pub contents: Vec<String>,
    pub pdf: FileLink,
    pub cover: Option<Cover>,
}

/// The cover image, with the text a screen reader says instead of it.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct Cover {
    pub url: String,
    pub alt: String,
}

pub fn read_newsletter(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Newsletter> {
    let title = f.req_text("title");
    let number = f.int("number");
    f.require("number", "(号)", "12");
    let issued = f.date("issued");
    f.require("issued", "(発行日)", "2026-10-01");
    let contents: Vec<String> = f
        .text_list("contents")
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let pdf_pos = f.key_pos("pdf");
    let pdf = f
        .req_text("pdf")
        .filter(|file| check_static(f, ctx, "pdf", file, pdf_pos));
    let cover = f.nested("cover").and_then(|mut c| {
        let image_pos = c.key_pos("image");
        let image = c.req_text("image");
        let alt = c.text("alt");
        if alt.is_none() {
            c.report().error(
                c.pos(),
                &c.path("alt"),
                "表紙画像の説明(alt)がありません。目の不自由な方の読み上げに使われます",
                Some("alt: 連携だより第12号の表紙。特集「心不全の地域連携」"),
            );
        }
        c.finish();
        let image = image.filter(|i| check_static(f, ctx, "cover.image", i, image_pos))?;
        Some(Cover {
            url: ctx.config.urls.path(image.trim_start_matches('/')),
            alt: alt?,
        })
    });
    let issued = issued?;
    let title = title?;
    let fiscal_year = japanese::fiscal_year(issued);
    Some(Newsletter {
        pdf: static_link(ctx, &pdf?, format!("{title}(PDF)")),
        meta,
        title,
        number: number?,
        issued,
        issued_ja: format!("{}年{}月", issued.year(), issued.month()),
        fiscal_year,
        fiscal_year_ja: format!(
            "{fiscal_year}年度({})",
            japanese::wareki_fiscal_year(fiscal_year)
        ),
        contents,
        cover,
    })
}

/// Newest first: by issue date, then number.
pub fn sort(items: &mut [Newsletter]) {
    items.sort_by(|a, b| {
        b.issued
            .cmp(&a.issued)
            .then(b.number.cmp(&a.number))
            .then(a.meta.slug.cmp(&b.meta.slug))
    });
}
