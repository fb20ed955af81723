//! Whether the published output still says what is true today.
//!
//! Seminar statuses (受付中 → 受付終了 → 開催済み), 休診・代診 notices and closures are computed
//! on the build date. The theme's dates.js corrects them by the visitor's clock, but search
//! engines, printed pages and visitors without JavaScript see what the build saw, so `check`
//! says when the output was built before a day on which one of them changed.

use std::path::Path;

use chrono::{Duration, NaiveDate};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::japanese::format_date;
use crate::site::Site;
use crate::yaml::Pos;

use super::output;

/// Warns when the output at `out` was built before the first day after its build date on which
/// the site's date-dependent states changed, if that day is not after `today`.
pub fn check(site: &Site, out: &Path, today: NaiveDate, diags: &Diagnostics) {
    let Some(built) = output::built_on(out) else {
        return;
    };
    let mut changes = changes_after(site, built);
    changes.retain(|(day, _)| *day <= today);
    changes.sort();
    let Some((day, what)) = changes.first() else {
        return;
    };
    let more = match changes.len() - 1 {
        0 => String::new(),
        n => format!("(ほかに {n} 件)"),
    };
    let shown = out.join(output::MARKER);
    diags.push(Diagnostic::warning(
        &shown.display().to_string(),
        Pos::default(),
        None,
        format!(
            "{} の出力は {} に生成されたままです。その後 {} に{what}{more}。見る方の時計で表示は直りますが、検索エンジンや JavaScript を使わない方には古いままです。renkei build で作り直し、毎日の自動生成を設定してください(docs/publish.md)",
            out.display(),
            format_date(built),
            format_date(*day)
        ),
    ));
}

/// The days after `built` on which a page built that day differs from one built on `built`,
/// with what changed.
fn changes_after(site: &Site, built: NaiveDate) -> Vec<(NaiveDate, String)> {
    let next = |d: NaiveDate| d + Duration::days(1);
    let mut out = Vec::new();
    for s in site.seminars.iter().filter(|s| !s.cancelled) {
        let title = &s.title;
        if let Some(apply) = &s.apply {
            if let Some(opens) = apply.opens {
                out.push((opens, format!("研修会「{title}」の受付が始まりました")));
            }
            if let Some(deadline) = apply.deadline {
                out.push((
                    next(deadline),
                    format!("研修会「{title}」の受付が締め切られました"),
                ));
            }
        }
        out.push((
            next(s.ends_on),
            format!("研修会「{title}」が開催済みになりました"),
        ));
    }
    if let Some(outpatient) = &site.outpatient {
        for n in outpatient.notices.iter().chain(&outpatient.passed) {
            out.push((
                next(n.date),
                format!(
                    "{}の休診・代診のお知らせ({})が過ぎました",
                    n.department, n.text
                ),
            ));
        }
    }
    for c in &site.closures {
        out.push((next(c.to), format!("「{}」が過ぎました", c.label)));
    }
    out.retain(|(day, _)| *day > built);
    out
}
