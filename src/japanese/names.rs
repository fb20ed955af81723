//! Names of places as staff and spreadsheets write them, and when two name the same place.
//!
//! `renkei check` warns about two directory records with one name, and `renkei import` matches
//! a sheet's rows to existing files by name: both ask "is this the same name?", so both use
//! [`name_key`], and a spreadsheet's 「ｻｸﾗ内科　クリニック」 is the file's 「サクラ内科クリニック」
//! to each of them.

use unicode_normalization::UnicodeNormalization;

/// Half-width katakana (and its sound marks) to full width; full-width ASCII letters and
/// digits to ASCII; 全角 spaces to one space; runs of spaces collapsed. For names and readings.
pub fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut half_kana = String::new();
    let flush = |half: &mut String, out: &mut String| {
        if !half.is_empty() {
            out.extend(half.nfkc());
            half.clear();
        }
    };
    for c in s.chars() {
        match c {
            '\u{FF61}'..='\u{FF9F}' => half_kana.push(c),
            _ => {
                flush(&mut half_kana, &mut out);
                match c {
                    '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                        out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c))
                    }
                    '\u{3000}' | '\t' | '\n' | '\r' => out.push(' '),
                    '～' => out.push('〜'),
                    _ => out.push(c),
                }
            }
        }
    }
    flush(&mut half_kana, &mut out);
    out.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name compared without spaces or width differences
/// (「さくら内科 クリニック」 = 「さくら内科クリニック」 = 「さくら内科　クリニック」).
pub fn name_key(name: &str) -> String {
    tidy(name).chars().filter(|c| *c != ' ').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_spaces_do_not_make_another_name() {
        assert_eq!(tidy("ｻｸﾗ内科　　クリニック"), "サクラ内科 クリニック");
        assert_eq!(tidy("ＡＢＣ診療所１"), "ABC診療所1");
        assert_eq!(
            name_key("ｻｸﾗ内科　クリニック"),
            name_key("サクラ内科クリニック")
        );
        // Kanji variants and kana case are different names here: 髙橋医院 is not 高橋医院.
        assert_ne!(name_key("髙橋医院"), name_key("高橋医院"));
        assert_ne!(name_key("さくら内科"), name_key("サクラ内科"));
    }
}
