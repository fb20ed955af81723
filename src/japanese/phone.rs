//! Phone, FAX and postal numbers as staff type them, normalised once for every output.
//!
//! Input comes from Excel and old PCs: 全角 digits, a zoo of hyphen-like characters,
//! 「TEL:」 labels, 「0266(27)5500」. Those are normalised, not rejected (a FAX number must be
//! shown identically everywhere, so it is cleaned in one place). The hyphenation staff chose is
//! kept: it cannot be derived from the digits without the 市外局番 table.

/// A checked Japanese phone number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Phone {
    /// As displayed: ASCII digits and hyphens (`099-201-1100`).
    pub display: String,
    /// Digits only (`0992011100`), for search and `tel:` links.
    pub digits: String,
    /// RFC 3966 link target: `tel:+81-99-201-1100`.
    pub uri: String,
}

/// Why a number was refused, in Japanese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneError(pub String);

/// `０`–`９` and `0`–`9` as ASCII digits.
pub(crate) fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// The hyphens, dashes, long-vowel marks and parentheses staff put between digits.
pub(crate) fn is_hyphen_like(c: char) -> bool {
    matches!(
        c,
        '-' | '‐'
            | '‑'
            | '‒'
            | '–'
            | '—'
            | '―'
            | '−'
            | 'ー'
            | '－'
            | 'ｰ'
            | '('
            | ')'
            | '（'
            | '）'
    )
}

/// Normalises and checks a phone or FAX number.
pub fn parse_phone(input: &str) -> Result<Phone, PhoneError> {
    let mut text = input.trim();
    for label in [
        "TEL",
        "ＴＥＬ",
        "Tel",
        "tel",
        "FAX",
        "ＦＡＸ",
        "Fax",
        "fax",
        "電話",
        "℡",
    ] {
        if let Some(rest) = text.strip_prefix(label) {
            text = rest.trim_start_matches([':', '：', ' ', '　', '.']);
        }
    }
    let mut display = String::new();
    for c in text.chars() {
        if let Some(d) = ascii_digit(c) {
            display.push(d);
        } else if is_hyphen_like(c) {
            if !display.is_empty() && !display.ends_with('-') {
                display.push('-');
            }
        } else if c == ' ' || c == '　' {
            continue;
        } else {
            return Err(PhoneError(format!(
                "電話番号に使えない文字「{c}」があります(内線などは別の項目に書いてください)"
            )));
        }
    }
    let display = display.trim_end_matches('-').to_string();
    let digits: String = display.chars().filter(char::is_ascii_digit).collect();
    if !digits.starts_with('0') {
        return Err(PhoneError(
            "電話番号は 0 から始まる番号で書いてください".into(),
        ));
    }
    if !(10..=11).contains(&digits.len()) {
        return Err(PhoneError(format!(
            "電話番号の桁数が {} 桁です。市外局番から 10〜11 桁で書いてください",
            digits.len()
        )));
    }
    let uri = format!("tel:+81-{}", display.trim_start_matches('0'));
    Ok(Phone {
        display,
        digits,
        uri,
    })
}

/// Normalises a postal code to `123-4567`.
pub fn parse_postal(input: &str) -> Result<String, PhoneError> {
    let text = input.trim().trim_start_matches(['〒', ' ', '　']);
    let mut digits = String::new();
    for c in text.chars() {
        if let Some(d) = ascii_digit(c) {
            digits.push(d);
        } else if !is_hyphen_like(c) && c != ' ' {
            return Err(PhoneError(format!(
                "郵便番号に使えない文字「{c}」があります"
            )));
        }
    }
    if digits.len() != 7 {
        return Err(PhoneError(format!(
            "郵便番号は 7 桁です({} 桁書かれています)",
            digits.len()
        )));
    }
    Ok(format!("{}-{}", &digits[..3], &digits[3..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_staff_type() {
        let p = parse_phone("ＴＥＬ：０９９−２０１−１１００").unwrap();
        assert_eq!(p.display, "099-201-1100");
        assert_eq!(p.digits, "0992011100");
        assert_eq!(p.uri, "tel:+81-99-201-1100");
        assert_eq!(parse_phone("0266(27)5500").unwrap().display, "0266-27-5500");
        assert_eq!(parse_phone("0120123456").unwrap().display, "0120123456");
    }

    #[test]
    fn refuses_wrong_lengths_and_letters() {
        assert!(parse_phone("099-201-110").is_err());
        assert!(parse_phone("99-201-1100").is_err());
        assert!(parse_phone("099-201-1100 内線5105").is_err());
    }

    #[test]
    fn postal_codes() {
        assert_eq!(parse_postal("〒８９９−０１０１").unwrap(), "899-0101");
        assert_eq!(parse_postal("8990101").unwrap(), "899-0101");
        assert!(parse_postal("899-010").is_err());
    }
}
