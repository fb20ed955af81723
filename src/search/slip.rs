//! Slips of the finger: 「朝日町クリニク」, 「グルプホーム」, 「ケアマメ」.
//!
//! When a query finds nothing or very little, the client looks for names one slip away: a
//! character (often a small kana or ー) left out, added, replaced, or two neighbours swapped.
//! [`distance`] measures that against the closest part of a name, so 「朝日町クリニク」 is one
//! slip from 「朝日町クリニック 2号館」 too. Both sides compare normalised text, in which small
//! kana are already full size: 「クリニク」 differs from 「クリニック」 by the つ alone.
//!
//! The browser half is `words.mjs`; `tests/search/words.tsv` checks both.

/// The fewest slips (insert, delete, replace, swap of neighbours) that turn `query` into some
/// part of `text`: restricted Damerau–Levenshtein with free ends on the `text` side.
pub fn distance(query: &str, text: &str) -> usize {
    let q: Vec<char> = query.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // rows[i][j]: slips to turn q[..i] into a part of t ending at j.
    let mut rows = vec![vec![0usize; t.len() + 1]; q.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for i in 1..=q.len() {
        for j in 1..=t.len() {
            let same = q[i - 1] == t[j - 1];
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + usize::from(!same));
            if i > 1 && j > 1 && q[i - 1] == t[j - 2] && q[i - 2] == t[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[q.len()].iter().copied().min().unwrap_or(q.len())
}

/// Whether `query` is one slip from a part of `text` (and not already in it). Queries under
/// three characters are too short to tell a slip from another word.
pub fn one_slip(query: &str, text: &str) -> bool {
    query.chars().count() >= 3 && distance(query, text) == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::normalize;

    #[test]
    fn exact_parts_are_zero_and_each_kind_of_slip_is_one() {
        assert_eq!(distance("さくら", "さくら内科"), 0);
        assert_eq!(distance("さくら", "はなさくらんぼ"), 0);
        assert_eq!(distance("さらく", "さくら"), 1);
        assert_eq!(distance("さら", "さくら"), 1);
        assert_eq!(distance("さくくら", "さくら"), 1);
        assert_eq!(distance("さこら", "さくら"), 1);
        assert_eq!(distance("いろは", "さくら"), 3);
    }

    /// The shared cases (`slip` lines), also run through words.mjs.
    #[test]
    fn shared_cases() {
        for (kind, cols) in super::super::words_cases() {
            if kind == "slip" {
                let got = distance(&normalize(&cols[0]), &normalize(&cols[1]));
                assert_eq!(got.to_string(), cols[2], "{cols:?}");
            }
        }
    }
}
