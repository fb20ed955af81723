//! iCalendar (RFC 5545) files for seminars: 「カレンダーに追加」 per seminar and one feed of all.
//!
//! Times are local Asia/Tokyo with a VTIMEZONE (JST has no daylight saving, so one STANDARD
//! block is exact). UIDs are derived from the slug and the site's host, so an event keeps its
//! identity across builds and calendar apps update it instead of duplicating it. DTSTAMP is the
//! build date (not the clock, which keeps builds byte-identical), or the seminar's start once
//! it has passed, so a daily build leaves the calendars of held seminars as they are.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::formats::contentline::{escape, fold};
use crate::records::seminar::Seminar;
use crate::site::Site;

const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Tokyo",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0900",
    "TZOFFSETTO:+0900",
    "TZNAME:JST",
    "END:STANDARD",
    "END:VTIMEZONE",
];

fn local(t: &DateTime<FixedOffset>) -> String {
    let jst = FixedOffset::east_opt(9 * 3600).unwrap_or(*t.offset());
    t.with_timezone(&jst).format("%Y%m%dT%H%M%S").to_string()
}

/// The host of the site's base URL, for UIDs (`seminar-x@www.example.jp`).
fn host(site: &Site) -> String {
    let abs = site.config.urls.absolute("");
    abs.split("//")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("renkei.invalid")
        .to_string()
}

fn event(s: &Seminar, site: &Site, stamp: NaiveDate, out: &mut String) {
    let url = site.config.urls.absolute(
        s.meta
            .url
            .strip_prefix(site.config.urls.prefix())
            .unwrap_or(&s.meta.url),
    );
    let mut description = vec![format!(
        "{}({})",
        s.kind_label,
        s.audience_labels.join("・")
    )];
    if let Some(fee) = &s.fee {
        description.push(format!("参加費: {fee}"));
    }
    if let Some(c) = &s.credits {
        if let Some(j) = c.jma {
            description.push(format!("日医生涯教育制度 {j}単位"));
        }
        if !c.cc.is_empty() {
            let codes: Vec<String> =
                c.cc.iter()
                    .map(|c| format!("{} {}", c.code, c.name))
                    .collect();
            description.push(format!("カリキュラムコード: {}", codes.join("、")));
        }
    }
    if let Some(a) = &s.apply {
        if let Some(d) = &a.deadline_ja {
            description.push(format!("申込締切: {d}"));
        }
    }
    description.push(format!(
        "問い合わせ: {} TEL {}",
        site.config.title, site.config.liaison.tel.display
    ));
    description.push(url.clone());
    let mut location = s.venue.name.clone();
    if let Some(addr) = &s.venue.address {
        location.push_str(&format!(" ({addr})"));
    }
    if s.venue.online {
        location.push_str(" / オンライン");
    }
    let lines = [
        "BEGIN:VEVENT".to_string(),
        format!("UID:seminar-{}@{}", s.meta.slug, host(site)),
        format!("DTSTAMP:{}T000000Z", stamp.format("%Y%m%d")),
        format!("DTSTART;TZID=Asia/Tokyo:{}", local(&s.start)),
        format!("DTEND;TZID=Asia/Tokyo:{}", local(&s.end)),
        format!("SUMMARY:{}", escape(&s.title)),
        format!("LOCATION:{}", escape(&location)),
        format!("DESCRIPTION:{}", escape(&description.join("\n"))),
        format!("URL:{url}"),
        format!(
            "STATUS:{}",
            if s.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ),
        "END:VEVENT".to_string(),
    ];
    for l in lines {
        out.push_str(&fold(&l));
    }
}

fn calendar(site: &Site, name: &str, seminars: &[&Seminar]) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//renkei//seminars//JA".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", escape(name)),
        "X-WR-TIMEZONE:Asia/Tokyo".to_string(),
    ] {
        out.push_str(&fold(&l));
    }
    for l in VTIMEZONE {
        out.push_str(&fold(l));
    }
    for s in seminars {
        // The build date until the seminar starts, then its start: a held seminar's calendar
        // entry stays byte for byte the same, so a daily build does not rewrite every .ics.
        let stamp = site.build_date.min(s.start.date_naive());
        event(s, site, stamp, &mut out);
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

/// `seminar.ics` of one seminar.
pub fn seminar(site: &Site, s: &Seminar) -> String {
    calendar(site, &s.title, &[s])
}

/// `/seminars/seminars.ics`: every seminar, for subscribing.
pub fn feed(site: &Site) -> String {
    let all: Vec<&Seminar> = site.seminars.iter().collect();
    calendar(site, &format!("{} 研修会・講演会", site.config.title), &all)
}
