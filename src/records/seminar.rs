//! 研修会・講演会: what they are, and their status on the build date.
//!
//! Status is computed, never written by staff, so a page cannot go on saying 受付中 after the
//! deadline: 中止 if cancelled; 開催済み after the end; 受付前 before `apply.opens`; 受付中
//! until `apply.deadline` (inclusive); 受付終了 after it. Seminars are filed by 年度
//! (April–March), the year offices, 医師会 credits and archives all use.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};

use crate::content::fields::Fields;
use crate::japanese;
use crate::records::meta::{check_static, read_file_links, read_url, FileLink, LoadCtx, Meta};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeminarKind {
    Training,
    OpenConference,
    PublicLecture,
    Meeting,
}

impl SeminarKind {
    pub const ALL: [SeminarKind; 4] = [
        SeminarKind::Training,
        SeminarKind::OpenConference,
        SeminarKind::PublicLecture,
        SeminarKind::Meeting,
    ];

    pub fn key(self) -> &'static str {
        match self {
            SeminarKind::Training => "training",
            SeminarKind::OpenConference => "open_conference",
            SeminarKind::PublicLecture => "public_lecture",
            SeminarKind::Meeting => "meeting",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SeminarKind::Training => "研修会",
            SeminarKind::OpenConference => "オープンカンファレンス",
            SeminarKind::PublicLecture => "市民公開講座",
            SeminarKind::Meeting => "連携懇話会・協議会",
        }
    }
}

/// How a seminar's `audience` value reads on its page: `public` is for everyone, any other
/// audience is professional.
pub fn audience_label(audience: &str) -> &'static str {
    if audience == "public" {
        "一般の方"
    } else {
        "医療・介護職"
    }
}

/// Status on the build date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Cancelled,
    Finished,
    NotYetOpen,
    Open,
    Closed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Cancelled => "中止",
            Status::Finished => "開催済み",
            Status::NotYetOpen => "受付前",
            Status::Open => "受付中",
            Status::Closed => "受付終了",
        }
    }

    /// The ways to apply are shown while applying is possible or about to be.
    pub fn shows_apply_methods(self) -> bool {
        matches!(self, Status::Open | Status::NotYetOpen)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Venue {
    pub name: String,
    pub address: Option<String>,
    pub online: bool,
    pub url: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Apply {
    pub opens: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub deadline_ja: Option<String>,
    pub opens_ja: Option<String>,
    /// `web`, `fax`, `tel`
    pub methods: Vec<String>,
    pub url: Option<String>,
    pub form: Option<FileLink>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Speaker {
    pub name: String,
    pub title: Option<String>,
    pub affiliation: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Credits {
    pub jma: Option<f64>,
    /// カリキュラムコード with their names from the table in force.
    pub cc: Vec<crate::records::curriculum::Code>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Seminar {
    #[serde(flatten)]
    pub meta: Meta,
    pub title: String,
    pub kind: SeminarKind,
    pub kind_label: &'static str,
    pub audience: Vec<String>,
    pub audience_labels: Vec<&'static str>,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    /// The day `end` falls on, where it was written: the day after it the seminar is 開催済み
    /// (the theme's dates.js applies the same rule by the visitor's clock).
    pub ends_on: NaiveDate,
    /// 「2026年12月10日(木) 18:30〜20:00」
    pub when: String,
    pub date_ja: String,
    pub fiscal_year: i32,
    pub venue: Venue,
    pub capacity: Option<i64>,
    pub apply: Option<Apply>,
    pub fee: Option<String>,
    pub credits: Option<Credits>,
    pub speakers: Vec<Speaker>,
    pub cancelled: bool,
    pub materials: Vec<FileLink>,
    pub status: Status,
    pub status_label: &'static str,
    /// Templates ask these instead of comparing `status` with strings.
    pub shows_apply_methods: bool,
    pub not_yet_open: bool,
    /// 開催済み or 中止: no later day changes the status, so the page carries no dates for
    /// dates.js and no 「…時点」, and a daily build leaves it as it is.
    pub settled: bool,
}

/// Status of a seminar on the build date, which `reached` compares with a day (is it that
/// day or later?). Every comparison goes through it, so the reader learns the days on which
/// the status would be another ([`crate::content::report::FileReport::reached`]).
pub fn status(
    cancelled: bool,
    end: NaiveDate,
    opens: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
    reached: impl Fn(NaiveDate) -> bool,
) -> Status {
    let after = |day: NaiveDate| day.succ_opt().is_some_and(&reached);
    if cancelled {
        Status::Cancelled
    } else if after(end) {
        Status::Finished
    } else if opens.is_some_and(|o| !reached(o)) {
        Status::NotYetOpen
    } else if deadline.is_some_and(after) {
        Status::Closed
    } else {
        Status::Open
    }
}

/// 「2026年12月10日(木) 18:30〜20:00」; a multi-day event names both dates.
pub fn format_when(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    let clock = |t: &DateTime<FixedOffset>| format!("{}:{:02}", t.hour(), t.minute());
    if start.date_naive() == end.date_naive() {
        format!(
            "{} {}〜{}",
            japanese::format_date(start.date_naive()),
            clock(start),
            clock(end)
        )
    } else {
        format!(
            "{} {}〜{} {}",
            japanese::format_date(start.date_naive()),
            clock(start),
            japanese::format_date(end.date_naive()),
            clock(end)
        )
    }
}

fn read_apply(f: &mut Fields, ctx: &LoadCtx, start: Option<NaiveDate>) -> Option<Apply> {
    let mut a = f.nested("apply")?;
    let opens = a.date("opens");
    let deadline = a.date("deadline");
    let mut methods = Vec::new();
    for (i, (m, pos)) in a.text_list("method").into_iter().enumerate() {
        if ["web", "fax", "tel"].contains(&m.as_str()) {
            methods.push(m);
        } else {
            a.report().error(
                pos,
                &format!("apply.method[{i}]"),
                format!("申込方法「{m}」は使えません"),
                Some("web / fax / tel"),
            );
        }
    }
    let url = read_url(&mut a, "url");
    let form = a.text("form").and_then(|file| {
        let pos = a.key_pos("form");
        check_static(&a, ctx, "apply.form", &file, pos)
            .then(|| crate::records::meta::static_link(ctx, &file, "申込書".into()))
    });
    if let (Some(d), Some(s)) = (deadline, start) {
        if d > s {
            a.report().error(
                a.key_pos("deadline"),
                "apply.deadline",
                format!("締切 {d} が開催日 {s} より後になっています"),
                Some("開催日以前の日付"),
            );
        }
    }
    if deadline.is_none() && start.is_some_and(|s| !a.report().passed(ctx.build_date, s)) {
        // Without a deadline the page says 受付中 up to the day itself, and late applicants
        // arrive to a full room.
        a.report().warn(
            f.key_pos("apply"),
            "apply.deadline",
            "申込の締切がありません。締切日を deadline: 2026-12-03 のように書いてください(締切がなければ開催日まで「受付中」と表示されます)",
        );
    }
    if let (Some(o), Some(d)) = (opens, deadline) {
        if o > d {
            a.report().error(
                a.key_pos("opens"),
                "apply.opens",
                "受付開始が締切より後になっています",
                Some("締切以前の日付"),
            );
        }
    }
    a.finish();
    Some(Apply {
        opens,
        deadline,
        deadline_ja: deadline.map(japanese::format_date),
        opens_ja: opens.map(japanese::format_date),
        methods,
        url,
        form,
    })
}

fn read_credits(f: &mut Fields, ctx: &LoadCtx) -> Option<Credits> {
    let mut c = f.nested("credits")?;
    let jma = c.number("jma");
    if let Some(j) = jma {
        if j <= 0.0 || (j * 2.0).fract() != 0.0 {
            c.report().error(
                c.key_pos("jma"),
                "credits.jma",
                format!("単位 {j} は 0.5 単位刻みではありません"),
                Some("0.5, 1, 1.5 …"),
            );
        }
    }
    let mut cc = Vec::new();
    for (path, node) in c.list("cc") {
        let code = match node.value {
            crate::yaml::Value::Int(n) => ctx.curriculum.lookup(n),
            _ => None,
        };
        match code {
            Some(code) => cc.push(code),
            None => c.report().error(
                node.pos,
                &path,
                format!(
                    "カリキュラムコード「{}」は{}の表にありません",
                    node.scalar_text().unwrap_or_default(),
                    ctx.curriculum.source
                ),
                Some(&format!(
                    "表にある番号 ({}; 表は {} で差し替えられます)",
                    ctx.curriculum.span(),
                    crate::records::curriculum::SITE_FILE
                )),
            ),
        }
    }
    c.finish();
    Some(Credits { jma, cc })
}

/// Reads a `seminars/` record.
pub fn read_seminar(f: &mut Fields, ctx: &LoadCtx, meta: Meta) -> Option<Seminar> {
    let title = f.req_text("title");
    let kinds = SeminarKind::ALL.map(|k| (k.key(), k));
    let kind = f.choice(
        "kind",
        &kinds,
        "training / open_conference / public_lecture / meeting",
    );
    let mut audience = Vec::new();
    for (i, (a, pos)) in f.text_list("audience").into_iter().enumerate() {
        if ["professional", "public"].contains(&a.as_str()) {
            audience.push(a);
        } else {
            f.report().error(
                pos,
                &format!("audience[{i}]"),
                format!("対象「{a}」は使えません"),
                Some("professional / public"),
            );
        }
    }
    let start = f.datetime("start");
    let end = f.datetime("end");
    f.require("start", "", "2026-12-10T18:30:00+09:00");
    f.require("end", "", "2026-12-10T20:00:00+09:00");
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            f.report().error(
                f.key_pos("end"),
                "end",
                "終了が開始より前(または同時)になっています",
                Some("start より後の日時"),
            );
        }
    }
    let venue = f.nested("venue").and_then(|mut v| {
        let name = v.req_text("name");
        let address = v.text("address");
        let online = v.bool("online").unwrap_or(false);
        let url = read_url(&mut v, "url");
        v.finish();
        Some(Venue {
            name: name?,
            address,
            online,
            url,
        })
    });
    f.require("venue", "", "{name: 会場名}");
    let capacity = f.int("capacity");
    let apply = read_apply(f, ctx, start.map(|s| s.date_naive()));
    let fee = f.text("fee");
    let credits = read_credits(f, ctx);
    let mut speakers = Vec::new();
    for (path, node) in f.list("speakers") {
        if let Some(mut s) = Fields::new(node, &path, f.report()) {
            let name = s.req_text("name");
            let title = s.text("title");
            let affiliation = s.text("affiliation");
            s.finish();
            if let Some(name) = name {
                speakers.push(Speaker {
                    name,
                    title,
                    affiliation,
                });
            }
        }
    }
    let cancelled = f.bool("cancelled").unwrap_or(false);
    let materials = read_file_links(f, ctx, "materials");

    let (start, end, kind) = (start?, end?, kind?);
    let st = status(
        cancelled,
        end.date_naive(),
        apply.as_ref().and_then(|a| a.opens),
        apply.as_ref().and_then(|a| a.deadline),
        |day| f.report().reached(ctx.build_date, day),
    );
    Some(Seminar {
        meta,
        title: title?,
        kind,
        kind_label: kind.label(),
        audience_labels: audience.iter().map(|a| audience_label(a)).collect(),
        audience,
        when: format_when(&start, &end),
        date_ja: japanese::format_date(start.date_naive()),
        fiscal_year: japanese::fiscal_year(start.date_naive()),
        ends_on: end.date_naive(),
        start,
        end,
        venue: venue?,
        capacity,
        apply,
        fee,
        credits,
        speakers,
        cancelled,
        materials,
        status: st,
        status_label: st.label(),
        shows_apply_methods: st.shows_apply_methods(),
        not_yet_open: st == Status::NotYetOpen,
        settled: matches!(st, Status::Finished | Status::Cancelled),
    })
}

/// Ways to browse seminars: by 年度 (`/seminars/2025/`, newest first), by kind and by audience.
pub fn facets(
    config: &crate::config::SiteConfig,
    seminars: &[Seminar],
) -> Vec<crate::records::directory::browse::Facet> {
    use crate::records::directory::browse::facet_from;
    let mut years: Vec<i32> = seminars.iter().map(|s| s.fiscal_year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let by = |pred: &dyn Fn(&Seminar) -> bool| -> Vec<usize> {
        seminars
            .iter()
            .enumerate()
            .filter(|(_, s)| pred(s))
            .map(|(i, _)| i)
            .collect()
    };
    let fy = years
        .iter()
        .map(|y| {
            let label = format!("{y}年度({})", japanese::wareki_fiscal_year(*y));
            (
                label,
                format!("seminars/{y}/"),
                by(&|s| s.fiscal_year == *y),
            )
        })
        .collect();
    let kinds = SeminarKind::ALL
        .iter()
        .map(|k| {
            (
                k.label().to_string(),
                format!("seminars/kind/{}/", k.key()),
                by(&|s| s.kind == *k),
            )
        })
        .collect();
    let audiences = [
        ("professional", "医療・介護職の方向け"),
        ("public", "一般の方向け"),
    ]
    .iter()
    .map(|(key, label)| {
        (
            label.to_string(),
            format!("seminars/audience/{key}/"),
            by(&|s| s.audience.iter().any(|a| a == key)),
        )
    })
    .collect();
    vec![
        facet_from(config, "year", "年度別の一覧(アーカイブ)", fy),
        facet_from(config, "kind", "種類から探す", kinds),
        facet_from(config, "audience", "対象から探す", audiences),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The build date `today` as [`status`] asks about it.
    fn on(today: &str) -> impl Fn(NaiveDate) -> bool {
        let today = d(today);
        move |day| today >= day
    }

    #[test]
    fn status_walks_through_every_state() {
        let (opens, deadline, end) = (
            Some(d("2026-11-01")),
            Some(d("2026-12-03")),
            d("2026-12-10"),
        );
        assert_eq!(
            status(false, end, opens, deadline, on("2026-10-31")),
            Status::NotYetOpen
        );
        assert_eq!(
            status(false, end, opens, deadline, on("2026-11-01")),
            Status::Open
        );
        assert_eq!(
            status(false, end, opens, deadline, on("2026-12-03")),
            Status::Open
        );
        assert_eq!(
            status(false, end, opens, deadline, on("2026-12-04")),
            Status::Closed
        );
        assert_eq!(
            status(false, end, opens, deadline, on("2026-12-10")),
            Status::Closed
        );
        assert_eq!(
            status(false, end, opens, deadline, on("2026-12-11")),
            Status::Finished
        );
        assert_eq!(
            status(true, end, opens, deadline, on("2026-11-15")),
            Status::Cancelled
        );
    }

    #[test]
    fn when_is_written_the_japanese_way() {
        let s = DateTime::parse_from_rfc3339("2026-12-10T18:30:00+09:00").unwrap();
        let e = DateTime::parse_from_rfc3339("2026-12-10T20:00:00+09:00").unwrap();
        assert_eq!(format_when(&s, &e), "2026年12月10日(木) 18:30〜20:00");
    }
}
