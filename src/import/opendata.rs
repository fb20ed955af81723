//! The national open data, read in its published layouts:
//!
//! - 医療情報ネット (ナビイ), MHLW, PDL1.0: the 施設票 (`0x-1_…_facility_info_YYYYMMDD.csv`)
//!   and the 診療科・診療時間票 (`0x-2_…_speciality_hours_YYYYMMDD.csv`), joined on `ID`.
//!   Weekly flags are 1 = open (the column names say 休診), times are one row per 診療時間帯.
//!   No phone or 郵便番号 is published, so new records are written as drafts for staff to
//!   complete.
//! - 介護サービス情報公表システム, MHLW, CC BY 4.0: `jigyosho_<code>.csv`, one row per
//!   事業所 and service; one 事業所番号 may recur, its services are merged.
//!
//! Both are matched to existing records by their IDs (`navii_id`, `office_number`), so a
//! re-import every half year updates records instead of duplicating them. Fields staff own —
//! the name they chose, the 地区 — are only written into new files.

use std::collections::BTreeMap;
use std::path::Path;

use super::columns::exact_key as header_key;
use super::normalize as n;
use super::plan::Read;
use super::rows::{CellError, Draft, Value};
use super::slug::without_corporation;
use super::{table, SiteLists};

const NAVII_CREDIT: &str = "「医療情報ネットのオープンデータ」(厚生労働省)を加工して作成";
const KAIGO_CREDIT: &str =
    "「介護サービス情報公表システム」のオープンデータ(厚生労働省、CC BY 4.0)を加工して作成";

/// 診療科目コード → name, from the open data itself (see the file's header).
fn department_names() -> BTreeMap<&'static str, &'static str> {
    include_str!("navii-departments.csv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(','))
        .collect()
}

/// A table with a header row whose columns are found by name.
struct Sheet {
    headers: BTreeMap<String, usize>,
    rows: Vec<(usize, Vec<String>)>,
    file: String,
}

impl Sheet {
    fn read(path: &Path) -> Result<(Sheet, String), String> {
        let t = table::read(path)?;
        let mut rows = t.rows.into_iter();
        let (_, header) = rows
            .next()
            .ok_or_else(|| format!("{} は空です", path.display()))?;
        let headers = header
            .iter()
            .enumerate()
            .map(|(i, h)| (header_key(h), i))
            .collect();
        Ok((
            Sheet {
                headers,
                rows: rows.collect(),
                file: path.display().to_string(),
            },
            t.source,
        ))
    }

    fn col(&self, name: &str) -> Result<usize, String> {
        self.headers.get(&header_key(name)).copied().ok_or_else(|| {
            format!(
                "{} に列「{name}」がありません(公開されている形のファイルか確かめてください)",
                self.file
            )
        })
    }

    fn opt(&self, name: &str) -> Option<usize> {
        self.headers.get(&header_key(name)).copied()
    }
}

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map(|s| s.trim()).unwrap_or("")
}

fn cell_opt(row: &[String], i: Option<usize>) -> &str {
    i.map(|i| cell(row, i)).unwrap_or("")
}

const DAYS: [(&str, &str); 8] = [
    ("月", "mon"),
    ("火", "tue"),
    ("水", "wed"),
    ("木", "thu"),
    ("金", "fri"),
    ("土", "sat"),
    ("日", "sun"),
    ("祝", "hol"),
];

/// `renkei import navii FACILITY.csv HOURS.csv --city CODE`.
pub fn navii(
    facilities: &Path,
    hours: &Path,
    city: &str,
    lists: &SiteLists,
) -> Result<Read, String> {
    let digits: String = city.chars().filter(char::is_ascii_digit).collect();
    if !(digits.len() == 5 || digits.len() == 6) {
        return Err(format!(
            "--city は 5 桁の市区町村コード(全国地方公共団体コード。例: 46201)で指定してください(「{city}」)"
        ));
    }
    let (pref, town) = (&digits[..2], &digits[2..5]);
    let (fac, source) = Sheet::read(facilities)?;
    let (hrs, _) = Sheet::read(hours)?;
    let c = |name: &str| fac.col(name);
    let (id_c, name_c, kana_c, kind_c) = (
        c("ID")?,
        c("正式名称")?,
        c("正式名称（フリガナ）")?,
        c("機関区分")?,
    );
    let (pref_c, town_c, addr_c) = (c("都道府県コード")?, c("市区町村コード")?, c("所在地")?);
    let (lat_c, lon_c) = (c("所在地座標（緯度）")?, c("所在地座標（経度）")?);
    let url_c = fac.opt("案内用ホームページアドレス");
    let holiday_c = fac.opt("祝日に休診");
    let other_c = fac.opt("その他の休診日（gw、お盆等）");
    let beds_c = fac.opt("合計病床数");
    let weekly: Vec<Option<usize>> = DAYS[..7]
        .iter()
        .map(|(d, _)| fac.opt(&format!("毎週決まった曜日に休診（{d}）")))
        .collect();
    let schedules = navii_hours(&hrs)?;
    let names = department_names();
    let mut read = Read {
        file: facilities.display().to_string(),
        attribution: Some(NAVII_CREDIT),
        ..Read::default()
    };
    let mut matched = 0;
    for (row_no, row) in &fac.rows {
        let p = cell(row, pref_c);
        let t = cell(row, town_c);
        if format!("{p:0>2}") != pref || format!("{t:0>3}") != town {
            continue;
        }
        matched += 1;
        let mut d = Draft::new(*row_no);
        d.draft = true;
        // Staff's own hours rows (第1・3土曜, notes) say more than the open data's slots.
        d.create_only = vec!["name", "yomi", "area", "kind", "hours", "hours_note"];
        let id = cell(row, id_c).to_string();
        let (name, yomi) =
            without_corporation(&n::text(cell(row, name_c)), &n::text(cell(row, kana_c)));
        (d.name, d.yomi) = (name, yomi);
        d.set("name", Value::Text(d.name.clone()), "正式名称");
        d.set("yomi", Value::Text(d.yomi.clone()), "正式名称（フリガナ）");
        let kind = match cell(row, kind_c) {
            "1" => "hospital",
            "3" => "dental",
            _ => "clinic",
        };
        d.set("kind", Value::Text(kind.into()), "機関区分");
        let address = n::free_text(cell(row, addr_c));
        if let Some(area) = lists.area_for(Some(&address)) {
            d.set("area", Value::Text(area), "");
        }
        let schedule = schedules.get(id.as_str());
        if let Some(s) = schedule {
            let mut departments = Vec::new();
            for code in &s.codes {
                match names.get(code.as_str()) {
                    Some(name) if !lists.departments.iter().any(|k| k == name) => {
                        d.notes.push(format!(
                            "診療科「{name}」({code})は site.yaml の departments にないため入れていません"
                        ))
                    }
                    // One 診療科 is listed once however many 診療時間 rows carry it.
                    Some(name) if !departments.iter().any(|x: &String| x == name) => {
                        departments.push(name.to_string())
                    }
                    _ => {}
                }
            }
            if !departments.is_empty() {
                d.set("departments", Value::List(departments), "診療科目コード");
            }
        }
        d.set(
            "address",
            Value::Map(vec![("text", Value::Text(address))]),
            "所在地",
        );
        let lat = n::degrees(cell(row, lat_c), 20.0..=46.0);
        let lon = n::degrees(cell(row, lon_c), 122.0..=154.0);
        if let (Ok(Some(la)), Ok(Some(lo))) = (lat, lon) {
            d.set("geo", Value::Geo(la, lo), "所在地座標");
        }
        let url = n::text(cell_opt(row, url_c));
        if !url.is_empty() {
            let url = if url.starts_with("http") {
                url
            } else {
                format!("https://{url}")
            };
            d.set("url", Value::Quoted(url), "案内用ホームページアドレス");
        }
        if let Some(s) = schedule {
            if !s.rows.is_empty() {
                d.set("hours", Value::Yaml(s.yaml()), "診療時間");
                if let Some(dept) = &s.from {
                    d.notes.push(format!("診療時間は「{dept}」の時間です"));
                }
            }
        }
        let mut closed = Vec::new();
        for ((day, _), col) in DAYS.iter().zip(&weekly) {
            if cell_opt(row, *col) == "0" {
                closed.push(*day);
            }
        }
        let mut note = String::new();
        if !closed.is_empty() {
            let days: Vec<String> = closed.iter().map(|d| format!("{d}曜")).collect();
            note.push_str(&days.join("・"));
        }
        if cell_opt(row, holiday_c) == "0" {
            note.push_str(if note.is_empty() {
                "祝日"
            } else {
                "・祝日"
            });
        }
        if !note.is_empty() {
            note.push_str("休診");
        }
        let other = n::free_text(&cell_opt(row, other_c).replace("（改行）", "、"));
        if !other.is_empty() {
            if !note.is_empty() {
                note.push('、');
            }
            note.push_str(&other);
        }
        if !note.is_empty() {
            d.set("hours_note", Value::Text(note), "休診日");
        }
        if let Ok(Some(beds)) = n::count(cell_opt(row, beds_c), true) {
            d.set("beds", Value::Int(beds), "合計病床数");
        }
        match n::code(&id, 13, &mut d.notes) {
            Ok(id) => {
                d.key = Some(("navii_id", id.clone()));
                d.set("navii_id", Value::Quoted(id), "ID");
            }
            Err(e) => read.errors.push(CellError {
                row: *row_no,
                column: "ID".into(),
                field: "navii_id".into(),
                message: e,
            }),
        }
        read.drafts.push(d);
    }
    read.description = format!(
        "{source}、市区町村コード {pref}{town} の医療機関 {matched} 件(全 {} 行)",
        fac.rows.len()
    );
    read.used = vec![("ID".into(), "navii_id".into())];
    Ok(read)
}

/// One facility's 診療時間 as content rows.
#[derive(Debug, Default)]
struct Schedule {
    /// Every 診療科目コード listed, in order.
    codes: Vec<String>,
    /// `(time, days)` rows of the department the hours were taken from.
    rows: Vec<(String, Vec<&'static str>)>,
    /// That department's name, when the facility has several.
    from: Option<String>,
}

impl Schedule {
    fn yaml(&self) -> String {
        let mut out = String::new();
        for (time, days) in &self.rows {
            let start: u32 = time[..2].parse().unwrap_or(0);
            let end: u32 = time[6..8].parse().unwrap_or(0);
            let label = if end <= 13 {
                "午前"
            } else if start >= 12 {
                "午後"
            } else {
                "診療"
            };
            out.push_str(&format!(
                "\n  - {{label: {label}, time: \"{time}\", days: [{}]}}",
                days.join(", ")
            ));
        }
        out
    }
}

/// Reads the 診療科・診療時間票. Hours come from the first department that lists any (救急科
/// keeps its own 24-hour rows and is left out); placeholder times (00:00-00:00) and overnight
/// ranges are skipped.
fn navii_hours(hrs: &Sheet) -> Result<BTreeMap<String, Schedule>, String> {
    let id_c = hrs.col("ID")?;
    let code_c = hrs.col("診療科目コード")?;
    let name_c = hrs.col("診療科目名")?;
    let day_cols: Vec<(&'static str, usize, usize)> = DAYS
        .iter()
        .map(|(d, key)| {
            Ok((
                *key,
                hrs.col(&format!("{d}_診療開始時間"))?,
                hrs.col(&format!("{d}_診療終了時間"))?,
            ))
        })
        .collect::<Result<_, String>>()?;
    let mut out: BTreeMap<String, Schedule> = BTreeMap::new();
    let mut dept_of: BTreeMap<String, String> = BTreeMap::new();
    for (_, row) in &hrs.rows {
        let id = cell(row, id_c).to_string();
        let code = cell(row, code_c).to_string();
        let s = out.entry(id.clone()).or_default();
        if !s.codes.contains(&code) {
            s.codes.push(code.clone());
        }
        if code == "09010" {
            continue;
        }
        if let Some(first) = dept_of.get(&id) {
            if *first != code {
                if s.rows.is_empty() {
                    // The first department had no usable times; try this one.
                    dept_of.insert(id.clone(), code.clone());
                } else {
                    if s.from.is_none() {
                        s.from = Some(cell(row, name_c).to_string());
                    }
                    continue;
                }
            }
        } else {
            dept_of.insert(id.clone(), code.clone());
        }
        let mut by_time: Vec<(String, Vec<&'static str>)> = Vec::new();
        for (key, start_c, end_c) in &day_cols {
            let (start, end) = (cell(row, *start_c), cell(row, *end_c));
            if start.len() != 5 || end.len() != 5 || start >= end || start == "00:00" {
                continue;
            }
            let time = format!("{start}-{end}");
            match by_time.iter_mut().find(|(t, _)| *t == time) {
                Some((_, days)) => days.push(key),
                None => by_time.push((time, vec![key])),
            }
        }
        for row in by_time {
            if !s.rows.contains(&row) {
                s.rows.push(row);
            }
        }
    }
    // `from` was set to the *second* department's name; name the one used instead.
    for (id, s) in out.iter_mut() {
        if s.from.is_some() {
            s.from = dept_of
                .get(id)
                .and_then(|code| department_names().get(code.as_str()).map(|n| n.to_string()));
        }
    }
    Ok(out)
}

/// 介護サービスの種類 as the open data writes it → the site's care service name.
fn care_service(text: &str, known: &[String]) -> Option<String> {
    let t = n::text(text);
    let code_names: [(&str, &str); 33] = [
        ("110", "訪問介護"),
        ("120", "訪問入浴介護"),
        ("130", "訪問看護"),
        ("140", "訪問リハビリテーション"),
        ("150", "通所介護"),
        ("155", "通所介護"),
        ("160", "通所リハビリテーション"),
        ("170", "福祉用具貸与"),
        ("210", "短期入所生活介護"),
        ("220", "短期入所療養介護"),
        ("230", "短期入所療養介護"),
        ("551", "短期入所療養介護"),
        ("320", "認知症対応型共同生活介護"),
        ("331", "特定施設入居者生活介護"),
        ("332", "特定施設入居者生活介護"),
        ("334", "特定施設入居者生活介護"),
        ("335", "特定施設入居者生活介護"),
        ("336", "特定施設入居者生活介護"),
        ("337", "特定施設入居者生活介護"),
        ("361", "特定施設入居者生活介護"),
        ("362", "特定施設入居者生活介護"),
        ("364", "特定施設入居者生活介護"),
        ("410", "特定福祉用具販売"),
        ("430", "居宅介護支援"),
        ("510", "介護老人福祉施設"),
        ("520", "介護老人保健施設"),
        ("540", "地域密着型介護老人福祉施設"),
        ("550", "介護医療院"),
        ("710", "夜間対応型訪問介護"),
        ("720", "認知症対応型通所介護"),
        ("730", "小規模多機能型居宅介護"),
        ("760", "定期巡回・随時対応型訪問介護看護"),
        ("770", "看護小規模多機能型居宅介護"),
    ];
    let name = if let Some((_, name)) = code_names.iter().find(|(c, _)| *c == t) {
        name.to_string()
    } else if t == "780" {
        "地域密着型通所介護".to_string()
    } else {
        // 「短期入所療養介護（介護老人保健施設）」, 「地域密着型特定施設入居者生活介護」.
        let bare = t.split(['（', '(']).next().unwrap_or(&t).trim().to_string();
        if bare == "地域密着型特定施設入居者生活介護" || bare == "療養通所介護"
        {
            if bare.starts_with("療養") {
                "通所介護"
            } else {
                "特定施設入居者生活介護"
            }
            .to_string()
        } else {
            bare
        }
    };
    known.iter().find(|k| **k == name).cloned()
}

/// `renkei import kaigo FILE.csv`.
pub fn kaigo(path: &Path, lists: &SiteLists) -> Result<Read, String> {
    let (sheet, source) = Sheet::read(path)?;
    let c = |name: &str| sheet.col(name);
    let (name_c, kana_c, kind_c, addr_c) = (
        c("事業所名")?,
        c("事業所名カナ")?,
        c("サービスの種類")?,
        c("住所")?,
    );
    let (tel_c, number_c) = (c("電話番号")?, c("事業所番号")?);
    let building_c = sheet.opt("方書（ビル名等）");
    let (lat_c, lon_c) = (sheet.opt("緯度"), sheet.opt("経度"));
    let fax_c = sheet.opt("FAX番号");
    let op_c = sheet.opt("法人の名称");
    let cap_c = sheet.opt("定員");
    let url_c = sheet.opt("URL");
    let mut read = Read {
        file: path.display().to_string(),
        attribution: Some(KAIGO_CREDIT),
        ..Read::default()
    };
    let mut by_number: BTreeMap<String, usize> = BTreeMap::new();
    for (row_no, row) in &sheet.rows {
        let mut notes = Vec::new();
        let number = match n::code(cell(row, number_c), 10, &mut notes) {
            Ok(x) => x,
            Err(e) => {
                read.errors.push(CellError {
                    row: *row_no,
                    column: "事業所番号".into(),
                    field: "office_number".into(),
                    message: e,
                });
                continue;
            }
        };
        let service = care_service(cell(row, kind_c), &lists.care_services);
        if let Some(&at) = by_number.get(&number) {
            // The same 事業所 in another service's row: add the service.
            let d: &mut Draft = &mut read.drafts[at];
            if let (Some(s), Some((_, Value::List(list)))) =
                (service, d.fields.iter_mut().find(|(k, _)| *k == "services"))
            {
                if !list.contains(&s) {
                    list.push(s);
                }
            }
            continue;
        }
        let Some(service) = service else {
            read.errors.push(CellError {
                row: *row_no,
                column: "サービスの種類".into(),
                field: "services".into(),
                message: format!(
                    "「{}」は site.yaml の care_services にありません",
                    cell(row, kind_c)
                ),
            });
            continue;
        };
        let mut d = Draft::new(*row_no);
        d.notes = notes;
        d.draft = true;
        d.create_only = vec!["name", "yomi", "area"];
        d.add_to_lists = vec!["services"];
        let (name, yomi) =
            without_corporation(&n::text(cell(row, name_c)), &n::text(cell(row, kana_c)));
        (d.name, d.yomi) = (name, yomi);
        d.set("name", Value::Text(d.name.clone()), "事業所名");
        d.set("yomi", Value::Text(d.yomi.clone()), "事業所名カナ");
        d.set("services", Value::List(vec![service]), "サービスの種類");
        d.key = Some(("office_number", number.clone()));
        d.set("office_number", Value::Quoted(number.clone()), "事業所番号");
        let operator = n::text(cell_opt(row, op_c));
        if !operator.is_empty() {
            d.set("operator", Value::Text(operator), "法人の名称");
        }
        let mut address = n::free_text(cell(row, addr_c));
        let building = n::free_text(cell_opt(row, building_c));
        if !building.is_empty() {
            address = format!("{address} {building}");
        }
        if let Some(area) = lists.area_for(Some(&address)) {
            d.set("area", Value::Text(area), "");
        }
        d.set(
            "address",
            Value::Map(vec![("text", Value::Text(address))]),
            "住所",
        );
        if let (Ok(Some(la)), Ok(Some(lo))) = (
            n::degrees(cell_opt(row, lat_c), 20.0..=46.0),
            n::degrees(cell_opt(row, lon_c), 122.0..=154.0),
        ) {
            d.set("geo", Value::Geo(la, lo), "緯度・経度");
        }
        for (col, key, header) in [(Some(tel_c), "tel", "電話番号"), (fax_c, "fax", "FAX番号")]
        {
            let v = cell_opt(row, col);
            if v.is_empty() {
                continue;
            }
            match n::phone(v, &mut d.notes) {
                Ok(p) => d.set(key, Value::Quoted(p), header),
                Err(e) => d.notes.push(format!("{header} {e} のため入れていません")),
            }
        }
        if let Ok(Some(cap)) = n::count(cell_opt(row, cap_c), true) {
            d.set("capacity", Value::Int(cap), "定員");
        }
        let url = n::text(cell_opt(row, url_c));
        // The URL column also holds e-mail addresses and phone numbers.
        if url.starts_with("http://") || url.starts_with("https://") {
            d.set("url", Value::Quoted(url), "URL");
        } else if url.starts_with("www.") {
            d.set("url", Value::Quoted(format!("https://{url}")), "URL");
        }
        by_number.insert(number, read.drafts.len());
        read.drafts.push(d);
    }
    read.description = format!("{source}、事業所 {} 件", read.drafts.len());
    read.used = vec![("事業所番号".into(), "office_number".into())];
    Ok(read)
}
