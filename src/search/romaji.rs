//! Queries typed with the IME off: 「asahimachi」, 「chuo byoin」, 「sato ichiro」.
//!
//! A visitor on a borrowed PC, or one who never switched the keyboard to Japanese, types the
//! reading in Latin letters. [`to_kana`] reads Hepburn (shi, tsu, chi, fu, ji), 訓令式 (si, tu,
//! ti, hu, zi, syo) and IME spellings (nn, n', xtu, doubled consonants for っ) alike, and
//! [`collapse`] lets a long vowel be written or left out (chuo, chuuou, chuou, chuoh all meet
//! at ちゆお), because passports, signs and people disagree on it.
//!
//! The browser half is `themes/default/static/assets/words.mjs`; `tests/search/words.tsv` runs
//! the same cases through both. The build uses [`collapse`] to index every reading a second
//! time in its collapsed form, so a query needs no long-vowel guesses.

use super::normalize::normalize;

/// Latin syllables and their kana, longest spellings first in each group so the reader can
/// take the longest match. Small kana stay small here; [`normalize`] folds them afterwards.
const SYLLABLES: &[(&str, &str)] = &[
    ("kya", "きゃ"),
    ("kyu", "きゅ"),
    ("kyo", "きょ"),
    ("sha", "しゃ"),
    ("shu", "しゅ"),
    ("sho", "しょ"),
    ("she", "しぇ"),
    ("shi", "し"),
    ("sya", "しゃ"),
    ("syu", "しゅ"),
    ("syo", "しょ"),
    ("cha", "ちゃ"),
    ("chu", "ちゅ"),
    ("cho", "ちょ"),
    ("che", "ちぇ"),
    ("chi", "ち"),
    ("cya", "ちゃ"),
    ("cyu", "ちゅ"),
    ("cyo", "ちょ"),
    ("tya", "ちゃ"),
    ("tyu", "ちゅ"),
    ("tyo", "ちょ"),
    ("tsu", "つ"),
    ("thi", "てぃ"),
    ("dhi", "でぃ"),
    ("nya", "にゃ"),
    ("nyu", "にゅ"),
    ("nyo", "にょ"),
    ("hya", "ひゃ"),
    ("hyu", "ひゅ"),
    ("hyo", "ひょ"),
    ("mya", "みゃ"),
    ("myu", "みゅ"),
    ("myo", "みょ"),
    ("rya", "りゃ"),
    ("ryu", "りゅ"),
    ("ryo", "りょ"),
    ("gya", "ぎゃ"),
    ("gyu", "ぎゅ"),
    ("gyo", "ぎょ"),
    ("zya", "じゃ"),
    ("zyu", "じゅ"),
    ("zyo", "じょ"),
    ("jya", "じゃ"),
    ("jyu", "じゅ"),
    ("jyo", "じょ"),
    ("dya", "ぢゃ"),
    ("dyu", "ぢゅ"),
    ("dyo", "ぢょ"),
    ("bya", "びゃ"),
    ("byu", "びゅ"),
    ("byo", "びょ"),
    ("pya", "ぴゃ"),
    ("pyu", "ぴゅ"),
    ("pyo", "ぴょ"),
    ("xtu", "っ"),
    ("ltu", "っ"),
    ("ka", "か"),
    ("ki", "き"),
    ("ku", "く"),
    ("ke", "け"),
    ("ko", "こ"),
    ("sa", "さ"),
    ("si", "し"),
    ("su", "す"),
    ("se", "せ"),
    ("so", "そ"),
    ("ta", "た"),
    ("ti", "ち"),
    ("tu", "つ"),
    ("te", "て"),
    ("to", "と"),
    ("na", "な"),
    ("ni", "に"),
    ("nu", "ぬ"),
    ("ne", "ね"),
    ("no", "の"),
    ("ha", "は"),
    ("hi", "ひ"),
    ("hu", "ふ"),
    ("fu", "ふ"),
    ("he", "へ"),
    ("ho", "ほ"),
    ("fa", "ふぁ"),
    ("fi", "ふぃ"),
    ("fe", "ふぇ"),
    ("fo", "ふぉ"),
    ("ma", "ま"),
    ("mi", "み"),
    ("mu", "む"),
    ("me", "め"),
    ("mo", "も"),
    ("ya", "や"),
    ("yu", "ゆ"),
    ("yo", "よ"),
    ("ra", "ら"),
    ("ri", "り"),
    ("ru", "る"),
    ("re", "れ"),
    ("ro", "ろ"),
    ("wa", "わ"),
    ("wo", "を"),
    ("ga", "が"),
    ("gi", "ぎ"),
    ("gu", "ぐ"),
    ("ge", "げ"),
    ("go", "ご"),
    ("za", "ざ"),
    ("zi", "じ"),
    ("zu", "ず"),
    ("ze", "ぜ"),
    ("zo", "ぞ"),
    ("ja", "じゃ"),
    ("ji", "じ"),
    ("ju", "じゅ"),
    ("je", "じぇ"),
    ("jo", "じょ"),
    ("da", "だ"),
    ("di", "ぢ"),
    ("du", "づ"),
    ("de", "で"),
    ("do", "ど"),
    ("ba", "ば"),
    ("bi", "び"),
    ("bu", "ぶ"),
    ("be", "べ"),
    ("bo", "ぼ"),
    ("pa", "ぱ"),
    ("pi", "ぴ"),
    ("pu", "ぷ"),
    ("pe", "ぺ"),
    ("po", "ぽ"),
    ("va", "ゔぁ"),
    ("vi", "ゔぃ"),
    ("vu", "ゔ"),
    ("a", "あ"),
    ("i", "い"),
    ("u", "う"),
    ("e", "え"),
    ("o", "お"),
];

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'i' | b'u' | b'e' | b'o')
}

/// The reading of a run typed in Latin letters, normalised like indexed text, or `None` when
/// the run is not romaji (「mri」, 「ct」): those stay as typed.
pub fn to_kana(run: &str) -> Option<String> {
    let s = run.as_bytes();
    if s.len() < 2
        || !s
            .iter()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b'\'' | b'-'))
    {
        return None;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next = s.get(i + 1).copied();
        match c {
            b'-' => {
                out.push('ー');
                i += 1;
                continue;
            }
            b'\'' => {
                i += 1;
                continue;
            }
            // ん: nn, n' and n before a consonant or at the end; m before b, m, p (Hepburn).
            // Before a vowel, nn is ん plus a な-row syllable, as IMEs read 「konnichiha」.
            b'n' if next == Some(b'n') => {
                out.push('ん');
                let then = s.get(i + 2).copied();
                i += if then.is_some_and(|n| is_vowel(n) || n == b'y') {
                    1
                } else {
                    2
                };
                continue;
            }
            b'n' if next.is_none_or(|n| !is_vowel(n) && n != b'y') => {
                out.push('ん');
                i += 1;
                continue;
            }
            b'm' if matches!(next, Some(b'b' | b'm' | b'p')) => {
                out.push('ん');
                i += 1;
                continue;
            }
            // A doubled consonant is っ (tch as in matcha too).
            _ if !is_vowel(c) && (next == Some(c) || (c == b't' && next == Some(b'c'))) => {
                out.push('っ');
                i += 1;
                continue;
            }
            // oh before a consonant or at the end: a long o (Ohno, Satoh).
            b'h' if i > 0 && s[i - 1] == b'o' && next.is_none_or(|n| !is_vowel(n) && n != b'y') => {
                out.push('う');
                i += 1;
                continue;
            }
            _ => {}
        }
        let rest = &run[i..];
        let (latin, kana) = SYLLABLES.iter().find(|(l, _)| rest.starts_with(l))?;
        out.push_str(kana);
        i += latin.len();
    }
    Some(normalize(&out))
}

/// The vowel a (normalised) kana ends in, for [`collapse`].
fn vowel(c: char) -> Option<char> {
    const ROWS: [(char, &str); 5] = [
        ('a', "あかさたなはまやらわがざだばぱ"),
        ('i', "いきしちにひみりぎじぢびぴ"),
        ('u', "うくすつぬふむゆるぐずづぶぷゔ"),
        ('e', "えけせてねへめれげぜでべぺ"),
        ('o', "おこそとのほもよろをごぞどぼぽ"),
    ];
    ROWS.iter()
        .find(|(_, row)| row.contains(c))
        .map(|(v, _)| *v)
}

/// A reading with its long vowels left out: ー dropped, う or お after an o-sound and う after
/// a u-sound. Applied to readings at build time and to romaji queries, so 「chuo」, 「chuuou」
/// and ちゅうおう all become ちゆお. Text that is not kana passes through.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last: Option<char> = None;
    for c in text.chars() {
        if c == 'ー' {
            continue;
        }
        let long = match last.and_then(vowel) {
            Some('o') => c == 'う' || c == 'お',
            Some('u') => c == 'う',
            _ => false,
        };
        if !long {
            out.push(c);
            last = Some(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_romaji_stays_as_typed() {
        assert_eq!(to_kana("mri"), None);
        assert_eq!(to_kana("ct"), None);
        assert_eq!(to_kana("a"), None);
        assert_eq!(to_kana("内科"), None);
    }

    /// The shared cases (`romaji` and `collapse` lines), also run through words.mjs.
    #[test]
    fn shared_cases() {
        let mut failures = Vec::new();
        for (kind, cols) in super::super::words_cases() {
            let got = match kind.as_str() {
                "romaji" => to_kana(&cols[0]).unwrap_or_else(|| "-".into()),
                "collapse" => collapse(&normalize(&cols[0])),
                _ => continue,
            };
            if got != cols[1] {
                failures.push(format!(
                    "{kind} {:?} → {got:?}, expected {:?}",
                    cols[0], cols[1]
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
