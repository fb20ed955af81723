//! Cleaning one cell, by what the field is. Excel lists carry 全角 digits, half-width kana,
//! labels, the hyphen zoo and dates in four shapes; each field type gets only the repairs that
//! are safe for it. Names are *not* put through NFKC: it would turn ㈱ into (株) and ～ into ~.
//! Every repair that changes meaning-bearing text is returned as a note for the report.

use chrono::{Duration, NaiveDate};

use crate::japanese::phone;

/// A cleaned value, or why the cell cannot be used (Japanese, for the report).
pub type Cleaned<T> = Result<T, String>;

/// Names and readings: widths folded, spaces collapsed. The same cleaning `renkei check` uses
/// to tell that two records name one place.
pub use crate::japanese::names::tidy as text;

/// Free text (notes, addresses): like [`text`], and a hyphen-like character after a digit
/// becomes `-` (「5丁目1－2」「1ー2」 → 「1-2」), the way 番地 are written everywhere else.
pub fn free_text(s: &str) -> String {
    let t = text(s);
    let mut out = String::with_capacity(t.len());
    let mut after_digit = false;
    for c in t.chars() {
        let hyphen = matches!(c, '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' | '－');
        out.push(if hyphen && after_digit { '-' } else { c });
        after_digit = c.is_ascii_digit();
    }
    out
}

/// Excel drops the leading 0 of a number typed into a numeric cell (「0992111234」 → 992111234).
/// A Japanese number never starts with another digit, so the zero is put back — and said so.
fn restore_zero(digits_only: &str, expected: &[usize], notes: &mut Vec<String>) -> Option<String> {
    if !digits_only.starts_with('0') && expected.contains(&(digits_only.len() + 1)) {
        notes.push(format!(
            "先頭の 0 が Excel で消えていたため補いました(「{digits_only}」→「0{digits_only}」)"
        ));
        return Some(format!("0{digits_only}"));
    }
    None
}

pub fn phone(s: &str, notes: &mut Vec<String>) -> Cleaned<String> {
    let trimmed = s.trim();
    let plain: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let input = if plain.chars().all(|c| c.is_ascii_digit()) {
        restore_zero(&plain, &[10, 11], notes).unwrap_or(plain)
    } else {
        trimmed.to_string()
    };
    phone::parse_phone(&input)
        .map(|p| p.display)
        .map_err(|e| format!("「{trimmed}」: {}", e.0))
}

pub fn postal(s: &str, notes: &mut Vec<String>) -> Cleaned<String> {
    let trimmed = s.trim();
    let plain: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let input = if plain.len() == 6 && plain.chars().all(|c| c.is_ascii_digit()) {
        restore_zero(&plain, &[7], notes).unwrap_or(plain)
    } else {
        trimmed.to_string()
    };
    phone::parse_postal(&input).map_err(|e| format!("「{trimmed}」: {}", e.0))
}

/// A fixed-length code made of digits (事業所番号 10, 医療情報ネット ID 13).
pub fn code(s: &str, len: usize, notes: &mut Vec<String>) -> Cleaned<String> {
    let digits: String = text(s)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("「{s}」は数字だけの番号ではありません"));
    }
    if digits.len() == len {
        return Ok(digits);
    }
    if digits.len() + 1 == len && !digits.starts_with('0') {
        if let Some(fixed) = restore_zero(&digits, &[len], notes) {
            return Ok(fixed);
        }
    }
    Err(format!(
        "「{s}」は {len} 桁ではありません({} 桁)",
        digits.len()
    ))
}

/// ○/×, 有/無, 可/不可 … to a bool. `None` for an empty cell.
pub fn flag(s: &str) -> Cleaned<Option<bool>> {
    let t = text(s).to_lowercase();
    match t.as_str() {
        "" => Ok(None),
        "○" | "◯" | "〇" | "●" | "◎" | "有" | "あり" | "可" | "はい" | "yes" | "y" | "true"
        | "1" | "✓" | "✔" | "対応" | "対応可" | "受入可" | "受入れ可" | "受け入れ可" => {
            Ok(Some(true))
        }
        "×" | "✕" | "✖" | "無" | "なし" | "不可" | "いいえ" | "no" | "n" | "false" | "0" | "-"
        | "－" | "ー" | "停止中" | "受入停止" | "非対応" => Ok(Some(false)),
        _ => Err(format!(
            "「{s}」を ○ か × として読めません(○・有・可 / ×・無・不可 を使ってください)"
        )),
    }
}

/// A date as Excel lists hold it: ISO, 2026/4/1, 2026年4月1日, 令和8年4月1日, R8.4.1, or a date
/// serial number (what a date cell becomes in a CSV saved with the wrong format).
pub fn date(s: &str, notes: &mut Vec<String>) -> Cleaned<Option<String>> {
    let t = text(s);
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(iso) = crate::japanese::wareki_to_iso(&t) {
        return Ok(Some(iso));
    }
    let short_era = [('R', 2018), ('H', 1988), ('S', 1925)];
    if let Some((_, base)) = short_era
        .iter()
        .find(|(c, _)| t.starts_with(*c) || t.starts_with(c.to_ascii_lowercase()))
    {
        let parts: Vec<&str> = t[1..].split(['.', '/', '-']).collect();
        if let [y, m, d] = parts[..] {
            if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse(), d.parse()) {
                if let Some(date) = NaiveDate::from_ymd_opt(base + y, m, d) {
                    return Ok(Some(date.format("%Y-%m-%d").to_string()));
                }
            }
        }
    }
    let cleaned = t
        .replace(['年', '月', '/', '.'], "-")
        .trim_end_matches('日')
        .to_string();
    let parts: Vec<&str> = cleaned.split('-').collect();
    if let [y, m, d] = parts[..] {
        if let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse(), d.parse()) {
            return NaiveDate::from_ymd_opt(y, m, d)
                .map(|date| Some(date.format("%Y-%m-%d").to_string()))
                .ok_or_else(|| format!("「{s}」は存在しない日付です"));
        }
    }
    if let Ok(serial) = t.parse::<i64>() {
        // Excel's day 1 is 1900-01-01, counted from 1899-12-30 because of the 1900 leap-year bug.
        if (20_000..80_000).contains(&serial) {
            if let Some(date) = NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|d| d.checked_add_signed(Duration::days(serial)))
            {
                let iso = date.format("%Y-%m-%d").to_string();
                notes.push(format!("Excel の日付の数値「{serial}」を {iso} としました"));
                return Ok(Some(iso));
            }
        }
    }
    Err(format!(
        "「{s}」を日付として読めません(2026-04-01 や 2026/4/1 の形で書いてください)"
    ))
}

/// A whole number, with 床・名・人 units and 全角 digits allowed; 0 and empty are `None` when
/// `zero_is_blank` (the 介護 open data writes 0 for 「未記入」).
pub fn count(s: &str, zero_is_blank: bool) -> Cleaned<Option<i64>> {
    let t = text(s);
    let t = t
        .trim_end_matches(['床', '名', '人'])
        .trim()
        .replace(',', "");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(0) if zero_is_blank => Ok(None),
        Ok(n) if n >= 0 => Ok(Some(n)),
        _ => Err(format!("「{s}」は 0 以上の整数ではありません")),
    }
}

/// A latitude or longitude in degrees.
pub fn degrees(s: &str, range: std::ops::RangeInclusive<f64>) -> Cleaned<Option<f64>> {
    let t = text(s);
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if range.contains(&v) => Ok(Some(v)),
        _ => Err(format!("「{s}」は緯度・経度として読めません")),
    }
}

/// A list cell split into items: 「内科、循環器内科」「内科・外科」「内科/外科」. `・` splits only
/// when the whole item is not itself a known name (定期巡回・随時対応型訪問介護看護 is one).
pub fn list(s: &str, known: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for part in s.split(['、', ',', '，', '/', '／', '\n', ';', '；']) {
        let part = text(part);
        if part.is_empty() {
            continue;
        }
        if known.contains(&part) || !part.contains('・') {
            for word in part.split(' ').filter(|w| !w.is_empty()) {
                out.push(word.to_string());
            }
        } else {
            out.extend(
                part.split('・')
                    .map(str::trim)
                    .filter(|w| !w.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// A free-text list (専門・得意分野): split only at 、 , ; and line breaks — 「胃がん・大腸がん
/// 検診」 is one item.
pub fn free_list(s: &str) -> Vec<String> {
    s.split(['、', ',', '，', '\n', ';', '；'])
        .map(text)
        .filter(|w| !w.is_empty())
        .collect()
}

/// 標榜診療科 names that are no longer allowed (医療法施行令 2008 改正) or spelled the old way,
/// and what the site's list calls them now.
pub const LEGACY_DEPARTMENTS: [(&str, &str); 9] = [
    ("耳鼻咽喉科", "耳鼻いんこう科"),
    ("循環器科", "循環器内科"),
    ("呼吸器科", "呼吸器内科"),
    ("消化器科", "消化器内科"),
    ("胃腸科", "消化器内科"),
    ("神経内科", "脳神経内科"),
    ("こう門科", "肛門外科"),
    ("肛門科", "肛門外科"),
    ("気管食道科", "耳鼻いんこう科"),
];

/// Checks list items against the site's list, renaming legacy 診療科 with a note.
pub fn known_items(
    items: Vec<String>,
    known: &[String],
    what: &str,
    notes: &mut Vec<String>,
) -> Cleaned<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut unknown = Vec::new();
    for item in items {
        let item = if known.contains(&item) {
            item
        } else if let Some((_, new)) = LEGACY_DEPARTMENTS
            .iter()
            .find(|(old, new)| *old == item && known.iter().any(|k| k == new))
        {
            notes.push(format!("「{item}」は今の名前「{new}」にしました"));
            new.to_string()
        } else {
            unknown.push(item);
            continue;
        };
        if !out.contains(&item) {
            out.push(item);
        }
    }
    if unknown.is_empty() {
        return Ok(out);
    }
    let hints: Vec<String> = unknown
        .iter()
        .map(|u| {
            let hint = crate::diagnostics::suggest(u, known.iter().map(String::as_str));
            match hint.strip_prefix('。') {
                Some(hint) => format!("「{u}」({hint})"),
                None => format!("「{u}」"),
            }
        })
        .collect();
    Err(format!(
        "{} は site.yaml の {what} にありません(site.yaml に加えるか、一覧の名前で書いてください)",
        hints.join("、")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_full_width_kana_and_ascii_digits_but_keep_symbols() {
        assert_eq!(text("ｻｸﾗﾅｲｶ ｸﾘﾆｯｸ"), "サクラナイカ クリニック");
        assert_eq!(text("ｶﾞｰﾃﾞﾝ"), "ガーデン");
        assert_eq!(text("山田　太郎 "), "山田 太郎");
        assert_eq!(text("第２ＭＩＮＡＴＯ㈱"), "第2MINATO㈱");
        assert_eq!(text("9:00～12:00"), "9:00〜12:00");
        assert_eq!(free_text("本町５丁目１－２ ２ー３"), "本町5丁目1-2 2-3");
        assert_eq!(free_text("センター"), "センター");
    }

    #[test]
    fn phones_and_postal_codes_from_excel() {
        let mut notes = Vec::new();
        assert_eq!(
            phone("ＴＥＬ：０９９‐２１１ー１２３４", &mut notes).unwrap(),
            "099-211-1234"
        );
        assert_eq!(phone("099−211―1234", &mut notes).unwrap(), "099-211-1234");
        assert!(notes.is_empty());
        assert_eq!(phone("992111234", &mut notes).unwrap(), "0992111234");
        assert_eq!(notes.len(), 1);
        assert_eq!(postal("〒899－0102", &mut notes).unwrap(), "899-0102");
        assert_eq!(postal("600001", &mut notes).unwrap(), "060-0001");
        assert!(phone("03-12", &mut notes).is_err());
    }

    #[test]
    fn dates_in_every_shape_staff_type() {
        let mut notes = Vec::new();
        let mut d = |s: &str| date(s, &mut notes).unwrap();
        assert_eq!(d("2026/4/1").as_deref(), Some("2026-04-01"));
        assert_eq!(d("2026年4月1日").as_deref(), Some("2026-04-01"));
        assert_eq!(d("令和8年4月1日").as_deref(), Some("2026-04-01"));
        assert_eq!(d("R8.4.1").as_deref(), Some("2026-04-01"));
        assert_eq!(d("46113").as_deref(), Some("2026-04-01"));
        assert_eq!(d(""), None);
        assert!(date("2026/13/01", &mut notes).is_err());
        assert!(date("4月1日", &mut notes).is_err());
    }

    #[test]
    fn flags_and_lists() {
        assert_eq!(flag("○"), Ok(Some(true)));
        assert_eq!(flag("不可"), Ok(Some(false)));
        assert_eq!(flag(""), Ok(None));
        assert!(flag("△").is_err());
        let known: Vec<String> = ["内科", "外科", "定期巡回・随時対応型訪問介護看護"]
            .map(String::from)
            .to_vec();
        assert_eq!(list("内科・外科", &known), ["内科", "外科"]);
        assert_eq!(list("内科、 外科", &known), ["内科", "外科"]);
        assert_eq!(
            list("定期巡回・随時対応型訪問介護看護", &known),
            ["定期巡回・随時対応型訪問介護看護"]
        );
        let mut notes = Vec::new();
        let depts: Vec<String> = ["内科", "耳鼻いんこう科"].map(String::from).to_vec();
        assert_eq!(
            known_items(vec!["耳鼻咽喉科".into()], &depts, "departments", &mut notes).unwrap(),
            ["耳鼻いんこう科"]
        );
        assert_eq!(notes.len(), 1);
        assert!(
            known_items(vec!["内料".into()], &depts, "departments", &mut notes)
                .unwrap_err()
                .contains("もしかして「内科」")
        );
    }
}
