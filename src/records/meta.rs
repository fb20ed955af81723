//! What every record shares: its slug and URL, its rendered body, and visibility.
//!
//! Visibility is enforced here, at the data layer, not in templates: an `internal:` mapping is
//! checked for shape and then dropped on the spot, and `partners_only:` values are kept only
//! when the build profile is `partners`. A template therefore cannot leak what it never
//! receives, whatever a site's theme does.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::config::SiteConfig;
use crate::content::fields::Fields;
use crate::content::markdown;
use crate::content::numbers::{Finding, FindingKind};
use crate::content::report::FileReport;
use crate::yaml::{Pos, Value};

/// Which audience a build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// The public site: top-level fields only.
    #[value(help = "公開用")]
    Public,
    /// The site for partner clinics, deployed behind access control: adds `partners_only`.
    #[value(help = "連携医療機関向け。partners_only の項目も出します")]
    Partners,
}

/// What loaders need to know besides the file itself.
pub struct LoadCtx<'a> {
    pub config: &'a SiteConfig,
    pub profile: Profile,
    /// Files under `static/`, by path relative to it.
    pub statics: &'a BTreeMap<String, PathBuf>,
    pub build_date: NaiveDate,
    /// 日医カリキュラムコード表 that seminars' `credits.cc` are checked against.
    pub curriculum: &'a crate::records::curriculum::Curriculum,
    /// Ids the theme writes, which bodies never take ([`crate::theme::reserved_ids`]).
    pub theme_ids: &'a std::collections::BTreeSet<String>,
}

/// A `partners_only` value with its display label.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Extra {
    pub key: String,
    pub label: String,
    pub value: String,
}

/// Fields common to all records.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Meta {
    pub slug: String,
    /// Root-relative URL (`/renkei/partners/sakura/`).
    pub url: String,
    /// Rendered, sanitised body HTML.
    pub body: String,
    /// Plain-text first paragraph, for meta descriptions and list teasers.
    pub summary: String,
    /// `partners_only` values; always empty in the public profile.
    pub partners_only: Vec<Extra>,
    #[serde(skip)]
    pub source: String,
    #[serde(skip)]
    pub draft: bool,
    #[serde(skip)]
    pub body_line: u32,
}

/// Labels for the `partners_only` keys offices commonly use; other keys show as written.
fn extra_label(key: &str) -> String {
    match key {
        "direct_line" => "直通電話",
        "direct_fax" => "直通FAX",
        "contact" => "連携担当者",
        "email" => "メールアドレス",
        "hours" => "対応時間",
        "note" | "notes" => "備考",
        "beds_available" => "受入れ状況",
        other => other,
    }
    .to_string()
}

/// Reads `draft`, `partners_only` and `internal`, and renders the body.
pub fn read_meta(
    f: &mut Fields,
    ctx: &LoadCtx,
    slug: &str,
    url_path: &str,
    body: &str,
    body_line: u32,
) -> Meta {
    let draft = f.bool("draft").unwrap_or(false);
    let mut partners_only = Vec::new();
    if let Some(node) = f.node("partners_only") {
        let report = f.report();
        match &node.value {
            Value::Map(entries) => {
                for entry in entries {
                    let field = format!("partners_only.{}", entry.key);
                    let value = match &entry.value.value {
                        Value::Seq(items) => items
                            .iter()
                            .filter_map(|i| i.scalar_text())
                            .collect::<Vec<_>>()
                            .join("、"),
                        _ => match entry.value.scalar_text() {
                            Some(s) => s,
                            None => {
                                report.error(
                                    entry.value.pos,
                                    &field,
                                    "文字列かそのリストで書いてください",
                                    Some("文字列"),
                                );
                                continue;
                            }
                        },
                    };
                    if ctx.profile == Profile::Partners {
                        partners_only.push(Extra {
                            label: extra_label(&entry.key),
                            key: entry.key.clone(),
                            value,
                        });
                    }
                }
            }
            _ => report.error(
                node.pos,
                "partners_only",
                "「項目名: 値」の組で書いてください",
                Some("partners_only: {direct_line: \"099-…\", contact: …}"),
            ),
        }
    }
    if let Some(node) = f.node("internal") {
        if !matches!(node.value, Value::Map(_)) {
            f.report().error(
                node.pos,
                "internal",
                "「項目名: 値」の組で書いてください(internal の内容はどこにも出力されません)",
                Some("internal: {notes: …}"),
            );
        }
    }
    // Scanned as written: a short form holds no digits, so only hand-typed numbers are found.
    let typed = ctx.config.numbers.scan_typed(body);
    let (body, findings) = ctx.config.numbers.expand(body);
    for finding in findings.iter().chain(&typed) {
        report_number(f.report(), body_line, finding);
    }
    let rendered = markdown::render(&body, &ctx.config.urls, ctx.theme_ids);
    if let Some(line) = rendered.html_too_deep {
        f.report().error(
            Pos {
                line: body_line + line,
                col: 1,
            },
            "",
            format!(
                "本文の HTML の入れ子が深すぎます({} 段まで)。閉じタグ(</div> など)が抜けていないか確かめてください",
                markdown::MAX_HTML_DEPTH
            ),
            Some("閉じタグのそろった HTML か、Markdown の書き方"),
        );
    }
    // Screen readers announce an image without alt as its file name, or not at all.
    for (dest, line) in &rendered.images_without_alt {
        f.report().warn(
            Pos {
                line: body_line + line,
                col: 1,
            },
            "",
            format!("画像「{dest}」に説明の文(alt)がありません。目の不自由な方の読み上げに使われます。![建物の外観](…) のように [ ] の中に書いてください"),
        );
    }
    Meta {
        slug: slug.to_string(),
        url: ctx.config.urls.path(url_path),
        body: rendered.html,
        summary: rendered.summary,
        partners_only,
        source: f.report().path.clone(),
        draft,
        body_line,
    }
}

/// Reports one finding of [`crate::content::numbers`] at its body line.
fn report_number(report: &FileReport, body_line: u32, finding: &Finding) {
    let pos = Pos {
        line: body_line + finding.line,
        col: finding.col,
    };
    match &finding.kind {
        FindingKind::Unknown { key, nearest } => {
            let hint = nearest
                .as_ref()
                .map(|n| format!("。もしかして「{{{{ {n} }}}}」?"))
                .unwrap_or_default();
            report.error(
                pos,
                "body",
                format!("「{{{{ {key} }}}}」は site.yaml にありません{hint}"),
                Some("{{ desk.<id>.tel|fax|email|name|hours|closed }}, {{ liaison.tel|fax|email|hours }}, {{ hospital.tel|fax|name }}"),
            );
        }
        FindingKind::Typed { typed, key } => report.warn(
            pos,
            "body",
            format!("番号を直接書かずに {{{{ {key} }}}} と書いてください(「{typed}」と書かれています)。番号が変わったとき、ここだけ古いまま残ります"),
        ),
        FindingKind::Near {
            typed,
            key,
            label,
            value,
        } => report.error(
            pos,
            "body",
            format!("「{typed}」は{label}({value})と 1 字違いです。FAX・電話の誤送信のもとになります。{label}なら {{{{ {key} }}}} と書き、別の番号なら site.yaml の desks に窓口として書いてから参照してください"),
            Some(&format!("{{{{ {key} }}}}")),
        ),
    }
}

/// Checks a value against one of site.yaml's lists, suggesting the nearest valid name
/// (「循環器科」→「循環器内科」).
pub fn check_in_list(
    f: &Fields,
    field: &str,
    value: &str,
    pos: Pos,
    list: &[String],
    list_name: &str,
) -> bool {
    if list.iter().any(|v| v == value) {
        return true;
    }
    let hint = nearest(value, list)
        .map(|s| format!("。もしかして「{s}」?"))
        .unwrap_or_default();
    f.report().error(
        pos,
        field,
        format!("「{value}」は site.yaml の {list_name} にありません{hint}"),
        Some(&format!("{list_name} の値: {}", preview(list))),
    );
    false
}

/// The closest list entry: by edit distance, or by sharing all but the differing part
/// (「耳鼻咽喉科」 vs 「耳鼻いんこう科」 differ by more than a typo but share 耳鼻 and 科).
fn nearest<'a>(value: &str, list: &'a [String]) -> Option<&'a str> {
    if let Some(s) = crate::diagnostics::did_you_mean(value, list.iter().map(String::as_str)) {
        return Some(s);
    }
    let common = |a: &str, b: &str| -> usize {
        let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        let suffix = a
            .chars()
            .rev()
            .zip(b.chars().rev())
            .take_while(|(x, y)| x == y)
            .count();
        prefix + suffix
    };
    list.iter()
        .map(|s| (common(value, s), s.as_str()))
        .filter(|(n, _)| *n >= 3)
        .max_by_key(|(n, _)| *n)
        .map(|(_, s)| s)
}

fn preview(list: &[String]) -> String {
    if list.len() <= 12 {
        list.join(", ")
    } else {
        format!("{} ほか {} 件", list[..12].join(", "), list.len() - 12)
    }
}

/// Checks that a file named in content exists under `static/`.
pub fn check_static(f: &Fields, ctx: &LoadCtx, field: &str, file: &str, pos: Pos) -> bool {
    let key = file.trim_start_matches('/');
    if ctx.statics.contains_key(key) {
        return true;
    }
    let hint = crate::diagnostics::suggest(key, ctx.statics.keys().map(String::as_str));
    f.report().error(
        pos,
        field,
        format!("ファイル「{file}」が content/static/ にありません{hint}"),
        Some("content/static/ の中のファイルのパス (例: forms/application.pdf)"),
    );
    false
}

/// Reads an optional http(s) URL, checked by [`crate::site::url::check_web_url`]: it is written
/// into vCards and calendars, where a line break would add lines of its own.
pub fn read_url(f: &mut Fields, key: &'static str) -> Option<String> {
    let url = f.text(key)?;
    match crate::site::url::check_web_url(&url) {
        Ok(()) => Some(url),
        Err(why) => {
            let pos = f.key_pos(key);
            let shown: String = crate::japanese::textchars::strip_breaking(&url)
                .chars()
                .take(80)
                .collect();
            f.report().error(
                pos,
                &f.path(key),
                format!("「{}」は URL として使えません: {why}", shown.escape_debug()),
                Some("https:// で始まる URL"),
            );
            None
        }
    }
}

/// `{title, file}` lists: seminar materials, news attachments, pathway documents.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileLink {
    pub title: String,
    /// Its path under `static/` (`forms/referral-request.pdf`).
    #[serde(skip)]
    pub file: String,
    pub url: String,
    /// 「PDF 320KB」
    pub kind: String,
}

pub fn read_file_links(f: &mut Fields, ctx: &LoadCtx, key: &'static str) -> Vec<FileLink> {
    let mut out = Vec::new();
    for (path, node) in f.list(key) {
        let Some(mut item) = Fields::new(node, &path, f.report()) else {
            continue;
        };
        let title = item.req_text("title");
        let file = item.req_text("file");
        let file_pos = item.key_pos("file");
        item.finish();
        let (Some(title), Some(file)) = (title, file) else {
            continue;
        };
        if !check_static(f, ctx, &format!("{path}.file"), &file, file_pos) {
            continue;
        }
        out.push(static_link(ctx, &file, title));
    }
    out
}

/// A link to a file under `static/` (already checked to exist), with its type and size.
pub fn static_link(ctx: &LoadCtx, file: &str, title: String) -> FileLink {
    let rel = file.trim_start_matches('/');
    let size = ctx
        .statics
        .get(rel)
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .unwrap_or(0);
    FileLink {
        title,
        file: rel.to_string(),
        url: ctx.config.urls.path(rel),
        kind: file_kind(rel, size),
    }
}

/// 「PDF 320KB」: what a download is before anyone taps it.
pub fn file_kind(name: &str, size: u64) -> String {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
    let kind = match ext.as_str() {
        "XLSX" | "XLS" => "Excel".to_string(),
        "DOCX" | "DOC" => "Word".to_string(),
        "" => "ファイル".to_string(),
        other => other.to_string(),
    };
    let size = if size >= 1024 * 1024 {
        format!("{:.1}MB", size as f64 / 1_048_576.0)
    } else {
        format!("{}KB", size.div_ceil(1024).max(1))
    };
    format!("{kind} {size}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names_for_legacy_departments() {
        let list: Vec<String> = ["内科", "循環器内科", "耳鼻いんこう科", "皮膚科"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest("循環器科", &list), Some("循環器内科"));
        assert_eq!(nearest("耳鼻咽喉科", &list), Some("耳鼻いんこう科"));
    }

    #[test]
    fn file_kinds() {
        assert_eq!(file_kind("forms/a.pdf", 327_680), "PDF 320KB");
        assert_eq!(file_kind("a.xlsx", 10), "Excel 1KB");
        assert_eq!(file_kind("a.pdf", 3 * 1024 * 1024), "PDF 3.0MB");
    }
}
