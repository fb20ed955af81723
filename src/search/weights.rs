//! A record's weighted keys: the character n-grams of its text with their BM25 weights, and
//! its whole values. [`super::index`] gathers them into posting lists; [`super::reuse`] works
//! them out again for the records an edit changed.
//!
//! Japanese has no spaces to split words on, and what people type is a fragment (「さくら」,
//! 「ないか」, the middle of a phone number). Character trigrams match any fragment of three or
//! more characters, bigrams two-character ones, and kanji unigrams one-character queries (「眼」)
//! outside body text. A weight depends only on the record's own text and on each field's
//! average length over all records (BM25's length norm).

use std::collections::HashMap;

use super::documents::{Doc, Field};
use super::normalize::value_runs_text;
use super::postings;

/// BM25 term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Scales weights into 1..=255; the field weights add up to 36 at most.
const SCALE: f64 = 7.0;
/// Whether a character gets its own (unigram) posting: kanji only. One kana or digit says
/// nothing on its own; one kanji (「眼」「歯」) can.
pub(super) fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// The grams of one run: every bigram and trigram, and the kanji unigrams when asked. Queries
/// of three or more characters are looked up by trigrams, which rarely all occur in a record
/// without the query itself (訪問看護 and 診療所 contain 訪問 and 診療, but not 問診療);
/// bigrams serve two-character queries.
pub(super) fn grams(run: &[char], unigrams: bool, mut each: impl FnMut(Gram)) {
    for w in run.windows(2) {
        each(pack(w));
    }
    for w in run.windows(3) {
        each(pack(w));
    }
    if unigrams {
        for c in run.iter().filter(|c| is_ideograph(**c)) {
            each(pack(std::slice::from_ref(c)));
        }
    }
}

/// Up to three characters in one integer (21 bits each), so millions of postings are gathered
/// without a string apiece; only the distinct grams become strings, at the end.
pub(super) type Gram = u64;

pub(super) fn pack(chars: &[char]) -> Gram {
    chars
        .iter()
        .fold(0, |g, c| (g << 21) | u64::from(*c as u32))
}

/// Grams are already well-spread integers; a multiplicative hash is all a map of them needs and
/// is several times faster than the default SipHash on millions of postings.
#[derive(Default, Clone, Copy)]
pub(super) struct GramHasher(u64);

impl std::hash::Hasher for GramHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    /// A `char`'s hash: one step, not four bytes' worth.
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

pub(super) type GramMap<V> = HashMap<Gram, V, std::hash::BuildHasherDefault<GramHasher>>;

pub(super) fn unpack(mut g: Gram) -> String {
    let mut chars = Vec::with_capacity(3);
    while g != 0 {
        chars.push(char::from_u32((g & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}'));
        g >>= 21;
    }
    chars.iter().rev().collect()
}

/// A whole-value match takes the top level, which puts 「谷口消化器内科クリニック」 above
/// 「… 2号館」.
pub(super) const EXACT: u8 = postings::TOP;

/// Whole values a query can equal, keyed `=value`: names, readings and numbers, with their
/// runs joined (so 「みどり調剤 山手店」 typed with or without its space is one key). `=` is a
/// separator, so no gram can take the same key.
pub(super) fn exact_tokens(d: &Doc) -> Vec<String> {
    let mut tokens: Vec<String> = d
        .fields
        .iter()
        .filter(|(f, _)| matches!(f, Field::Name | Field::Yomi | Field::Phone))
        .flat_map(|(f, t)| {
            let mut runs = String::new();
            text_runs(d, t, |run| runs.push_str(run));
            let short = (*f == Field::Yomi).then(|| collapsed(&runs)).flatten();
            [
                Some(["=", &runs].concat()),
                short.map(|s| ["=", &s].concat()),
            ]
        })
        .flatten()
        .filter(|t| t.len() > 1)
        .collect();
    tokens.sort();
    tokens.dedup();
    tokens
}

/// A reading with its long vowels left out (さとう → さと), when that differs: indexed too, so
/// a romaji query (「sato」, 「chuo byoin」) matches however it spells them.
fn collapsed(reading: &str) -> Option<String> {
    let short = super::romaji::collapse(reading);
    (short != reading).then_some(short)
}

/// Calls `each` with every run of searchable characters in the record's `field` texts: a
/// settled record's lines ([`Doc::settle`]), or what settling would make of its text.
fn for_runs(d: &Doc, field: Field, mut each: impl FnMut(&str)) {
    for (_, text) in d.fields.iter().filter(|(f, _)| *f == field) {
        text_runs(d, text, &mut each);
    }
}

/// [`for_runs`] of one of the record's texts.
fn text_runs(d: &Doc, text: &str, each: impl FnMut(&str)) {
    let made;
    let runs = if d.settled {
        text
    } else {
        made = value_runs_text(text);
        made.as_str()
    };
    runs.split('\n').filter(|r| !r.is_empty()).for_each(each);
}

/// Calls `each` with every run of the record's `field` as characters (in `buf`, reused rather
/// than a vector per run), and after them, for a field holding readings, each reading with its
/// long vowels left out where that differs.
fn field_runs(d: &Doc, field: Field, buf: &mut Vec<char>, mut each: impl FnMut(&[char])) {
    let mut chars = |run: &str| {
        buf.clear();
        buf.extend(run.chars());
        each(buf);
    };
    for_runs(d, field, &mut chars);
    if field.has_readings() {
        for_runs(d, field, |run| {
            if let Some(short) = collapsed(run) {
                chars(&short);
            }
        });
    }
}

/// Average length of each field over the records that have it, for BM25's length norm.
pub(super) type Averages = [f64; Field::ALL.len()];

/// A record's length in each field, in characters, plus one; 0 where it has no such text.
pub(super) type Lengths = [u32; Field::ALL.len()];

pub(super) fn field_lengths(d: &Doc) -> Lengths {
    let mut lengths = [0; Field::ALL.len()];
    let mut buf = Vec::new();
    for field in Field::ALL {
        let mut len = 0usize;
        field_runs(d, field, &mut buf, |run| len += run.len());
        if len > 0 {
            lengths[field as usize] = u32::try_from(len).unwrap_or(u32::MAX - 1) + 1;
        }
    }
    lengths
}

pub(super) fn averages(lengths: &[Lengths]) -> Averages {
    let mut sums = [(0usize, 0usize); Field::ALL.len()];
    for doc in lengths {
        for (slot, len) in sums.iter_mut().zip(doc) {
            if *len > 0 {
                slot.0 += *len as usize - 1;
                slot.1 += 1;
            }
        }
    }
    sums.map(|(len, n)| {
        if n == 0 {
            1.0
        } else {
            (len as f64 / n as f64).max(1.0)
        }
    })
}

#[cfg(test)]
pub(super) fn field_averages(docs: &[Doc]) -> Averages {
    averages(&docs.iter().map(field_lengths).collect::<Vec<_>>())
}

/// One record's grams with their weight levels ([`postings::level`]). Grams are counted by
/// sorting rather than in hash maps: a record has a few hundred, and a map per field per
/// record was most of the index's time. Each gram's field scores are added in field order,
/// as they always were, so the weights are the same to the bit.
pub(super) fn doc_weights(d: &Doc, avg: &Averages) -> Vec<(Gram, u8)> {
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch {
            scores,
            merged,
            all,
            chars,
        } = scratch;
        scores.clear();
        for field in Field::ALL {
            all.clear();
            let mut len = 0usize;
            field_runs(d, field, chars, |run| {
                len += run.len();
                grams(run, field.has_unigrams(), |g| all.push(g));
            });
            if all.is_empty() {
                continue;
            }
            let norm = K1 * (1.0 - B + B * len as f64 / avg[field as usize]);
            all.sort_unstable();
            // This field's scores are merged into the earlier fields', gram by gram, so each
            // gram's scores are added in field order, as they always were.
            merged.clear();
            let mut earlier = scores.iter().peekable();
            for same in all.chunk_by(|a, b| a == b) {
                let gram = same[0];
                while let Some(e) = earlier.next_if(|e| e.0 < gram) {
                    merged.push(*e);
                }
                let n = f64::from(same.len() as u32);
                let score = field.weight() * n / (n + norm);
                match earlier.next_if(|e| e.0 == gram) {
                    Some(e) => merged.push((gram, e.1 + score)),
                    None => merged.push((gram, score)),
                }
            }
            merged.extend(earlier);
            std::mem::swap(scores, merged);
        }
        scores
            .iter()
            .map(|(g, s)| (*g, postings::level(s * SCALE)))
            .collect()
    })
}

/// [`doc_weights`]' working lists, kept by each thread from one record to the next: grown
/// again for every record, they were a quarter of its time.
#[derive(Default)]
struct Scratch {
    /// Each gram's score so far, by gram.
    scores: Vec<(Gram, f64)>,
    merged: Vec<(Gram, f64)>,
    all: Vec<Gram>,
    chars: Vec<char>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

#[cfg(test)]
mod tests {
    use super::super::normalize::value_runs;
    use super::*;

    #[test]
    fn bigrams_and_trigrams_everywhere_unigrams_only_for_kanji() {
        let mut out = Vec::new();
        grams(&value_runs("さくら内科1")[0], true, |g| {
            out.push(unpack(g))
        });
        assert_eq!(
            out,
            [
                "さく",
                "くら",
                "ら内",
                "内科",
                "科1",
                "さくら",
                "くら内",
                "ら内科",
                "内科1",
                "内",
                "科"
            ]
            .map(String::from)
        );
    }

    #[test]
    fn names_weigh_more_than_bodies() {
        let doc = |field| Doc {
            fields: vec![(field, "さくら".to_string())],
            ..Doc::default()
        };
        let docs = [doc(Field::Name), doc(Field::Body)];
        let avg = field_averages(&docs);
        let key = pack(&['さ', 'く']);
        let weight = |d: &Doc| {
            doc_weights(d, &avg)
                .into_iter()
                .find(|(g, _)| *g == key)
                .map(|x| x.1)
        };
        assert!(weight(&docs[0]) > weight(&docs[1]));
    }
}
