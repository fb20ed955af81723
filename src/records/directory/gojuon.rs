//! 五十音: the order and the あ・か・さ… rows a Japanese reader expects in a directory.
//!
//! Readings decide, not names (kanji order is meaningless to a reader). Hiragana and katakana
//! sort together; 濁音・半濁音 file under their plain kana (が under か, ぱ under は) and follow
//! it when everything else is equal; small kana count as their full-size kana (ゃ as や); the
//! long-vowel mark counts as the vowel it lengthens (るみえーる as るみええる). Records whose
//! *name* starts with a Latin letter or digit get their own group, as printed directories do.

/// The first character of a reading's sort key ([`sort_key`]), which decides its row.
///
/// Only the reading's start is folded: up to its first character that is neither a space nor
/// a half-width voiced mark, and the one after it (a mark that joins it: ｶﾞ). Folding the
/// whole reading for one character was most of the time the rows took.
fn first_kana(yomi: &str) -> Option<char> {
    let mut end = 0;
    let mut found = false;
    for (at, c) in yomi.char_indices() {
        end = at + c.len_utf8();
        if found {
            break;
        }
        found = !c.is_whitespace() && c != 'ﾞ' && c != 'ﾟ';
    }
    sort_key(&yomi[..end]).0.chars().next()
}

/// The rows of the index, in order. The last one is for Latin-letter names.
pub const ROWS: [&str; 11] = [
    "あ", "か", "さ", "た", "な", "は", "ま", "や", "ら", "わ", "英数",
];

/// Folds katakana (full and half width) to hiragana; other characters are kept.
fn to_hiragana(c: char) -> char {
    match c {
        'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// Half-width katakana (ｱ, ｶﾞ …) to full width, joining a following voiced mark.
fn widen(text: &str) -> String {
    const HALF: &str = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
    const FULL: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // Every reading passes here, and nearly none holds half-width kana.
        if !('\u{ff61}'..='\u{ff9f}').contains(&c) {
            out.push(c);
            continue;
        }
        match c {
            'ﾞ' | 'ﾟ' => {
                let last = out.pop().unwrap_or(' ');
                let joined = match (c, last) {
                    ('ﾞ', 'ウ') => 'ヴ',
                    ('ﾞ', _) if "カキクケコサシスセソタチツテトハヒフヘホ".contains(last) => {
                        char::from_u32(last as u32 + 1).unwrap_or(last)
                    }
                    ('ﾟ', _) if "ハヒフヘホ".contains(last) => {
                        char::from_u32(last as u32 + 2).unwrap_or(last)
                    }
                    _ => last,
                };
                out.push(joined);
            }
            _ => match HALF.chars().position(|h| h == c) {
                Some(i) => out.push(FULL.chars().nth(i).unwrap_or(c)),
                None => out.push(c),
            },
        }
    }
    out
}

/// The plain kana of a voiced, semi-voiced or small kana (が→か, ぱ→は, ゃ→や, ゔ→う).
///
/// Looked up in a table of the hiragana block made once from [`plain_by_lists`]: every
/// character of every reading is folded when a directory is sorted, and three scans of the
/// lists for each were most of the sorting's time.
fn plain(c: char) -> char {
    static TABLE: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (HIRAGANA_START..HIRAGANA_END)
            .map(|code| char::from_u32(code).map_or('\0', plain_by_lists))
            .collect()
    });
    (c as u32)
        .checked_sub(HIRAGANA_START)
        .and_then(|i| table.get(i as usize).copied())
        .unwrap_or(c)
}

/// The hiragana block, U+3040–U+309F: every kana [`plain_by_lists`] changes is in it.
const HIRAGANA_START: u32 = 0x3040;
const HIRAGANA_END: u32 = 0x30a0;

/// [`plain`], by the lists of kana it folds.
fn plain_by_lists(c: char) -> char {
    const VOICED: &str = "がぎぐげござじずぜぞだぢづでどばびぶべぼ";
    const UNVOICED: &str = "かきくけこさしすせそたちつてとはひふへほ";
    const SEMI: &str = "ぱぴぷぺぽ";
    const SMALL: &str = "ぁぃぅぇぉっゃゅょゎゕゖ";
    const LARGE: &str = "あいうえおつやゆよわかけ";
    if c == 'ゔ' {
        return 'う';
    }
    if let Some(i) = VOICED.chars().position(|v| v == c) {
        return UNVOICED.chars().nth(i).unwrap_or(c);
    }
    if let Some(i) = SEMI.chars().position(|v| v == c) {
        return "はひふへほ".chars().nth(i).unwrap_or(c);
    }
    if let Some(i) = SMALL.chars().position(|v| v == c) {
        return LARGE.chars().nth(i).unwrap_or(c);
    }
    c
}

/// The vowel that ends a kana's sound, for reading the long-vowel mark.
fn vowel_of(c: char) -> char {
    const ROWS_BY_VOWEL: [(&str, char); 5] = [
        ("あかさたなはまやらわがざだばぱぁゃゎ", 'あ'),
        ("いきしちにひみりぎじぢびぴぃ", 'い'),
        ("うくすつぬふむゆるぐずづぶぷぅゅっゔ", 'う'),
        ("えけせてねへめれげぜでべぺぇ", 'え'),
        ("おこそとのほもよろをごぞどぼぽぉょ", 'お'),
    ];
    ROWS_BY_VOWEL
        .iter()
        .find(|(set, _)| set.contains(c))
        .map(|(_, v)| *v)
        .unwrap_or(c)
}

/// Sort key for a reading: plain kana first (dictionary order), then the exact kana to put
/// は before ば before ぱ.
pub fn sort_key(yomi: &str) -> (String, String) {
    let wide = widen(yomi);
    let mut exact = String::new();
    for c in wide.chars().filter(|c| !c.is_whitespace()) {
        let h = to_hiragana(c);
        let h = if h == 'ー' {
            exact.chars().last().map(vowel_of).unwrap_or('ー')
        } else {
            h
        };
        exact.push(h);
    }
    let primary = exact.chars().map(plain).collect();
    (primary, exact)
}

/// The 五十音 row of a record, from its reading (or, for Latin-letter names, its name).
pub fn row(name: &str, yomi: &str) -> &'static str {
    let first_name = name.trim_start().chars().next().unwrap_or(' ');
    let first_name = match first_name {
        'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => 'A',
        c => c,
    };
    if first_name.is_ascii_alphanumeric() {
        return "英数";
    }
    let Some(first) = first_kana(yomi) else {
        return "英数";
    };
    const GROUPS: [(&str, &str); 10] = [
        ("あいうえお", "あ"),
        ("かきくけこ", "か"),
        ("さしすせそ", "さ"),
        ("たちつてと", "た"),
        ("なにぬねの", "な"),
        ("はひふへほ", "は"),
        ("まみむめも", "ま"),
        ("やゆよ", "や"),
        ("らりるれろ", "ら"),
        ("わゐゑをん", "わ"),
    ];
    GROUPS
        .iter()
        .find(|(set, _)| set.contains(first))
        .map(|(_, r)| *r)
        .unwrap_or("英数")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_fold_voiced_small_and_katakana() {
        assert_eq!(row("蒲生医院", "がもういいん"), "か");
        assert_eq!(row("パーク内科", "ぱーくないか"), "は");
        assert_eq!(row("オリーブ薬局", "オリーブヤッキョク"), "あ");
        assert_eq!(row("ｵﾘｰﾌﾞ薬局", "ｵﾘｰﾌﾞﾔｯｷｮｸ"), "あ");
        assert_eq!(row("京町内科", "きょうまちないか"), "か");
        assert_eq!(row("ヴィラ", "ヴぃら"), "あ");
        assert_eq!(row("わかば", "わかば"), "わ");
        assert_eq!(
            row("MINATOハートクリニック", "みなとはーとくりにっく"),
            "英数"
        );
        assert_eq!(row("Ｋ’sデンタル", "けーずでんたる"), "英数");
    }

    #[test]
    fn order_is_the_dictionary_order() {
        let mut names = vec![
            "ぱんや",
            "はんや",
            "ばんや",
            "ハンヤ",
            "かえで",
            "がっこう",
            "かっこう",
            "るみえーる",
            "るみええる",
            "るみえる",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(names[0], "かえで");
        assert_eq!(&names[1..3], ["かっこう", "がっこう"]);
        // は before ば before ぱ; katakana sorts with hiragana.
        let h: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| n.ends_with("んや") || n.ends_with("ンヤ"))
            .collect();
        assert_eq!(h, ["はんや", "ハンヤ", "ばんや", "ぱんや"]);
        // The long vowel counts as the vowel it lengthens.
        assert_eq!(sort_key("るみえーる").0, sort_key("るみええる").0);
        assert!(
            sort_key("るみえーる") < sort_key("るみえる"),
            "え before る"
        );
    }

    /// The row from the reading's start is the row from all of it, on readings made of the
    /// characters that fold, join or are skipped.
    #[test]
    fn the_first_kana_is_read_from_the_start_alone() {
        const PIECES: [&str; 14] = [
            "あ", "が", "ｶ", "ﾞ", "ﾟ", "ﾊ", " ", "　", "ー", "ア", "ヴ", "ぱ", "ゃ", "ｰ",
        ];
        for yomi in crate::pieces::texts(&PIECES, 0x2545_F491_4F6C_DD1D, 6, 20_000) {
            assert_eq!(
                first_kana(&yomi),
                sort_key(&yomi).0.chars().next(),
                "{yomi:?}"
            );
        }
    }

    /// The table agrees with the lists everywhere, not only in the hiragana block.
    #[test]
    fn plain_by_table_is_plain_by_lists() {
        for code in 0..0x1_0000 {
            if let Some(c) = char::from_u32(code) {
                assert_eq!(plain(c), plain_by_lists(c), "U+{code:04X}");
            }
        }
    }

    #[test]
    fn half_width_katakana_is_widened() {
        assert_eq!(widen("ｸﾘﾆｯｸ"), "クリニック");
        assert_eq!(widen("ﾃﾞｲｻｰﾋﾞｽ"), "デイサービス");
        assert_eq!(widen("ﾊﾟｰｸ"), "パーク");
    }
}
