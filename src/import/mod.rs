//! `renkei import`: the Excel and CSV lists an office already keeps, and the national open
//! data, turned into content files that pass `check` — without losing anything staff wrote.
//!
//! The steps mirror the build: read the sheet ([`table`], within the [`limits`] of what an
//! import holds), know its columns ([`columns`]), clean each cell by field type
//! ([`normalize`]) into a record ([`rows`]), name new files
//! ([`slug`]), then plan every file against what is already in `content/`
//! ([`frontmatter`] merges into hand-edited files) and check every planned file with the same
//! reader `build` uses. Only when every row is good is anything written — each file to a
//! temporary name first, then all renamed into place — so a bad row never leaves half an
//! import behind. Open data ([`opendata`]) goes through the same plan.

mod columns;
mod csv;
mod existing;
mod frontmatter;
mod limits;

/// How Excel heads a column (0 → A), for messages that point at a cell.
pub(crate) use limits::column_letters;
mod merge;
mod normalize;
mod opendata;
mod plan;
mod rows;
mod slug;
mod table;
mod workbook;

/// The zip-bomb guard of the spreadsheet reader, shared with `check`'s reading of attachments.
pub(crate) use workbook::xml_within;
mod write;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::collection::Collection;
use crate::diagnostics::{Diagnostic, Diagnostics, Fatal};
use crate::load::{self, LoadOptions};
use crate::records::meta::Profile;
use crate::yaml::Pos;

pub use columns::Field;
pub use plan::Plan;
pub use write::Outcome;

/// What is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Partners,
    Care,
    Doctors,
}

impl Kind {
    pub fn collection(self) -> Collection {
        match self {
            Kind::Partners => Collection::Partners,
            Kind::Care => Collection::Care,
            Kind::Doctors => Collection::Doctors,
        }
    }

    /// The field that identifies a record across imports, if the kind has one.
    fn key_field(self) -> Option<&'static str> {
        match self {
            Kind::Partners => Some("navii_id"),
            Kind::Care => Some("office_number"),
            Kind::Doctors => None,
        }
    }
}

/// Where the rows come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// An office's own list (`.csv` or `.xlsx`).
    Sheet(Kind, PathBuf),
    /// 医療情報ネット (ナビイ): the 施設票 and the 診療科・診療時間票, for one 市区町村.
    Navii {
        facilities: PathBuf,
        hours: PathBuf,
        city: String,
    },
    /// 介護サービス情報公表システム: one `jigyosho_<code>.csv`, the rows whose 住所 has `city`.
    Kaigo { file: PathBuf, city: Option<String> },
}

/// `renkei import …` options.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub root: PathBuf,
    pub source: Source,
    pub map: Option<PathBuf>,
    pub dry_run: bool,
    pub update: bool,
    pub skip_invalid: bool,
    /// 地区 for rows that do not say (open data never does).
    pub area: Option<String>,
    pub today: NaiveDate,
}

/// The site's lists that cells are checked against, and how to find a 地区 or a clinic.
#[derive(Debug, Default)]
pub struct SiteLists {
    pub areas: Vec<String>,
    pub departments: Vec<String>,
    pub services: Vec<String>,
    pub care_services: Vec<String>,
    /// `--area`.
    pub area_default: Option<String>,
    /// From the map file: a word of the address → 地区 (「北町」 → 北部).
    pub area_words: Vec<(String, String)>,
    /// Existing partners (slug, name), for a 登録医's 勤務先.
    pub partners: Vec<(String, String)>,
    /// Partner files that exist but have errors, so a 勤務先 naming one is told why.
    pub broken_partners: Vec<(String, String)>,
}

impl SiteLists {
    /// A 地区 as written in a sheet, matched to `site.yaml` `areas` (「中央」 = 「中央地区」).
    fn area(&self, text: &str) -> Result<String, String> {
        if self.areas.iter().any(|a| a == text) {
            return Ok(text.to_string());
        }
        let bare = |s: &str| {
            s.trim_end_matches("地区")
                .trim_end_matches("地域")
                .to_string()
        };
        if let Some(a) = self.areas.iter().find(|a| bare(a) == bare(text)) {
            return Ok(a.clone());
        }
        Err(format!(
            "地区「{text}」は site.yaml の areas({})にありません{}",
            self.areas.join("、"),
            crate::diagnostics::suggest(text, self.areas.iter().map(String::as_str))
        ))
    }

    /// The 地区 for a row without one: from the address words of the map file, else `--area`.
    fn area_for(&self, address: Option<&str>) -> Option<String> {
        if let Some(addr) = address {
            if let Some((_, area)) = self
                .area_words
                .iter()
                .find(|(w, _)| addr.contains(w.as_str()))
            {
                return Some(area.clone());
            }
        }
        self.area_default.clone()
    }

    /// A 登録医's 勤務先 (a slug or a partner's name) → the partner's slug.
    fn partner_slug(&self, text: &str) -> Result<String, String> {
        if let Some((slug, _)) = self.partners.iter().find(|(s, _)| s == text) {
            return Ok(slug.clone());
        }
        let key = name_key(text);
        let named: Vec<&str> = self
            .partners
            .iter()
            .filter(|(_, n)| name_key(n) == key)
            .map(|(s, _)| s.as_str())
            .collect();
        match named.as_slice() {
            [one] => return Ok(one.to_string()),
            [] => {}
            several => {
                return Err(format!(
                    "勤務先「{text}」という医療機関が {} 件あります({})。どれのことか、勤務先にファイル名(例: {})を書いてください",
                    several.len(),
                    several
                        .iter()
                        .map(|s| format!("partners/{s}.md"))
                        .collect::<Vec<_>>()
                        .join("、"),
                    several[0]
                ))
            }
        }
        if let Some((slug, _)) = self
            .broken_partners
            .iter()
            .find(|(s, n)| s == text || name_key(n) == key)
        {
            return Err(format!(
                "勤務先「{text}」の content/partners/{slug}.md に誤りがあり、読み込めません。renkei check で確かめて直してから取り込んでください"
            ));
        }
        Err(format!(
            "勤務先「{text}」が content/partners/ にありません。先に連携医療機関を取り込んでください{}",
            crate::diagnostics::suggest(text, self.partners.iter().map(|(_, n)| n.as_str()))
        ))
    }
}

/// Names compared as `renkei check` compares them.
pub use crate::japanese::names::name_key;

/// Runs an import: reads, plans, checks, and (unless a dry run or invalid) writes.
pub fn run(opts: &ImportOptions) -> Result<Outcome, Fatal> {
    let load_opts = LoadOptions {
        root: opts.root.clone(),
        profile: Profile::Partners,
        build_date: opts.today,
        base_url: Default::default(),
        drafts: true,
    };
    // The site as it is: its lists, its partners (for 登録医) and the context files are
    // checked in. Problems in existing files are the business of `check`, not of import.
    let existing_diags = Diagnostics::new();
    let content = load::load(&load_opts, &existing_diags)?.ok_or(
        "content/site.yaml に誤りがあるため取り込めません。renkei check で確かめてください",
    )?;
    let config = &content.config;
    let mut lists = SiteLists {
        areas: config.areas.clone(),
        departments: config.departments.clone(),
        services: config.services.clone(),
        care_services: config.care_services.clone(),
        area_default: None,
        area_words: Vec::new(),
        broken_partners: Vec::new(),
        partners: content
            .partners
            .iter()
            .map(|p| (p.meta.slug.clone(), p.place.name.clone()))
            .collect(),
    };
    if matches!(opts.source, Source::Sheet(Kind::Doctors, _)) {
        let loaded: Vec<&str> = lists.partners.iter().map(|(s, _)| s.as_str()).collect();
        lists.broken_partners = existing::read_all(&opts.root, Kind::Partners)
            .unwrap_or_default()
            .into_iter()
            .filter(|e| !loaded.contains(&e.slug.as_str()))
            .map(|e| (e.slug, e.name))
            .collect();
    }
    let map = match &opts.map {
        Some(path) => columns_map(path, &mut lists)?,
        None => BTreeMap::new(),
    };
    if let Some(area) = &opts.area {
        lists.area_default = Some(lists.area(area)?);
    }
    let (kind, read) = match &opts.source {
        Source::Sheet(kind, path) => (*kind, plan::read_sheet(*kind, path, &map, &lists)?),
        Source::Navii {
            facilities,
            hours,
            city,
        } => (
            Kind::Partners,
            opendata::navii(facilities, hours, city, &lists)?,
        ),
        Source::Kaigo { file, city } => {
            (Kind::Care, opendata::kaigo(file, city.as_deref(), &lists)?)
        }
    };
    let ctx = crate::records::meta::LoadCtx {
        config,
        profile: Profile::Partners,
        statics: &content.statics,
        build_date: opts.today,
        curriculum: &content.curriculum,
        theme_ids: &content.theme_ids,
    };
    let plan = Plan::make(kind, read, opts, &ctx)?;
    Ok(plan.finish(opts)?)
}

/// Reads a `--map` file:
///
/// ```yaml
/// columns:
///   施設の名前: name
///   メモ: ignore
/// areas:        # 地区 from a word of the address, for sheets without a 地区 column
///   北町: 北部
/// ```
fn columns_map(
    path: &std::path::Path,
    lists: &mut SiteLists,
) -> Result<BTreeMap<String, Field>, Fatal> {
    let file = path.display().to_string();
    let at = |pos: Pos, field: &str, message: String| {
        Fatal::from(Diagnostic::error(&file, pos, Some(field), message))
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{file} を読めません: {e}"))?;
    let node = crate::yaml::parse(&text, 1)
        .map_err(|e| Fatal::from(Diagnostic::error(&file, e.pos, None, e.message)))?;
    let crate::yaml::Value::Map(entries) = node.value else {
        return Err(at(
            node.pos,
            "columns",
            "columns: と areas: の組で書いてください".into(),
        ));
    };
    let mut map = BTreeMap::new();
    for entry in entries {
        let crate::yaml::Value::Map(items) = &entry.value.value else {
            let message = format!("{} は「列名: 項目」の組で書いてください", entry.key);
            return Err(at(entry.key_pos, &entry.key, message));
        };
        for item in items {
            let value = item.value.scalar_text().unwrap_or_default();
            let field = format!("{}.{}", entry.key, item.key);
            match entry.key.as_str() {
                "columns" => {
                    let parsed = Field::parse(&value).ok_or_else(|| {
                        at(item.key_pos, &field, format!("項目「{value}」はありません(name, yomi, tel, fax, postal, address, area, departments, services, ignore など)"))
                    })?;
                    if let Field::ServiceFlag(service) = &parsed {
                        let known = lists.services.iter().chain(&lists.care_services);
                        if !known.clone().any(|s| s == service) {
                            let hint =
                                crate::diagnostics::suggest(service, known.map(String::as_str));
                            return Err(at(item.key_pos, &field, format!("「{service}」は site.yaml の services にも care_services にもありません{hint}")));
                        }
                    }
                    map.insert(item.key.clone(), parsed);
                }
                "areas" => {
                    let area = lists
                        .area(&value)
                        .map_err(|e| at(item.key_pos, &field, e))?;
                    lists.area_words.push((item.key.clone(), area));
                }
                other => {
                    let message = format!("「{other}」は使えません(columns か areas)");
                    return Err(at(entry.key_pos, other, message));
                }
            }
        }
    }
    Ok(map)
}
