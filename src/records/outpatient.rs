//! 外来担当医表 (`data/outpatient.yaml`): who sees patients in each department, and 休診・代診.
//!
//! Notices are shown while their date is on or after the build date, so an old 休診 notice
//! disappears by itself on the next build.

use chrono::NaiveDate;

use crate::content::fields::{parse_date_node, Fields};
use crate::japanese;
use crate::records::meta::check_in_list;
use crate::records::meta::LoadCtx;
use crate::yaml::Value;

/// Weekday keys a schedule may use, in column order, with their 漢字.
pub const WEEKDAYS: [(&str, &str); 6] = [
    ("mon", "月"),
    ("tue", "火"),
    ("wed", "水"),
    ("thu", "木"),
    ("fri", "金"),
    ("sat", "土"),
];
const SESSIONS: [(&str, &str); 2] = [("am", "午前"), ("pm", "午後")];

#[derive(Debug, Clone, serde::Serialize)]
pub struct SessionRow {
    pub label: &'static str,
    /// One entry per weekday column: the doctors, empty when there is no clinic.
    pub cells: Vec<Vec<String>>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Department {
    pub name: String,
    pub reception: Option<String>,
    pub rows: Vec<SessionRow>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    pub date: NaiveDate,
    pub date_ja: String,
    pub department: String,
    pub text: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Outpatient {
    pub valid_from: Option<NaiveDate>,
    pub valid_from_ja: Option<String>,
    /// Weekday columns shown (土 only when some department sees patients on Saturday).
    pub columns: Vec<&'static str>,
    pub departments: Vec<Department>,
    /// Current and future notices, soonest first.
    pub notices: Vec<Notice>,
    /// Notices whose day is before the build date: never shown, kept so `check` can tell when
    /// a published build still lists them.
    #[serde(skip)]
    pub passed: Vec<Notice>,
}

pub fn read(f: &mut Fields, ctx: &LoadCtx) -> Outpatient {
    let valid_from = f.date("valid_from");
    let mut departments = Vec::new();
    for (path, node) in f.list("departments") {
        let Some(mut d) = Fields::new(node, &path, f.report()) else {
            continue;
        };
        let name = d.req_text("name");
        if let Some(n) = &name {
            let pos = d.key_pos("name");
            check_in_list(
                &d,
                &format!("{path}.name"),
                n,
                pos,
                &ctx.config.departments,
                "departments",
            );
        }
        let reception = d.text("reception");
        let mut cells = vec![vec![Vec::new(); WEEKDAYS.len()]; SESSIONS.len()];
        if let Some(slots) = d.node("slots") {
            match &slots.value {
                Value::Map(days) => {
                    for day in days {
                        let Some(col) = WEEKDAYS.iter().position(|(k, _)| *k == day.key) else {
                            let hint = crate::diagnostics::suggest(
                                &day.key,
                                WEEKDAYS.iter().map(|(k, _)| *k),
                            );
                            d.report().error(
                                day.key_pos,
                                &format!("{path}.slots.{}", day.key),
                                format!("曜日「{}」は使えません{hint}", day.key),
                                Some("mon tue wed thu fri sat"),
                            );
                            continue;
                        };
                        let Some(mut sessions) = Fields::new(
                            &day.value,
                            &format!("{path}.slots.{}", day.key),
                            d.report(),
                        ) else {
                            continue;
                        };
                        for (row, (key, _)) in SESSIONS.iter().enumerate() {
                            cells[row][col] = sessions
                                .text_list(key)
                                .into_iter()
                                .map(|(s, _)| s)
                                .collect();
                        }
                        sessions.finish();
                    }
                }
                _ => d.report().error(
                    slots.pos,
                    &format!("{path}.slots"),
                    "曜日ごとの組で書いてください",
                    Some("{mon: {am: [医師名], pm: [医師名]}}"),
                ),
            }
        }
        d.finish();
        if let Some(name) = name {
            let rows = SESSIONS
                .iter()
                .zip(cells)
                .map(|((_, label), cells)| SessionRow { label, cells })
                .collect();
            departments.push(Department {
                name,
                reception,
                rows,
            });
        }
    }
    let mut notices = Vec::new();
    let mut passed = Vec::new();
    for (path, node) in f.list("notices") {
        let Some(mut n) = Fields::new(node, &path, f.report()) else {
            continue;
        };
        let date = n
            .node("date")
            .and_then(|d| parse_date_node(d, &format!("{path}.date"), n.report()));
        n.require("date", "(休診・代診の日)", "2026-12-01");
        let department = n.req_text("department");
        if let Some(dep) = &department {
            let pos = n.key_pos("department");
            check_in_list(
                &n,
                &format!("{path}.department"),
                dep,
                pos,
                &ctx.config.departments,
                "departments",
            );
        }
        let text = n.req_text("text");
        n.finish();
        if let (Some(date), Some(department), Some(text)) = (date, department, text) {
            let notice = Notice {
                date,
                date_ja: japanese::format_date(date),
                department,
                text,
            };
            if date >= ctx.build_date {
                notices.push(notice);
            } else {
                passed.push(notice);
            }
        }
    }
    notices.sort_by(|a, b| a.date.cmp(&b.date).then(a.department.cmp(&b.department)));
    let saturday = departments
        .iter()
        .any(|d| d.rows.iter().any(|r| !r.cells[5].is_empty()));
    let columns: Vec<&'static str> = WEEKDAYS
        .iter()
        .take(if saturday { 6 } else { 5 })
        .map(|(_, j)| *j)
        .collect();
    for d in &mut departments {
        for r in &mut d.rows {
            r.cells.truncate(columns.len());
        }
    }
    Outpatient {
        valid_from,
        valid_from_ja: valid_from.map(japanese::format_date),
        columns,
        departments,
        notices,
        passed,
    }
}
