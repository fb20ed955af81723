//! 診療時間: the weekly table every Japanese clinic page shows.
//!
//! Rows are what staff write (`{label: 午前, time: "09:00-12:00", days: [mon, …], weeks: [1, 3]}`);
//! the table is the familiar grid of 月 火 水 木 金 土 日 祝 with ○ and − (and 「第1・3」 for
//! nth-week rows), each cell carrying a text alternative so a screen reader says 「診療」 or
//! 「休診」 rather than a symbol.

use crate::content::fields::Fields;
use crate::yaml::Node;

/// Day keys in table order, each with how a screen reader says it in a cell (「月曜」…, and
/// 「祝日」 for `hol`).
pub const DAYS: [(&str, &str); 8] = [
    ("mon", "月曜"),
    ("tue", "火曜"),
    ("wed", "水曜"),
    ("thu", "木曜"),
    ("fri", "金曜"),
    ("sat", "土曜"),
    ("sun", "日曜"),
    ("hol", "祝日"),
];

/// One cell of the table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cell {
    pub open: bool,
    /// What is printed: ○, − or 第1・3.
    pub mark: String,
    /// What a screen reader says.
    pub label: String,
}

/// One `hours` row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HoursRow {
    pub label: String,
    /// Display form, 「9:00〜12:00」.
    pub time: String,
    /// Machine form for JSON-LD: (opens, closes) as HH:MM.
    pub opens: String,
    pub closes: String,
    /// Day keys as written (`mon`, …).
    pub days: Vec<String>,
    /// 第n週 restriction (`[1, 3]`), empty for every week.
    pub weeks: Vec<u8>,
    pub cells: Vec<Cell>,
}

/// 「第1・3」 for weeks [1, 3].
pub fn weeks_label(weeks: &[u8]) -> String {
    let list: Vec<String> = weeks.iter().map(u8::to_string).collect();
    format!("第{}", list.join("・"))
}

/// Parses "09:00-12:00" (also with 〜 / ～ / full-width digits) into normalised HH:MM pairs.
pub fn parse_time_range(text: &str) -> Option<(String, String)> {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '〜' | '～' | '~' | '－' | '−' | '–' | '—' => '-',
            '：' => ':',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let (a, b) = cleaned.split_once('-')?;
    Some((parse_clock(a)?, parse_clock(b)?))
}

fn parse_clock(text: &str) -> Option<String> {
    let (h, m) = text.split_once(':')?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    // 24:00 is how offices write "until midnight".
    (h <= 24 && m < 60 && (h < 24 || m == 0)).then(|| format!("{h:02}:{m:02}"))
}

/// 「9:00〜12:00」: hours without the leading zero, as printed on clinic signs.
fn display_range(opens: &str, closes: &str) -> String {
    let trim = |s: &str| s.strip_prefix('0').unwrap_or(s).to_string();
    format!("{}〜{}", trim(opens), trim(closes))
}

/// Reads the `hours` list.
pub fn read_hours(f: &mut Fields) -> Vec<HoursRow> {
    let mut rows = Vec::new();
    for (path, node) in f.list("hours") {
        if let Some(row) = read_row(&path, node, f) {
            rows.push(row);
        }
    }
    rows
}

fn read_row(path: &str, node: &Node, parent: &Fields) -> Option<HoursRow> {
    let report = parent.report();
    let mut f = Fields::new(node, path, report)?;
    let label = f.req_text("label");
    let time = f.req_text("time");
    let time_pos = f.key_pos("time");
    let days = f.text_list("days");
    let days_pos = f.key_pos("days");
    let weeks_node = f.list("weeks");
    f.finish();

    let range = time.as_deref().and_then(|t| {
        let r = parse_time_range(t);
        if r.is_none() {
            report.error(
                time_pos,
                &format!("{path}.time"),
                format!("時間「{t}」が読めません"),
                Some("\"09:00-12:00\""),
            );
        }
        r
    });
    if days.is_empty() {
        report.error(
            days_pos,
            &format!("{path}.days"),
            "曜日を 1 つ以上書いてください",
            Some("[mon, tue, wed, thu, fri, sat, sun, hol]"),
        );
    }
    let mut day_keys = Vec::new();
    for (i, (day, pos)) in days.iter().enumerate() {
        if DAYS.iter().any(|(k, _)| k == day) {
            day_keys.push(day.clone());
        } else {
            let hint = crate::diagnostics::suggest(day, DAYS.iter().map(|(k, _)| *k));
            report.error(
                *pos,
                &format!("{path}.days[{i}]"),
                format!("曜日「{day}」は使えません{hint}"),
                Some("mon tue wed thu fri sat sun hol のいずれか"),
            );
        }
    }
    let mut weeks = Vec::new();
    for (wpath, w) in weeks_node {
        match w.value {
            crate::yaml::Value::Int(n @ 1..=5) => weeks.push(n as u8),
            _ => report.error(
                w.pos,
                &wpath,
                "第何週かを 1〜5 の数で書いてください",
                Some("[1, 3]"),
            ),
        }
    }
    let (opens, closes) = range?;
    // Eight cells a row for every record: joined from fixed words, not formatted.
    let cells = DAYS
        .iter()
        .map(|&(key, day)| {
            let open = day_keys.iter().any(|d| d == key);
            let (mark, label) = match (open, weeks.is_empty()) {
                (true, true) => ("○".to_string(), [day, " 診療"].concat()),
                (true, false) => {
                    let weeks = weeks_label(&weeks);
                    let label = [day, " ", &weeks, "週のみ診療"].concat();
                    (weeks, label)
                }
                (false, _) => ("−".to_string(), [day, " 休み"].concat()),
            };
            Cell { open, mark, label }
        })
        .collect();
    Some(HoursRow {
        label: label?,
        time: display_range(&opens, &closes),
        opens,
        closes,
        days: day_keys,
        weeks,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::report::FileReport;
    use crate::yaml;

    #[test]
    fn time_ranges_in_the_forms_staff_type() {
        assert_eq!(
            parse_time_range("09:00-12:00"),
            Some(("09:00".into(), "12:00".into()))
        );
        assert_eq!(
            parse_time_range("9:00〜12:30"),
            Some(("09:00".into(), "12:30".into()))
        );
        assert_eq!(
            parse_time_range("１４：００～１８：００"),
            Some(("14:00".into(), "18:00".into()))
        );
        assert_eq!(parse_time_range("25:00-26:00"), None);
        assert_eq!(parse_time_range("午前"), None);
    }

    #[test]
    fn table_cells_with_nth_week_row() {
        let text = "hours:\n  - {label: 午前, time: \"09:00-12:00\", days: [mon, tue, wed, fri]}\n  - {label: 土曜午前, time: \"09:00-12:00\", days: [sat], weeks: [1, 3]}\n";
        let node = yaml::parse(text, 1).unwrap();
        let report = FileReport::new("x.md");
        let mut f = Fields::new(&node, "", &report).unwrap();
        let rows = read_hours(&mut f);
        f.finish();
        assert!(!report.has_errors());
        assert_eq!(rows[0].time, "9:00〜12:00");
        let marks: Vec<&str> = rows[0].cells.iter().map(|c| c.mark.as_str()).collect();
        assert_eq!(marks, ["○", "○", "○", "−", "○", "−", "−", "−"]);
        assert_eq!(rows[1].cells[5].mark, "第1・3");
        assert_eq!(rows[1].cells[5].label, "土曜 第1・3週のみ診療");
        assert_eq!(rows[1].cells[7].label, "祝日 休み");
    }

    #[test]
    fn holiday_column_follows_hol() {
        let node = yaml::parse(
            "hours:\n  - {label: 営業, time: \"9:00〜18:00\", days: [mon, sat, sun, hol]}\n",
            1,
        )
        .unwrap();
        let report = FileReport::new("x.md");
        let mut f = Fields::new(&node, "", &report).unwrap();
        let rows = read_hours(&mut f);
        f.finish();
        let marks: Vec<&str> = rows[0].cells.iter().map(|c| c.mark.as_str()).collect();
        assert_eq!(marks, ["○", "−", "−", "−", "−", "○", "○", "○"]);
        assert_eq!(rows[0].cells[7].label, "祝日 診療");
    }

    #[test]
    fn unknown_weekday_is_an_error_with_suggestion() {
        let node = yaml::parse(
            "hours:\n  - {label: 午前, time: \"09:00-12:00\", days: [mon, thr]}\n",
            1,
        )
        .unwrap();
        let report = FileReport::new("x.md");
        let mut f = Fields::new(&node, "", &report).unwrap();
        read_hours(&mut f);
        f.finish();
        let errs: Vec<String> = report.into_messages();
        assert!(
            errs[0].contains("hours[0].days[1]") && errs[0].contains("thu"),
            "{errs:?}"
        );
    }
}
