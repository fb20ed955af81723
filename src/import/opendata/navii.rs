//! 医療情報ネット (ナビイ) open data (厚生労働省, PDL1.0): the 施設票 and the 診療科・診療時間票
//! of one release, for one 市区町村, into partner records.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{cell, cell_opt, column, Sheet};
use crate::import::normalize as n;
use crate::import::plan::Read;
use crate::import::rows::{CellError, Draft, Value};
use crate::import::slug::without_corporation;
use crate::import::table::Row;
use crate::import::SiteLists;

const NAVII_CREDIT: &str = "「医療情報ネットのオープンデータ」(厚生労働省)を加工して作成";

/// 診療科目コード → name, from the open data itself (see the file's header).
fn department_names() -> BTreeMap<&'static str, &'static str> {
    include_str!("navii-departments.csv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(','))
        .collect()
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
    let in_town = |row: &Row, p: usize, t: usize| {
        format!("{:0>2}", cell(row, p)) == pref && format!("{:0>3}", cell(row, t)) == town
    };
    // Without the code columns nothing is kept, and the file is refused below by name.
    let (fac, source) = Sheet::read(facilities, |h, row| {
        match (column(h, "都道府県コード"), column(h, "市区町村コード")) {
            (Some(p), Some(t)) => in_town(row, p, t),
            _ => false,
        }
    })?;
    // Hours only for the facilities kept: the 診療時間票 is the country's largest file.
    let ids: BTreeSet<&str> = match fac.opt("ID") {
        Some(c) => fac.rows.iter().map(|(_, row)| cell(row, c)).collect(),
        None => BTreeSet::new(),
    };
    let (hrs, _) = Sheet::read(hours, |h, row| {
        column(h, "ID").is_some_and(|c| ids.contains(cell(row, c)))
    })?;
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
        if !in_town(row, pref_c, town_c) {
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
            d.set("area", Value::Text(area), "(--area)");
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
        fac.all
    );
    read.used = crate::import::rows::used_columns(&read.drafts);
    Ok(read)
}

/// 「9:00」「09:00」「０９：００」 → minutes after midnight; anything else (a placeholder, a
/// typo) → `None`.
fn clock(s: &str) -> Option<u32> {
    let t = n::text(s).replace('：', ":");
    let (h, m) = t.split_once(':')?;
    let digits = |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || m.len() != 2 || !digits(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && h * 60 + m <= 24 * 60).then_some(h * 60 + m)
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
            // `time` is always `HH:MM-HH:MM` (made by `navii_hours`).
            let start: u32 = time.get(..2).and_then(|h| h.parse().ok()).unwrap_or(0);
            let end: u32 = time.get(6..8).and_then(|h| h.parse().ok()).unwrap_or(0);
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
            let (Some(start), Some(end)) = (clock(cell(row, *start_c)), clock(cell(row, *end_c)))
            else {
                continue;
            };
            if start >= end || start == 0 {
                continue;
            }
            let hhmm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
            let time = format!("{}-{}", hhmm(start), hhmm(end));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times_are_read_strictly() {
        assert_eq!(clock("09:00"), Some(540));
        assert_eq!(clock("9:30"), Some(570));
        assert_eq!(clock("０９：００"), Some(540));
        assert_eq!(clock("24:00"), Some(1440));
        for bad in ["ｱ:0", "", "9", "25:00", "09:60", "9:5", "24:30", "09:00:00"] {
            assert_eq!(clock(bad), None, "{bad:?}");
        }
    }
}
