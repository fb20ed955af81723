//! 様式: the forms partner clinics print, fill in and FAX — 診療予約申込書, FAX送付状, 検査予約申込書,
//! 登録医申請書 … — with the desk each is sent to, its 改訂日, its files and, for accessibility,
//! the fields it asks for written out in HTML.
//!
//! Two forms carry nothing but data, so renkei draws them itself (`generate:`): the FAX送付状
//! and the 診療予約申込書, as print-ready A4 pages with the desk's FAX number and the revised date
//! from the content. A number printed in a hand-made PDF goes stale; a generated form cannot.
//! The site collects nothing: the forms are printed and sent by FAX as before.

use chrono::NaiveDate;
use serde::Serialize;

use crate::content::fields::Fields;
use crate::japanese;
use crate::japanese::phone::Phone;
use crate::records::meta::{read_file_links, FileLink, LoadCtx, Meta};

/// What a form is for: the groups of `/forms/`, in this order.
pub const PURPOSES: &[&str] = &[
    "診療予約",
    "検査予約",
    "送付状",
    "登録医",
    "研修会",
    "地域連携パス",
    "その他",
];

/// Who fills a form in.
pub const AUDIENCES: &[&str] = &["医療機関", "患者・ご家族", "どなたでも"];

/// The forms renkei draws from data, by their `generate:` name.
pub const GENERATED: &[(&str, &str)] = &[
    ("fax-cover", "FAX送付状"),
    ("referral-request", "診療予約申込書"),
];

/// Where a form is sent: a desk's name and numbers, copied from site.yaml when read.
#[derive(Debug, Clone, PartialEq, Hash, Serialize)]
pub struct SendTo {
    /// The desk's `id`, or `liaison` for a site without `desks:`.
    pub id: String,
    pub name: String,
    pub tel: Option<Phone>,
    pub fax: Option<Phone>,
    pub hours: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Form {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    pub purpose: String,
    pub audience: String,
    pub send_to: SendTo,
    /// 改訂日.
    pub revised: NaiveDate,
    pub revised_ja: String,
    /// PDF, Excel or Word files, each with its type and size.
    pub files: Vec<FileLink>,
    /// What the form asks for, so it can be read without opening a file.
    pub fields: Vec<String>,
    /// How to send it (「FAXでお送りください。原本は患者さんにお渡しください」).
    pub how_to_send: Option<String>,
    /// `fax-cover` or `referral-request`: renkei draws the form at `/forms/<slug>/print/`.
    pub generate: Option<String>,
}

pub fn read_form(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Form> {
    let title = f.req_text("title");
    let purpose = f
        .req_text("purpose")
        .and_then(|p| choose(f, "purpose", p, PURPOSES));
    let audience = match f.text("audience") {
        Some(a) => choose(f, "audience", a, AUDIENCES),
        None => Some(AUDIENCES[0].to_string()),
    };
    let send_to = read_send_to(f, ctx);
    let revised = f.date("revised");
    f.require("revised", "(様式の改訂日)", "2026-04-01");
    let files = read_file_links(f, ctx, "files");
    let fields: Vec<String> = f.text_list("fields").into_iter().map(|(s, _)| s).collect();
    let how_to_send = f.text("how_to_send");
    let names: Vec<&str> = GENERATED.iter().map(|(n, _)| *n).collect();
    let generate = f
        .text("generate")
        .and_then(|g| choose(f, "generate", g, &names));
    // Entries of `files` that were wrong are reported already; an empty or absent list is not.
    let files_written = f
        .node("files")
        .is_some_and(|n| !matches!(&n.value, crate::yaml::Value::Seq(items) if items.is_empty()));
    if files.is_empty() && generate.is_none() && !files_written {
        f.report().error(
            f.key_pos("files"),
            "files",
            "様式には files(PDF などのファイル)か generate のどちらかが必要です",
            Some("files: [{title: 診療予約申込書(PDF), file: forms/referral-request.pdf}]"),
        );
    }
    let revised = revised?;
    Some(Form {
        meta,
        title: title?,
        purpose: purpose?,
        audience: audience?,
        send_to: send_to?,
        revised,
        revised_ja: japanese::format_date(revised),
        files,
        fields,
        how_to_send,
        generate,
    })
}

/// `value` if it is one of `allowed`, else an error naming the nearest.
fn choose(f: &mut Fields, key: &'static str, value: String, allowed: &[&str]) -> Option<String> {
    if allowed.contains(&value.as_str()) {
        return Some(value);
    }
    let hint = crate::diagnostics::suggest(&value, allowed.iter().copied());
    f.report().error(
        f.key_pos(key),
        &f.path(key),
        format!("「{value}」は {key} に使えません{hint}"),
        Some(&allowed.join(", ")),
    );
    None
}

/// `desk:` names a desk of site.yaml; without it, a form goes to the liaison window.
fn read_send_to(f: &mut Fields, ctx: &LoadCtx) -> Option<SendTo> {
    let desks = &ctx.config.desks;
    let Some(id) = f.text("desk") else {
        let l = &ctx.config.liaison;
        return Some(SendTo {
            id: "liaison".into(),
            name: ctx.config.office(),
            tel: Some(l.tel.clone()),
            fax: Some(l.fax.clone()),
            hours: l.hours.clone(),
        });
    };
    match desks.iter().find(|d| d.id == id) {
        Some(d) => Some(SendTo {
            id: d.id.clone(),
            name: d.name.clone(),
            tel: d.tel.clone(),
            fax: d.fax.clone(),
            hours: d.hours.clone(),
        }),
        None => {
            let hint = crate::diagnostics::suggest(&id, desks.iter().map(|d| d.id.as_str()));
            f.report().error(
                f.key_pos("desk"),
                "desk",
                format!("id「{id}」の窓口が site.yaml の desks にありません{hint}"),
                Some("desks に書いた窓口の id"),
            );
            None
        }
    }
}

/// Forms in the order of `/forms/`: by purpose, then title.
pub fn sort(forms: &mut [Form]) {
    let rank = |p: &str| {
        PURPOSES
            .iter()
            .position(|x| *x == p)
            .unwrap_or(PURPOSES.len())
    };
    forms.sort_by(|a, b| {
        rank(&a.purpose)
            .cmp(&rank(&b.purpose))
            .then(a.title.cmp(&b.title))
            .then(a.meta.slug.cmp(&b.meta.slug))
    });
}
