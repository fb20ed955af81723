//! The static search index: character n-grams with precomputed BM25 weights, cut into shards
//! so the browser fetches only what a query needs.
//!
//! Japanese has no spaces to split words on, and what people type is a fragment (「さくら」,
//! 「ないか」, the middle of a phone number). Character trigrams match any fragment of three or
//! more characters, bigrams two-character ones, and kanji unigrams one-character queries (「眼」)
//! outside body text. Every
//! posting carries its weight for the record, computed here once (field weight × BM25 term
//! saturation with field-length normalisation), so the client only multiplies by the gram's
//! rarity and adds: no document lengths or field data need to travel.
//!
//! Files, under `search/` of the output:
//! - `index.json`: the manifest (sizes, shard count, facet values). A small site gets everything
//!   inline here, so it loads one file.
//! - `p/<n>.json`: postings of the grams whose FNV-1a hash falls in shard `n`, as
//!   `{"gram": [weight, count, doc-gap × count, weight, count, …]}`: one run of record numbers
//!   per weight level, highest first, gaps restarting in each run.
//! - `f/<facet>-<i>.json`: the records with the i-th value of a facet, as doc gaps.
//! - `d/<n>.json`: what results show (path, title, kind, area, tel, second line), `chunk` records
//!   a file.
//!
//! `search.mjs` reads the same layout; the two change together.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use rayon::prelude::*;

use super::documents::{Doc, Field, FACETS};
use super::normalize::value_runs;
use crate::pipeline::output::OutFile;

/// BM25 term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Scales weights into 1..=255; the field weights add up to 36 at most.
const SCALE: f64 = 7.0;
/// Postings per shard are aimed at this many bytes of JSON (about a third after gzip).
const SHARD_BYTES: usize = 8 * 1024;
/// Records per result-data file: a page of ten results touches up to ten files, so small.
const CHUNK: usize = 8;
/// A trigram in more than 1/HEAVY of the records is listed as common in the manifest.
const HEAVY: usize = 16;
/// Below this much JSON in all, everything goes inline in the manifest.
const INLINE_BYTES: usize = 160 * 1024;

/// FNV-1a over the UTF-8 bytes: tiny, stable across platforms, and easy to write in JS.
pub fn fnv1a(text: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Whether a character gets its own (unigram) posting: kanji only. One kana or digit says
/// nothing on its own; one kanji (「眼」「歯」) can.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// The grams of one run: every bigram and trigram, and the kanji unigrams when asked. Queries
/// of three or more characters are looked up by trigrams, which rarely all occur in a record
/// without the query itself (訪問看護 and 診療所 contain 訪問 and 診療, but not 問診療);
/// bigrams serve two-character queries.
fn grams(run: &[char], unigrams: bool, mut each: impl FnMut(Gram)) {
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
type Gram = u64;

fn pack(chars: &[char]) -> Gram {
    chars
        .iter()
        .fold(0, |g, c| (g << 21) | u64::from(*c as u32))
}

/// Grams are already well-spread integers; a multiplicative hash is all a map of them needs and
/// is several times faster than the default SipHash on millions of postings.
#[derive(Default, Clone, Copy)]
struct GramHasher(u64);

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
}

type GramMap<V> = HashMap<Gram, V, std::hash::BuildHasherDefault<GramHasher>>;

fn unpack(mut g: Gram) -> String {
    let mut chars = Vec::with_capacity(3);
    while g != 0 {
        chars.push(char::from_u32((g & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}'));
        g >>= 21;
    }
    chars.iter().rev().collect()
}

/// Weights are rounded to these levels (about √2 apart) so a posting list can be stored as one
/// run of record numbers per level, which compresses far better than a weight per record.
const LEVELS: [u8; 16] = [1, 2, 3, 4, 6, 8, 11, 16, 22, 32, 45, 64, 90, 128, 180, 255];

fn level(score: f64) -> u8 {
    // The nearest level in log terms: below the geometric mean of two levels, the lower one.
    for pair in LEVELS.windows(2) {
        if score * score < f64::from(pair[0]) * f64::from(pair[1]) {
            return pair[0];
        }
    }
    LEVELS[LEVELS.len() - 1]
}

/// Weight of a whole-value match, which puts 「谷口消化器内科クリニック」 above 「… 2号館」.
const EXACT: u8 = 255;

/// Whole values a query can equal, keyed `=value`: names, readings and numbers, with their
/// runs joined (so 「みどり調剤 山手店」 typed with or without its space is one key). `=` is a
/// separator, so no gram can take the same key.
fn exact_tokens(d: &Doc) -> Vec<String> {
    let mut tokens: Vec<String> = d
        .fields
        .iter()
        .filter(|(f, _)| matches!(f, Field::Name | Field::Yomi | Field::Phone))
        .flat_map(|(f, t)| {
            let runs: String = value_runs(t).into_iter().flatten().collect();
            let short = (*f == Field::Yomi).then(|| collapsed(&runs)).flatten();
            [Some(format!("={runs}")), short.map(|s| format!("={s}"))]
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

/// The index's files and the figures `RENKEI_TIMINGS` and the benchmark print.
pub struct Built {
    pub files: Vec<OutFile>,
    pub grams: usize,
    pub postings: usize,
    pub shards: usize,
}

/// Builds the index of `docs`. `words` is the site's vocabulary as manifest members
/// ([`super::vocabulary::Vocabulary::manifest_json`]).
pub fn build(docs: &[Doc], words: &str) -> Built {
    let per_doc = grams_per_doc(docs);
    let mut packed: GramMap<Vec<(u32, u8)>> = GramMap::default();
    for (id, weights) in per_doc.into_iter().enumerate() {
        for (gram, w) in weights {
            packed.entry(gram).or_default().push((id as u32, w));
        }
    }
    let mut postings: Vec<(String, Vec<(u32, u8)>)> =
        packed.into_iter().map(|(g, l)| (unpack(g), l)).collect();
    let mut exact: BTreeMap<String, Vec<(u32, u8)>> = BTreeMap::new();
    for (id, d) in docs.iter().enumerate() {
        for token in exact_tokens(d) {
            exact.entry(token).or_default().push((id as u32, EXACT));
        }
    }
    postings.extend(exact);
    postings.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let posting_count = postings.iter().map(|p| p.1.len()).sum();
    let encoded: Vec<(String, String)> = postings
        .par_iter()
        .map(|(gram, list)| (json_string(gram), encode_postings(list)))
        .collect();
    let total: usize = encoded.iter().map(|(g, l)| g.len() + l.len() + 2).sum();
    let facets = facet_lists(docs);
    let doc_rows: Vec<String> = docs.iter().map(doc_row).collect();

    let mut files = Vec::new();
    let inline = total + doc_rows.iter().map(String::len).sum::<usize>() <= INLINE_BYTES;
    let shards = if inline {
        0
    } else {
        total.div_ceil(SHARD_BYTES).max(1)
    };
    let mut manifest = format!(
        "{{\"version\":1,\"docs\":{},\"shards\":{shards},\"chunk\":{CHUNK},\"facets\":{{",
        docs.len()
    );
    for (i, (key, values)) in facets.iter().enumerate() {
        if i > 0 {
            manifest.push(',');
        }
        let names: Vec<&str> = values.keys().map(String::as_str).collect();
        manifest.push_str(&format!("\"{key}\":{}", json(&names)));
    }
    manifest.push('}');
    // Trigrams in more than one record in HEAVY: a query of several trigrams skips these when it
    // has rarer ones (「クリニック」's are in every clinic), which keeps long names from fetching
    // the largest shards while still pinning the record down.
    let heavy: Vec<&str> = postings
        .iter()
        .filter(|(g, list)| g.chars().count() == 3 && list.len() * HEAVY > docs.len())
        .map(|(g, _)| g.as_str())
        .collect();
    manifest.push_str(&format!(",\"heavy\":{}", json(&heavy)));
    if !words.is_empty() {
        manifest.push(',');
        manifest.push_str(words);
    }
    if inline {
        manifest.push_str(",\"postings\":");
        manifest.push_str(&object(encoded.iter()));
        manifest.push_str(",\"facetDocs\":{");
        for (i, (key, values)) in facets.iter().enumerate() {
            if i > 0 {
                manifest.push(',');
            }
            let lists: Vec<String> = values.values().map(|d| encode_docs(d)).collect();
            manifest.push_str(&format!("\"{key}\":[{}]", lists.join(",")));
        }
        manifest.push_str("},\"rows\":[");
        manifest.push_str(&doc_rows.join(","));
        manifest.push(']');
    } else {
        let mut by_shard: Vec<Vec<&(String, String)>> = vec![Vec::new(); shards];
        for ((gram, _), e) in postings.iter().zip(&encoded) {
            by_shard[fnv1a(gram) as usize % shards].push(e);
        }
        for (n, entries) in by_shard.into_iter().enumerate() {
            files.push(OutFile::text(
                format!("search/p/{n}.json"),
                object(entries.into_iter()),
            ));
        }
        for (key, values) in &facets {
            for (i, d) in values.values().enumerate() {
                files.push(OutFile::text(
                    format!("search/f/{key}-{i}.json"),
                    encode_docs(d),
                ));
            }
        }
        for (n, rows) in doc_rows.chunks(CHUNK).enumerate() {
            files.push(OutFile::text(
                format!("search/d/{n}.json"),
                format!("[{}]", rows.join(",")),
            ));
        }
    }
    manifest.push_str("}\n");
    files.push(OutFile::text("search/index.json", manifest));
    Built {
        files,
        grams: postings.len(),
        postings: posting_count,
        shards,
    }
}

/// Each record's grams with their quantised weights, in gram order.
fn grams_per_doc(docs: &[Doc]) -> Vec<Vec<(Gram, u8)>> {
    let texts: Vec<Vec<(Field, Vec<Vec<char>>)>> = docs
        .par_iter()
        .map(|d| {
            Field::ALL
                .iter()
                .map(|field| {
                    let mut runs: Vec<Vec<char>> = d
                        .fields
                        .iter()
                        .filter(|(f, _)| f == field)
                        .flat_map(|(_, t)| value_runs(t))
                        .collect();
                    if field.has_readings() {
                        let short: Vec<Vec<char>> = runs
                            .iter()
                            .filter_map(|r| collapsed(&r.iter().collect::<String>()))
                            .map(|s| s.chars().collect())
                            .collect();
                        runs.extend(short);
                    }
                    (*field, runs)
                })
                .filter(|(_, runs)| !runs.is_empty())
                .collect()
        })
        .collect();
    // Average length of each field over the records that have it, for BM25's length norm.
    let mut sums: HashMap<Field, (usize, usize)> = HashMap::new();
    for (field, runs) in texts.iter().flatten() {
        let s = sums.entry(*field).or_default();
        s.0 += runs.iter().map(Vec::len).sum::<usize>();
        s.1 += 1;
    }
    let avg = |f: Field| {
        sums.get(&f)
            .map_or(1.0, |(len, n)| (*len as f64 / *n as f64).max(1.0))
    };
    texts
        .into_par_iter()
        .map(|fields| {
            let mut score: GramMap<f64> = GramMap::default();
            for (field, values) in fields {
                let len: usize = values.iter().map(Vec::len).sum();
                let norm = K1 * (1.0 - B + B * len as f64 / avg(field));
                let mut tf: GramMap<u32> = GramMap::default();
                for v in &values {
                    grams(v, field.has_unigrams(), |g| *tf.entry(g).or_default() += 1);
                }
                for (g, n) in tf {
                    let n = f64::from(n);
                    *score.entry(g).or_default() += field.weight() * n / (n + norm);
                }
            }
            let mut weights: Vec<(Gram, u8)> = score
                .into_iter()
                .map(|(g, s)| (g, level(s * SCALE)))
                .collect();
            weights.sort_unstable();
            weights
        })
        .collect()
}

/// Facet → value → records, values in 五十音/code order for the search form's lists.
fn facet_lists(docs: &[Doc]) -> Vec<(&'static str, BTreeMap<String, Vec<u32>>)> {
    let mut out: Vec<(&'static str, BTreeMap<String, Vec<u32>>)> =
        FACETS.iter().map(|k| (*k, BTreeMap::new())).collect();
    for (id, d) in docs.iter().enumerate() {
        for (facet, value) in &d.facets {
            out[*facet]
                .1
                .entry(value.clone())
                .or_default()
                .push(id as u32);
        }
    }
    out
}

fn encode_postings(list: &[(u32, u8)]) -> String {
    let mut by_level: Vec<Vec<u32>> = vec![Vec::new(); 256];
    for (doc, w) in list {
        by_level[usize::from(*w)].push(*doc);
    }
    let mut out = String::with_capacity(list.len() * 4 + 8);
    out.push('[');
    for (w, docs) in by_level.iter().enumerate().rev() {
        if !docs.is_empty() {
            if out.len() > 1 {
                out.push(',');
            }
            let _ = write!(out, "{w},{},", docs.len());
            push_gaps(&mut out, docs);
        }
    }
    out.push(']');
    out
}

/// Record numbers as gaps from the previous one: small numbers that compress well.
fn push_gaps(out: &mut String, docs: &[u32]) {
    let mut prev = 0;
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{}", d - prev);
        prev = *d;
    }
}

fn encode_docs(list: &[u32]) -> String {
    let mut out = String::from("[");
    push_gaps(&mut out, list);
    out.push(']');
    out
}

fn doc_row(d: &Doc) -> String {
    json(&[&d.path, &d.title, &d.kind, &d.area, &d.tel, &d.sub])
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn json_string(s: &str) -> String {
    json(s)
}

fn object<'a>(entries: impl Iterator<Item = &'a (String, String)>) -> String {
    let parts: Vec<String> = entries.map(|(k, v)| format!("{k}:{v}")).collect();
    format!("{{{}}}", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // Published FNV-1a 32-bit test vectors; search.mjs is checked against the same.
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
    }

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
    fn postings_are_runs_per_weight_level() {
        assert_eq!(level(1.0), 1);
        assert_eq!(level(5.0), 6);
        assert_eq!(level(1000.0), 255);
        // Records 3 and 10 at weight 45, record 7 at 8.
        assert_eq!(
            encode_postings(&[(3, 45), (7, 8), (10, 45)]),
            "[45,2,3,7,8,1,7]"
        );
    }

    #[test]
    fn names_weigh_more_than_bodies() {
        let doc = |field| Doc {
            fields: vec![(field, "さくら".to_string())],
            ..Doc::default()
        };
        let w = grams_per_doc(&[doc(Field::Name), doc(Field::Body)]);
        let key = pack(&['さ', 'く']);
        let weight = |d: &Vec<(Gram, u8)>| d.iter().find(|(g, _)| *g == key).map(|x| x.1);
        assert!(weight(&w[0]) > weight(&w[1]));
    }

    #[test]
    fn small_sites_get_one_file() {
        let docs = vec![Doc {
            path: "partners/a/".into(),
            title: "あおば内科".into(),
            fields: vec![(Field::Name, "あおば内科".into())],
            facets: vec![(0, "北地区".into())],
            ..Doc::default()
        }];
        let built = build(&docs, "");
        assert_eq!(built.files.len(), 1);
        assert_eq!(built.shards, 0);
        let OutFile { path, .. } = &built.files[0];
        assert_eq!(path, "search/index.json");
    }
}
