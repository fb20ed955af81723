//! File names (slugs) for imported records, romanised from the reading:
//! 「さくら内科クリニック」 + 「さくらないかくりにっく」 → `sakura-naika-kurinikku`.
//!
//! The reading alone has no word breaks, so they are found by lining the reading up with the
//! written name: kana in the name appear as-is in the reading, and the kanji between them take
//! the reading in between (さくら | 内科=ないか | クリニック). Common facility words (病院, 内科,
//! 薬局 …) at the end of a kanji run split it once more. When the two cannot be lined up (a
//! Latin-letter name, a reading that does not match), the whole reading is romanised as one word.
//! Romanisation is Hepburn without macrons, the way Japanese URLs are usually written.

/// 法人格 prefixes left out of slugs (they would make every URL start the same way).
const CORPORATE: [(&str, &str); 11] = [
    ("医療法人社団", "いりょうほうじんしゃだん"),
    ("医療法人財団", "いりょうほうじんざいだん"),
    ("医療法人", "いりょうほうじん"),
    ("社会福祉法人", "しゃかいふくしほうじん"),
    ("社会医療法人", "しゃかいいりょうほうじん"),
    ("一般社団法人", "いっぱんしゃだんほうじん"),
    ("公益社団法人", "こうえきしゃだんほうじん"),
    ("特定非営利活動法人", "とくていひえいりかつどうほうじん"),
    ("株式会社", "かぶしきがいしゃ"),
    ("有限会社", "ゆうげんがいしゃ"),
    ("合同会社", "ごうどうがいしゃ"),
];

/// Facility words that end a kanji run, with their readings.
const SUFFIXES: [(&str, &str); 16] = [
    ("病院", "びょういん"),
    ("医院", "いいん"),
    ("診療所", "しんりょうじょ"),
    ("内科", "ないか"),
    ("外科", "げか"),
    ("歯科", "しか"),
    ("眼科", "がんか"),
    ("皮膚科", "ひふか"),
    ("小児科", "しょうにか"),
    ("婦人科", "ふじんか"),
    ("薬局", "やっきょく"),
    ("訪問看護", "ほうもんかんご"),
    ("訪問介護", "ほうもんかいご"),
    ("介護", "かいご"),
    ("事業所", "じぎょうしょ"),
    ("センター", "せんたー"),
];

/// The slug for a record named `name` read as `yomi`; empty if nothing romanisable is left.
pub fn from_reading(name: &str, yomi: &str) -> String {
    let (names, readings) = strip_corporate(name, yomi);
    // Words staff separated with a space (a person's family and given name, 「みなと 中央病院」)
    // are lined up pair by pair when the reading has as many.
    let pairs: Vec<(String, String)> = if names.len() == readings.len() {
        names.into_iter().zip(readings).collect()
    } else {
        vec![(names.concat(), readings.concat())]
    };
    let words: Vec<String> = pairs
        .iter()
        .flat_map(|(name, reading)| align(name, reading).unwrap_or_else(|| vec![reading.clone()]))
        .collect();
    let mut slug = String::new();
    for word in words {
        let roman = romanise(&word);
        if roman.is_empty() {
            continue;
        }
        if slug.len() + roman.len() > 48 && !slug.is_empty() {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&roman);
    }
    slug
}

/// The facility's own name without the 法人 that runs it: 「医療法人社団さくら会 さくら内科」
/// → 「さくら内科」 (and the same words off the reading, when it has as many words). Open data
/// writes 正式名称 this way; staff's lists and the site use the facility name.
pub fn without_corporation(name: &str, yomi: &str) -> (String, String) {
    let names: Vec<&str> = name.split([' ', '　']).filter(|w| !w.is_empty()).collect();
    let readings: Vec<&str> = yomi.split([' ', '　']).filter(|w| !w.is_empty()).collect();
    let corporate = names
        .first()
        .is_some_and(|first| CORPORATE.iter().any(|(k, _)| first.starts_with(k)));
    if !corporate || names.len() < 2 {
        return (name.to_string(), yomi.to_string());
    }
    let yomi = if readings.len() == names.len() {
        readings[1..].join(" ")
    } else {
        yomi.to_string()
    };
    (names[1..].join(" "), yomi)
}

/// The words of name and reading without a leading 法人格 (and the 法人名 after it).
fn strip_corporate(name: &str, yomi: &str) -> (Vec<String>, Vec<String>) {
    let mut names: Vec<&str> = name.split([' ', '　']).filter(|w| !w.is_empty()).collect();
    let readings: Vec<String> = yomi
        .split([' ', '　'])
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(to_hiragana).collect())
        .collect();
    let mut readings: Vec<&str> = readings.iter().map(String::as_str).collect();
    let owned = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let Some((kanji, kana)) = CORPORATE.iter().find(|(k, r)| {
        names.first().is_some_and(|n| n.starts_with(k))
            && readings.first().is_some_and(|y| y.starts_with(r))
    }) else {
        return (owned(&names), owned(&readings));
    };
    names[0] = &names[0][kanji.len()..];
    readings[0] = &readings[0][kana.len()..];
    if names[0].is_empty() && readings[0].is_empty() {
        names.remove(0);
        readings.remove(0);
    }
    // 「医療法人社団 さくら会 さくら内科」: when the facility name follows, the 法人名 goes too.
    if names.len() > 1 && names.len() == readings.len() {
        names.remove(0);
        readings.remove(0);
    }
    (owned(&names), owned(&readings))
}

#[derive(PartialEq, Clone, Copy)]
enum Script {
    Kanji,
    Hiragana,
    Katakana,
    Latin,
    Other,
}

fn script(c: char) -> Script {
    match c {
        // 々 and the small ヶ of 「霞ヶ関」 are read as part of the kanji around them.
        '々' | 'ヶ' => Script::Kanji,
        'ぁ'..='ゖ' => Script::Hiragana,
        'ァ'..='ヺ' | 'ー' => Script::Katakana,
        '一'..='鿿' | '㐀'..='䶿' => Script::Kanji,
        'a'..='z' | 'A'..='Z' | '0'..='9' => Script::Latin,
        _ => Script::Other,
    }
}

/// Splits `reading` into the words of `name`; `None` when they do not line up.
fn align(name: &str, reading: &str) -> Option<Vec<String>> {
    let mut runs: Vec<(Script, String)> = Vec::new();
    for c in name.chars() {
        let s = script(c);
        match runs.last_mut() {
            Some((last, text)) if *last == s => text.push(c),
            _ => runs.push((s, c.to_string())),
        }
    }
    runs.retain(|(s, _)| *s != Script::Other);
    let mut words = Vec::new();
    let mut rest = reading;
    let mut i = 0;
    while i < runs.len() {
        let (s, text) = &runs[i];
        match s {
            Script::Hiragana | Script::Katakana => {
                let kana: String = text.chars().map(to_hiragana).collect();
                rest = rest.strip_prefix(&kana)?;
                words.push(kana);
            }
            Script::Latin => return None,
            _ => {
                // The kanji take the reading up to where the next kana run appears.
                let take = match runs.get(i + 1) {
                    Some((Script::Hiragana | Script::Katakana, next)) => {
                        let next: String = next.chars().map(to_hiragana).collect();
                        let start = rest.char_indices().nth(1)?.0;
                        start + rest[start..].find(&next)?
                    }
                    Some(_) => return None,
                    None => rest.len(),
                };
                if take == 0 {
                    return None;
                }
                words.extend(split_suffix(text, &rest[..take]));
                rest = &rest[take..];
            }
        }
        i += 1;
    }
    rest.is_empty().then_some(words)
}

/// 「中央病院」/「ちゅうおうびょういん」 → ちゅうおう, びょういん.
fn split_suffix(kanji: &str, reading: &str) -> Vec<String> {
    for (word, kana) in SUFFIXES {
        if let (Some(head), Some(head_reading)) =
            (kanji.strip_suffix(word), reading.strip_suffix(kana))
        {
            if !head.is_empty() && !head_reading.is_empty() {
                let mut out = split_suffix(head, head_reading);
                out.push(kana.to_string());
                return out;
            }
        }
    }
    vec![reading.to_string()]
}

fn to_hiragana(c: char) -> char {
    match c {
        'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

fn romaji(c: char) -> Option<&'static str> {
    const TABLE: &[(char, &str)] = &[
        ('あ', "a"),
        ('い', "i"),
        ('う', "u"),
        ('え', "e"),
        ('お', "o"),
        ('か', "ka"),
        ('き', "ki"),
        ('く', "ku"),
        ('け', "ke"),
        ('こ', "ko"),
        ('さ', "sa"),
        ('し', "shi"),
        ('す', "su"),
        ('せ', "se"),
        ('そ', "so"),
        ('た', "ta"),
        ('ち', "chi"),
        ('つ', "tsu"),
        ('て', "te"),
        ('と', "to"),
        ('な', "na"),
        ('に', "ni"),
        ('ぬ', "nu"),
        ('ね', "ne"),
        ('の', "no"),
        ('は', "ha"),
        ('ひ', "hi"),
        ('ふ', "fu"),
        ('へ', "he"),
        ('ほ', "ho"),
        ('ま', "ma"),
        ('み', "mi"),
        ('む', "mu"),
        ('め', "me"),
        ('も', "mo"),
        ('や', "ya"),
        ('ゆ', "yu"),
        ('よ', "yo"),
        ('ら', "ra"),
        ('り', "ri"),
        ('る', "ru"),
        ('れ', "re"),
        ('ろ', "ro"),
        ('わ', "wa"),
        ('ゐ', "i"),
        ('ゑ', "e"),
        ('を', "o"),
        ('ん', "n"),
        ('が', "ga"),
        ('ぎ', "gi"),
        ('ぐ', "gu"),
        ('げ', "ge"),
        ('ご', "go"),
        ('ざ', "za"),
        ('じ', "ji"),
        ('ず', "zu"),
        ('ぜ', "ze"),
        ('ぞ', "zo"),
        ('だ', "da"),
        ('ぢ', "ji"),
        ('づ', "zu"),
        ('で', "de"),
        ('ど', "do"),
        ('ば', "ba"),
        ('び', "bi"),
        ('ぶ', "bu"),
        ('べ', "be"),
        ('ぼ', "bo"),
        ('ぱ', "pa"),
        ('ぴ', "pi"),
        ('ぷ', "pu"),
        ('ぺ', "pe"),
        ('ぽ', "po"),
        ('ゔ', "vu"),
        ('ぁ', "a"),
        ('ぃ', "i"),
        ('ぅ', "u"),
        ('ぇ', "e"),
        ('ぉ', "o"),
        ('ゃ', "ya"),
        ('ゅ', "yu"),
        ('ょ', "yo"),
        ('ゎ', "wa"),
    ];
    TABLE.iter().find(|(k, _)| *k == c).map(|(_, r)| *r)
}

/// Hepburn romanisation of hiragana; ASCII letters and digits pass through lowercased.
pub fn romanise(hiragana: &str) -> String {
    let mut out = String::new();
    let mut double_next = false;
    for c in hiragana.chars() {
        if c == 'っ' {
            double_next = true;
            continue;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            double_next = false;
            continue;
        }
        let Some(r) = romaji(c) else {
            // ー, ・ and anything else: a word break at most.
            if !matches!(c, 'ー' | 'ゝ' | 'ゞ') && !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            continue;
        };
        if matches!(c, 'ゃ' | 'ゅ' | 'ょ') {
            // きゃ → kya; しゃ → sha; ちゃ → cha; じゃ → ja.
            if out.ends_with("shi") || out.ends_with("chi") || out.ends_with("ji") {
                out.pop();
                out.push_str(&r[1..]);
            } else if out.ends_with('i') {
                out.pop();
                out.push_str(r);
            } else {
                out.push_str(r);
            }
            continue;
        }
        if matches!(c, 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ') && out.ends_with(['u', 'i', 'o']) {
            // ふぁ → fa, てぃ → tei is wrong: drop the carrier vowel (ti, fa, we).
            out.pop();
            out.push_str(r);
            continue;
        }
        if double_next {
            let first = if r.starts_with("ch") { "t" } else { &r[..1] };
            if !matches!(first, "a" | "i" | "u" | "e" | "o" | "n") {
                out.push_str(first);
            }
            double_next = false;
        }
        out.push_str(r);
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_from_lining_up_name_and_reading() {
        assert_eq!(
            from_reading("さくら内科クリニック", "さくらないかくりにっく"),
            "sakura-naika-kurinikku"
        );
        assert_eq!(
            from_reading("みなと中央病院", "みなとちゅうおうびょういん"),
            "minato-chuuou-byouin"
        );
        assert_eq!(
            from_reading(
                "医療法人社団 さくら会 さくら内科",
                "いりょうほうじんしゃだん さくらかい さくらないか"
            ),
            "sakura-naika"
        );
        assert_eq!(
            from_reading("ひまわり薬局", "ヒマワリヤッキョク"),
            "himawari-yakkyoku"
        );
        assert_eq!(from_reading("青空 太郎", "あおぞら たろう"), "aozora-tarou");
        assert_eq!(
            from_reading("青空　太郎", "あおぞらたろう"),
            "aozoratarou",
            "a reading without the break is one word"
        );
    }

    #[test]
    fn corporations_come_off_names() {
        assert_eq!(
            without_corporation(
                "医療法人社団さくら会 さくら内科クリニック",
                "イリョウホウジンシャダンサクラカイ サクラナイカクリニック"
            ),
            (
                "さくら内科クリニック".to_string(),
                "サクラナイカクリニック".to_string()
            )
        );
        assert_eq!(
            without_corporation("さくら内科", "さくらないか"),
            ("さくら内科".to_string(), "さくらないか".to_string())
        );
    }

    #[test]
    fn names_that_do_not_line_up_use_the_whole_reading() {
        assert_eq!(
            from_reading("MINATOハートクリニック", "みなとはーとくりにっく"),
            "minatohatokurinikku"
        );
        assert_eq!(
            from_reading("東町医院", "ひがしまちいいん"),
            "higashimachi-iin"
        );
    }

    #[test]
    fn hepburn_details() {
        assert_eq!(romanise("しゃっきょう"), "shakkyou");
        assert_eq!(romanise("まっちゃ"), "matcha");
        assert_eq!(romanise("きゃんぷ"), "kyanpu");
        assert_eq!(romanise("じゅんかんき"), "junkanki");
        assert_eq!(romanise("ふぁみりー"), "famiri");
    }
}
