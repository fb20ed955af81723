//! 国民の祝日, computed from the Holiday Act (国民の祝日に関する法律) so no network or yearly file
//! is needed: fixed-date days, the Happy Monday days, the equinoxes by the astronomical formula
//! used for 1980–2099, 振替休日 and 国民の休日, and the 2020/2021 Olympic moves.
//!
//! Years 2020–2030 are checked in the tests against the Cabinet Office list's known cases;
//! later years follow the same rules (the law can change; a site's `data/closures.yaml` covers
//! anything the rules do not).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A holiday and its name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: &'static str,
}

fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, day)
}

/// The `n`th Monday of a month (Happy Monday days).
fn nth_monday(y: i32, m: u32, n: u32) -> Option<NaiveDate> {
    let first = d(y, m, 1)?;
    let offset = (7 + Weekday::Mon.num_days_from_monday() as i64
        - first.weekday().num_days_from_monday() as i64)
        % 7;
    first.checked_add_signed(Duration::days(offset + 7 * (n as i64 - 1)))
}

fn equinox(y: i32, base: f64) -> u32 {
    let t = (y - 1980) as f64;
    (base + 0.242194 * t - (t / 4.0).floor()).floor() as u32
}

/// The holidays of the law itself, before substitutes.
fn statutory(y: i32) -> Vec<Holiday> {
    let mut days: Vec<(Option<NaiveDate>, &'static str)> = vec![
        (d(y, 1, 1), "元日"),
        (nth_monday(y, 1, 2), "成人の日"),
        (d(y, 2, 11), "建国記念の日"),
        (d(y, 3, equinox(y, 20.8431)), "春分の日"),
        (d(y, 4, 29), "昭和の日"),
        (d(y, 5, 3), "憲法記念日"),
        (d(y, 5, 4), "みどりの日"),
        (d(y, 5, 5), "こどもの日"),
        (nth_monday(y, 9, 3), "敬老の日"),
        (d(y, 9, equinox(y, 23.2488)), "秋分の日"),
        (d(y, 11, 3), "文化の日"),
        (d(y, 11, 23), "勤労感謝の日"),
    ];
    if y >= 2020 {
        days.push((d(y, 2, 23), "天皇誕生日"));
    }
    // 海の日, 山の日 and スポーツの日 moved for the Tokyo Olympics in 2020 and 2021.
    let (marine, mountain, sports) = match y {
        2020 => (d(y, 7, 23), d(y, 8, 10), d(y, 7, 24)),
        2021 => (d(y, 7, 22), d(y, 8, 8), d(y, 7, 23)),
        _ => (nth_monday(y, 7, 3), d(y, 8, 11), nth_monday(y, 10, 2)),
    };
    days.push((marine, "海の日"));
    days.push((mountain, "山の日"));
    days.push((
        sports,
        if y >= 2020 {
            "スポーツの日"
        } else {
            "体育の日"
        },
    ));
    let mut out: Vec<Holiday> = days
        .into_iter()
        .filter_map(|(date, name)| date.map(|date| Holiday { date, name }))
        .collect();
    out.sort_by_key(|h| h.date);
    out
}

/// Every 国民の祝日・休日 of year `y`, in date order.
pub fn holidays(y: i32) -> Vec<Holiday> {
    let base = statutory(y);
    let is_base = |date: NaiveDate| base.iter().any(|h| h.date == date);
    let mut out = base.clone();
    // 振替休日: a holiday on Sunday moves to the next day that is not a holiday.
    for h in &base {
        if h.date.weekday() == Weekday::Sun {
            let mut next = h.date + Duration::days(1);
            while is_base(next) {
                next += Duration::days(1);
            }
            out.push(Holiday {
                date: next,
                name: "振替休日",
            });
        }
    }
    // 国民の休日: a weekday squeezed between two holidays.
    for pair in base.windows(2) {
        let between = pair[0].date + Duration::days(1);
        if pair[1].date - pair[0].date == Duration::days(2)
            && between.weekday() != Weekday::Sun
            && !out.iter().any(|h| h.date == between)
        {
            out.push(Holiday {
                date: between,
                name: "国民の休日",
            });
        }
    }
    out.sort_by_key(|h| h.date);
    out
}

/// The holiday on `date`, if any.
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    holidays(date.year()).into_iter().find(|h| h.date == date)
}

/// Holidays from `from` (inclusive) for `days` days.
pub fn upcoming(from: NaiveDate, days: i64) -> Vec<Holiday> {
    let to = from + Duration::days(days);
    (from.year()..=to.year())
        .flat_map(holidays)
        .filter(|h| h.date >= from && h.date <= to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(y: i32, m: u32, day: u32) -> Option<&'static str> {
        holiday_on(NaiveDate::from_ymd_opt(y, m, day).unwrap()).map(|h| h.name)
    }

    #[test]
    fn substitute_and_citizens_holidays() {
        assert_eq!(
            name(2026, 5, 6),
            Some("振替休日"),
            "5/3 is a Sunday in 2026"
        );
        assert_eq!(
            name(2026, 9, 22),
            Some("国民の休日"),
            "between 敬老の日 9/21 and 秋分の日 9/23"
        );
        assert_eq!(name(2026, 9, 21), Some("敬老の日"));
        assert_eq!(name(2026, 9, 23), Some("秋分の日"));
        assert_eq!(name(2025, 2, 24), Some("振替休日"), "天皇誕生日 on Sunday");
        assert_eq!(name(2024, 5, 6), Some("振替休日"));
        assert_eq!(name(2026, 5, 7), None);
    }

    #[test]
    fn olympic_moves_and_happy_mondays() {
        assert_eq!(name(2020, 7, 24), Some("スポーツの日"));
        assert_eq!(name(2021, 8, 8), Some("山の日"));
        assert_eq!(name(2021, 8, 9), Some("振替休日"));
        assert_eq!(name(2026, 1, 12), Some("成人の日"));
        assert_eq!(name(2026, 7, 20), Some("海の日"));
        assert_eq!(name(2026, 10, 12), Some("スポーツの日"));
    }

    #[test]
    fn equinoxes_2020_to_2030() {
        // Published 春分・秋分 dates.
        let spring = [20, 20, 21, 21, 20, 20, 20, 21, 20, 20, 20];
        let autumn = [22, 23, 23, 23, 22, 23, 23, 23, 22, 23, 23];
        for (i, y) in (2020..=2030).enumerate() {
            assert_eq!(name(y, 3, spring[i]), Some("春分の日"), "{y}");
            assert_eq!(name(y, 9, autumn[i]), Some("秋分の日"), "{y}");
        }
    }

    #[test]
    fn counts_per_year() {
        // Cabinet Office lists: 2026 has 18 days (16 statutory + 振替休日 + 国民の休日).
        assert_eq!(holidays(2026).len(), 18);
        assert_eq!(holidays(2025).len(), 19);
        assert_eq!(holidays(2023).len(), 17);
    }
}
