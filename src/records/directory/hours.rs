//! 診療時間: the weekly table every Japanese clinic page shows.
//!
//! Rows are what staff write (`{label: 午前, time: "09:00-12:00", days: [mon, …], weeks: [1, 3]}`);
//! the table is the familiar grid of 月 火 水 木 金 土 日 祝 with ○ and − (and 「第1・3」 for
//! nth-week rows), each cell carrying a text alternative so a screen reader says 「診療」 or
//! 「休診」 rather than a symbol.

use std::borrow::Cow;

use serde::ser::{SerializeSeq, SerializeStruct};

use crate::content::fields::Fields;
use crate::yaml::Node;

/// One day of the table: its key as staff write it, and what a screen reader says for its
/// cell, open and closed (「月曜 診療」, 「祝日 休み」 for `hol`).
pub struct Day {
    pub key: &'static str,
    spoken: &'static str,
    open: &'static str,
    closed: &'static str,
}

const fn day(
    key: &'static str,
    spoken: &'static str,
    open: &'static str,
    closed: &'static str,
) -> Day {
    Day {
        key,
        spoken,
        open,
        closed,
    }
}

/// The days in table order.
pub const DAYS: [Day; 8] = [
    day("mon", "月曜", "月曜 診療", "月曜 休み"),
    day("tue", "火曜", "火曜 診療", "火曜 休み"),
    day("wed", "水曜", "水曜 診療", "水曜 休み"),
    day("thu", "木曜", "木曜 診療", "木曜 休み"),
    day("fri", "金曜", "金曜 診療", "金曜 休み"),
    day("sat", "土曜", "土曜 診療", "土曜 休み"),
    day("sun", "日曜", "日曜 診療", "日曜 休み"),
    day("hol", "祝日", "祝日 診療", "祝日 休み"),
];

/// One cell of the table, as templates see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cell {
    pub open: bool,
    /// What is printed: ○, − or 第1・3.
    pub mark: Cow<'static, str>,
    /// What a screen reader says.
    pub label: Cow<'static, str>,
}

/// One `hours` row. Templates also see `days` (the open days' keys, in table order) and
/// `cells` (eight [`Cell`]s), both made as the row is handed to them: kept in every record,
/// the keys as text and the cells' words were about 1.9 KB a partner, 200 MB at 100k records.
#[derive(Debug, Clone, PartialEq)]
pub struct HoursRow {
    pub label: String,
    /// Display form, 「9:00〜12:00」.
    pub time: String,
    /// Machine form for JSON-LD: (opens, closes) as HH:MM.
    pub opens: String,
    pub closes: String,
    /// The days it is open: bit `i` for [`DAYS`]`[i]`.
    pub days: u8,
    /// 第n週 restriction (`[1, 3]`), empty for every week.
    pub weeks: Vec<u8>,
}

impl HoursRow {
    /// Whether the row is open on the day whose key is `key` (`mon`, …, `hol`).
    pub fn opens_on(&self, key: &str) -> bool {
        DAYS.iter()
            .position(|d| d.key == key)
            .is_some_and(|i| self.open_at(i))
    }

    /// Whether the row is open on [`DAYS`]`[i]`.
    fn open_at(&self, i: usize) -> bool {
        self.days & (1 << i) != 0
    }

    /// The table's eight cells for this row.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        DAYS.iter().enumerate().map(|(i, day)| {
            let open = self.open_at(i);
            let (mark, label) = match (open, self.weeks.is_empty()) {
                (true, true) => (Cow::Borrowed("○"), Cow::Borrowed(day.open)),
                (true, false) => {
                    let weeks = weeks_label(&self.weeks);
                    let label = [day.spoken, " ", &weeks, "週のみ診療"].concat();
                    (Cow::Owned(weeks), Cow::Owned(label))
                }
                (false, _) => (Cow::Borrowed("−"), Cow::Borrowed(day.closed)),
            };
            Cell { open, mark, label }
        })
    }
}

impl serde::Serialize for HoursRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut row = serializer.serialize_struct("HoursRow", 7)?;
        row.serialize_field("label", &self.label)?;
        row.serialize_field("time", &self.time)?;
        row.serialize_field("opens", &self.opens)?;
        row.serialize_field("closes", &self.closes)?;
        let days: Vec<&str> = DAYS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.open_at(*i))
            .map(|(_, d)| d.key)
            .collect();
        row.serialize_field("days", &days)?;
        row.serialize_field("weeks", &self.weeks)?;
        row.serialize_field("cells", &Cells(self))?;
        row.end()
    }
}

struct Cells<'a>(&'a HoursRow);

impl serde::Serialize for Cells<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(DAYS.len()))?;
        for cell in self.0.cells() {
            seq.serialize_element(&cell)?;
        }
        seq.end()
    }
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
    let mut open_days = 0u8;
    for (i, (day, pos)) in days.iter().enumerate() {
        match DAYS.iter().position(|d| d.key == day) {
            Some(at) => open_days |= 1 << at,
            None => {
                let hint = crate::diagnostics::suggest(day, DAYS.iter().map(|d| d.key));
                report.error(
                    *pos,
                    &format!("{path}.days[{i}]"),
                    format!("曜日「{day}」は使えません{hint}"),
                    Some("mon tue wed thu fri sat sun hol のいずれか"),
                );
            }
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
    Some(HoursRow {
        label: label?,
        time: display_range(&opens, &closes),
        opens,
        closes,
        days: open_days,
        weeks,
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
        let marks: Vec<Cow<str>> = rows[0].cells().map(|c| c.mark).collect();
        assert_eq!(marks, ["○", "○", "○", "−", "○", "−", "−", "−"]);
        let saturday: Vec<Cell> = rows[1].cells().collect();
        assert_eq!(saturday[5].mark, "第1・3");
        assert_eq!(saturday[5].label, "土曜 第1・3週のみ診療");
        assert_eq!(saturday[7].label, "祝日 休み");
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
        let cells: Vec<Cell> = rows[0].cells().collect();
        let marks: Vec<&str> = cells.iter().map(|c| c.mark.as_ref()).collect();
        assert_eq!(marks, ["○", "−", "−", "−", "−", "○", "○", "○"]);
        assert_eq!(cells[7].label, "祝日 診療");
        assert!(rows[0].opens_on("hol") && !rows[0].opens_on("tue"));
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
