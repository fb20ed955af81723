//! 休診日 beyond national holidays (`data/closures.yaml`): 年末年始, 創立記念日, 臨時休診.

use chrono::{Duration, NaiveDate};

use crate::content::fields::{parse_date_node, Fields};
use crate::content::report::FileReport;
use crate::japanese;
use crate::yaml::{Node, Value};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Closure {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub label: String,
    /// 「2026年12月29日(火)〜2027年1月3日(日)」
    pub text: String,
}

/// Reads the list; overlapping ranges are an error (one of them is surely a typo).
pub fn read(node: &Node, report: &FileReport) -> Vec<Closure> {
    let Value::Seq(items) = &node.value else {
        report.error(
            node.pos,
            "",
            "休診日のリストで書いてください",
            Some("- {date: 2026-12-29, to: 2027-01-03, label: 年末年始休診}"),
        );
        return Vec::new();
    };
    let mut out: Vec<(Closure, crate::yaml::Pos)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("[{i}]");
        let Some(mut f) = Fields::new(item, &path, report) else {
            continue;
        };
        let from = f
            .node("date")
            .and_then(|n| parse_date_node(n, &format!("{path}.date"), report));
        if f.node("date").is_none() {
            report.error(
                item.pos,
                &format!("{path}.date"),
                "必須の項目がありません",
                Some("2026-12-29"),
            );
        }
        let to = f
            .node("to")
            .and_then(|n| parse_date_node(n, &format!("{path}.to"), report));
        let label = f.req_text("label");
        let pos = f.key_pos("date");
        f.finish();
        let (Some(from), Some(label)) = (from, label) else {
            continue;
        };
        let to = to.unwrap_or(from);
        if to < from {
            report.error(
                pos,
                &format!("{path}.to"),
                "終わりの日が始まりの日より前です",
                Some("date 以降の日付"),
            );
            continue;
        }
        let text = if to == from {
            japanese::format_date(from)
        } else {
            format!(
                "{}〜{}",
                japanese::format_date(from),
                japanese::format_date(to)
            )
        };
        out.push((
            Closure {
                from,
                to,
                label,
                text,
            },
            pos,
        ));
    }
    out.sort_by_key(|(c, _)| (c.from, c.to));
    for pair in out.windows(2) {
        if pair[1].0.from <= pair[0].0.to {
            report.error(
                pair[1].1,
                "date",
                format!(
                    "「{}」と「{}」の期間が重なっています",
                    pair[0].0.label, pair[1].0.label
                ),
                Some("重ならない期間"),
            );
        }
    }
    out.into_iter().map(|(c, _)| c).collect()
}

/// A closure as a list on a page shows it. The list carries a month more than the build
/// date shows, hidden, so the theme's dates.js can show on any of the next days what a build
/// on that day would list: a holiday enters the list `horizon_days` before it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub closure: Closure,
    /// The first day a build lists it (holidays only: the site's own closures are always listed
    /// until they end).
    pub listed_from: Option<NaiveDate>,
    /// Listed on the build date itself.
    pub shown: bool,
}

/// How far past the build's horizon a list looks, and how many more entries it may carry.
const LOOKAHEAD_DAYS: i64 = 31;
const LOOKAHEAD_ENTRIES: usize = 8;

/// The next days the hospital is closed from `today`: the site's closures and 国民の祝日 within
/// `horizon_days`, soonest first, at most `limit` shown; holidays inside a closure period are
/// not repeated. Entries a build in the next month would list follow, not shown.
pub fn listed(
    closures: &[Closure],
    today: NaiveDate,
    horizon_days: i64,
    limit: usize,
) -> Vec<Listed> {
    let mut out: Vec<Listed> = closures
        .iter()
        .filter(|c| c.to >= today)
        .map(|c| Listed {
            closure: c.clone(),
            listed_from: None,
            shown: false,
        })
        .collect();
    for h in crate::japanese::holidays::upcoming(today, horizon_days + LOOKAHEAD_DAYS) {
        if !closures.iter().any(|c| c.from <= h.date && h.date <= c.to) {
            out.push(Listed {
                closure: Closure {
                    from: h.date,
                    to: h.date,
                    label: format!("{}(祝日休診)", h.name),
                    text: japanese::format_date(h.date),
                },
                listed_from: Some(h.date - Duration::days(horizon_days)),
                shown: false,
            });
        }
    }
    out.sort_by_key(|l| (l.closure.from, l.closure.to));
    out.truncate(limit + LOOKAHEAD_ENTRIES);
    let mut shown = 0;
    for l in &mut out {
        l.shown = shown < limit && l.listed_from.is_none_or(|from| from <= today);
        shown += usize::from(l.shown);
    }
    out
}
