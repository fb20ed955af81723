//! Japanese conventions the site shows: 和暦, weekdays, 年度 and kana checks.
//!
//! Offices show 西暦 first with 和暦 beside it (「2026年(令和8年)12月1日(火)」), so both are
//! computed here from one era table rather than formatted ad hoc in templates.

pub mod holidays;
pub mod names;
pub mod phone;
pub mod textchars;

use chrono::{Datelike, NaiveDate, Weekday};

/// 元号: name and first day. 明治 to 令和 is all a liaison site ever needs.
const ERAS: &[(&str, i32, u32, u32)] = &[
    ("令和", 2019, 5, 1),
    ("平成", 1989, 1, 8),
    ("昭和", 1926, 12, 25),
    ("大正", 1912, 7, 30),
    ("明治", 1868, 10, 23),
];

/// 和暦 year of a date: 「令和8年」, with 元年 for an era's first year.
pub fn wareki_year(date: NaiveDate) -> String {
    for (name, y, m, d) in ERAS {
        let start = NaiveDate::from_ymd_opt(*y, *m, *d).unwrap_or(NaiveDate::MIN);
        if date >= start {
            let n = date.year() - y + 1;
            return if n == 1 {
                format!("{name}元年")
            } else {
                format!("{name}{n}年")
            };
        }
    }
    format!("{}年", date.year())
}

/// 和暦 name of a 年度 (April–March): 2025 → 「令和7年度」. The era is the one in force on
/// 1 April of that year, as offices write it (2019年度 is 「平成31年度」 though most of it was 令和).
pub fn wareki_fiscal_year(fy: i32) -> String {
    let april = NaiveDate::from_ymd_opt(fy, 4, 1).unwrap_or(NaiveDate::MIN);
    format!("{}度", wareki_year(april))
}

/// 年度 of a date: April to March belongs to the year in which April falls.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() < 4 {
        date.year() - 1
    } else {
        date.year()
    }
}

pub fn weekday_kanji(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "月",
        Weekday::Tue => "火",
        Weekday::Wed => "水",
        Weekday::Thu => "木",
        Weekday::Fri => "金",
        Weekday::Sat => "土",
        Weekday::Sun => "日",
    }
}

/// 「13,500」: an amount with thousands separators, as price lists print yen.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// 「2026年12月10日(木)」
pub fn format_date(date: NaiveDate) -> String {
    format!(
        "{}年{}月{}日({})",
        date.year(),
        date.month(),
        date.day(),
        weekday_kanji(date.weekday())
    )
}

/// 「2026年(令和8年)12月10日(木)」, the form officials expect on notices.
pub fn format_date_wareki(date: NaiveDate) -> String {
    format!(
        "{}年({}){}月{}日({})",
        date.year(),
        wareki_year(date),
        date.month(),
        date.day(),
        weekday_kanji(date.weekday())
    )
}

/// Parses 「令和8年12月1日」 (also 元年 and full-width digits) to `2026-12-01`, for the
/// "write it in 西暦" hint. `None` when the text is not a 和暦 date.
pub fn wareki_to_iso(text: &str) -> Option<String> {
    let text: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    let (name, y0) = ERAS
        .iter()
        .find_map(|(name, y, _, _)| text.strip_prefix(name).map(|_| (*name, *y)))?;
    let rest = text.strip_prefix(name)?;
    let (year, rest) = rest.split_once('年')?;
    let n: i32 = if year == "元" {
        1
    } else {
        year.trim().parse().ok()?
    };
    let (month, rest) = rest.split_once('月')?;
    let day = rest.trim_end_matches('日');
    let date = NaiveDate::from_ymd_opt(
        y0 + n - 1,
        month.trim().parse().ok()?,
        day.trim().parse().ok()?,
    )?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// True for characters a reading (yomi) may contain: kana, the long-vowel mark, spaces and the
/// ASCII letters and digits real directories use for branch numbers (「2ごうかん」).
pub fn is_reading_char(c: char) -> bool {
    matches!(c,
        'ぁ'..='ゖ' | 'ゝ' | 'ゞ' | 'ァ'..='ヺ' | 'ー' | 'ヽ' | 'ヾ' | '・' | ' ' | '　'
        | 'ｦ'..='ﾟ' | 'a'..='z' | 'A'..='Z' | '0'..='9' | '０'..='９' | '-' | '&' | '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yen_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(13500), "13,500");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn era_boundary_heisei_to_reiwa() {
        assert_eq!(wareki_year(d(2019, 4, 30)), "平成31年");
        assert_eq!(wareki_year(d(2019, 5, 1)), "令和元年");
        assert_eq!(wareki_year(d(2026, 12, 1)), "令和8年");
    }

    #[test]
    fn fiscal_year_boundary() {
        assert_eq!(fiscal_year(d(2026, 3, 31)), 2025);
        assert_eq!(fiscal_year(d(2026, 4, 1)), 2026);
        assert_eq!(wareki_fiscal_year(2025), "令和7年度");
        assert_eq!(wareki_fiscal_year(2019), "平成31年度");
    }

    #[test]
    fn formats_dates_the_japanese_way() {
        assert_eq!(format_date(d(2026, 12, 10)), "2026年12月10日(木)");
        assert_eq!(
            format_date_wareki(d(2025, 4, 1)),
            "2025年(令和7年)4月1日(火)"
        );
    }

    #[test]
    fn wareki_dates_convert_to_iso() {
        assert_eq!(
            wareki_to_iso("令和8年12月1日").as_deref(),
            Some("2026-12-01")
        );
        assert_eq!(
            wareki_to_iso("令和元年５月１日").as_deref(),
            Some("2019-05-01")
        );
        assert_eq!(wareki_to_iso("2026/12/01"), None);
    }
}
