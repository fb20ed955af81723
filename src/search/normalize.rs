//! Text normalisation for matching what people type against what offices write.
//!
//! 「ｸﾘﾆｯｸ」 from an old PC, 「髙橋」 on the sign but 「高橋」 in the query, 「ほうもんかんご」 for
//! 訪問看護's reading, 「0991234567」 for 099-123-4567: each side is normalised the same way,
//! here for the index and in `themes/default/static/assets/normalize.mjs` for the browser.
//! `tests/search/cases.tsv` is run through both, so they cannot drift apart.
//!
//! Steps: NFKC; 異体字 to their common form (`itaiji.tsv`, the same table as the JS module);
//! katakana to hiragana; small kana to full size; a hyphen after kana read as ー; ASCII lower
//! case; hyphens and spaces dropped inside digit runs; other whitespace collapsed to one space.
//! 濁点 are kept (が is not か): dropping them is what makes general tools miss.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// The 異体字 table: variant, tab, common form, one pair a line.
pub const ITAIJI: &str = include_str!("itaiji.tsv");

fn fold_table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        ITAIJI
            .lines()
            .filter_map(|l| {
                let (a, b) = l.split_once('\t')?;
                Some((a.chars().next()?, b.chars().next()?))
            })
            .collect()
    })
}

fn small_to_large(c: char) -> char {
    match c {
        'ぁ' => 'あ',
        'ぃ' => 'い',
        'ぅ' => 'う',
        'ぇ' => 'え',
        'ぉ' => 'お',
        'っ' => 'つ',
        'ゃ' => 'や',
        'ゅ' => 'ゆ',
        'ょ' => 'よ',
        'ゎ' => 'わ',
        'ゕ' => 'か',
        'ゖ' => 'け',
        _ => c,
    }
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー')
}

fn is_kana(c: char) -> bool {
    ('ぁ'..='ゖ').contains(&c) || c == 'ー'
}

/// Normalises text for matching.
pub fn normalize(text: &str) -> String {
    let fold = fold_table();
    let mut out: Vec<char> = Vec::with_capacity(text.len());
    for c in text.nfkc() {
        let mut c = *fold.get(&c).unwrap_or(&c);
        if ('ァ'..='ヶ').contains(&c) {
            c = char::from_u32(c as u32 - 0x60).unwrap_or(c);
        } else if c == 'ヽ' {
            c = 'ゝ';
        } else if c == 'ヾ' {
            c = 'ゞ';
        }
        c = small_to_large(c);
        if is_hyphen(c) && out.last().is_some_and(|p| is_kana(*p)) {
            c = 'ー';
        } else if c.is_ascii_uppercase() {
            c = c.to_ascii_lowercase();
        } else if c.is_whitespace() {
            c = ' ';
        }
        out.push(c);
    }
    let separator = |c: char| c == ' ' || (is_hyphen(c) && c != 'ー');
    let mut joined: Vec<char> = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        let c = out[i];
        if separator(c) && joined.last().is_some_and(char::is_ascii_digit) {
            let mut j = i;
            while j < out.len() && separator(out[j]) {
                j += 1;
            }
            if j < out.len() && out[j].is_ascii_digit() {
                i = j;
                continue;
            }
        }
        if !(c == ' ' && joined.last().is_none_or(|p| *p == ' ')) {
            joined.push(c);
        }
        i += 1;
    }
    while joined.last() == Some(&' ') {
        joined.pop();
    }
    joined.into_iter().collect()
}

/// Characters that end a searchable run: ASCII punctuation, general punctuation (※ ’ …), CJK
/// symbols and brackets (、。〒「」〜), the middle dot. Grams never span them, on either side, so
/// 「在宅訪問（居宅療養管理指導）」 is matched as its two runs. Spelled out as ranges rather than
/// Unicode categories so that `normalize.mjs` can say exactly the same.
pub fn is_separator(c: char) -> bool {
    let n = c as u32;
    if n < 0x80 {
        return !c.is_ascii_alphanumeric();
    }
    matches!(n, 0x80..=0xBF | 0xD7 | 0xF7 | 0x2000..=0x206F | 0x3000..=0x3004 | 0x3008..=0x3020 | 0x30FB)
}

/// The runs a query matches by: normalised, split at spaces (terms) and separators. Every run
/// must be found for a record to match.
pub fn query_runs(query: &str) -> Vec<String> {
    normalize(query)
        .split(|c: char| c == ' ' || is_separator(c))
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// The runs of an indexed value: like [`query_runs`], except that spaces are dropped rather than
/// split at, because 「阿部 博之」 is typed both with and without its space.
pub fn value_runs(value: &str) -> Vec<Vec<char>> {
    let mut runs = vec![Vec::new()];
    for c in normalize(value).chars() {
        if c == ' ' {
            continue;
        }
        if is_separator(c) {
            runs.push(Vec::new());
        } else if let Some(run) = runs.last_mut() {
            run.push(c);
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared cases, also run through the JavaScript module by tests/search.rs.
    const CASES: &str = include_str!("../../tests/search/cases.tsv");

    #[test]
    fn shared_cases() {
        let mut failures = Vec::new();
        for line in CASES
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let (input, expected) = line.split_once('\t').expect("input<TAB>expected");
            let got = normalize(input);
            if got != expected {
                failures.push(format!("{input:?} → {got:?}, expected {expected:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Query runs, also checked from the JavaScript side.
    const RUNS: &str = include_str!("../../tests/search/runs.tsv");

    #[test]
    fn shared_query_runs() {
        for line in RUNS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let (input, expected) = line.split_once('\t').expect("input<TAB>runs");
            assert_eq!(query_runs(input).join("|"), expected, "{input:?}");
        }
    }

    #[test]
    fn values_join_across_spaces_and_split_at_punctuation() {
        let runs: Vec<String> = value_runs("阿部 博之（院長）")
            .into_iter()
            .map(|r| r.into_iter().collect())
            .collect();
        assert_eq!(runs, ["阿部博之", "院長"]);
    }

    #[test]
    fn the_table_is_large_and_maps_to_different_characters() {
        let table = fold_table();
        assert!(table.len() >= 100, "{} pairs", table.len());
        assert!(table.iter().all(|(a, b)| a != b));
        // Targets are never themselves variants: folding is one step.
        assert!(
            table.values().all(|b| !table.contains_key(b)),
            "a target is itself folded"
        );
    }
}
