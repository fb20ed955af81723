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
use super::postings::{self, Postings};
use crate::pipeline::output::OutFile;

/// BM25 term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Scales weights into 1..=255; the field weights add up to 36 at most.
const SCALE: f64 = 7.0;
/// Postings per shard are aimed at this many bytes of JSON (about a third after gzip). Each
/// file costs the disk and every upload more than its bytes: at 10k records 8 KB shards made
/// 2,183 files; 16 KB halves that, and a query's one to three shards stay a few KB gzipped.
const SHARD_BYTES: usize = 16 * 1024;
/// Records per result-data file: a page of ten results touches up to ten files, so small —
/// but not so small that a large site has a file for every few records (16: 1k files at 10k).
const CHUNK: usize = 16;
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

/// A whole-value match takes the top level, which puts 「谷口消化器内科クリニック」 above
/// 「… 2号館」.
const EXACT: u8 = postings::TOP;

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

/// The figures `RENKEI_TIMINGS` and the benchmark print.
#[derive(Debug, Default)]
pub struct Stats {
    pub grams: usize,
    pub postings: usize,
    pub shards: usize,
    pub files: usize,
}

/// Shards made and handed on at a time: enough to keep both cores busy, few enough that the
/// JSON of only a sliver of the index is in memory at once.
const SHARD_BATCH: usize = 256;

/// Records whose grams are worked out at a time before they join the posting lists.
const DOC_BATCH: usize = 2048;

/// Builds the index of `docs` and hands its files to `emit` a batch at a time, so a large
/// site's shards are written while the next are made. `words` is the site's vocabulary as
/// manifest members ([`super::vocabulary::Vocabulary::manifest_json`]).
pub fn build(
    mut docs: Vec<Doc>,
    words: &str,
    emit: &mut (dyn FnMut(Vec<OutFile>) -> std::io::Result<()> + '_),
) -> std::io::Result<Stats> {
    // What needs the records' text is taken first; then the grams, which drop each batch's
    // text as they go, so the text and the posting lists are never all in memory together.
    let mut timer = crate::pipeline::timing::Timer::new();
    let facets = facet_lists(&docs);
    let doc_rows: Vec<String> = docs.iter().map(doc_row).collect();
    let exact = exact_postings(&docs);
    timer.step("search: rows and whole values");
    let grams = gather(&mut docs);
    timer.step("search: grams");
    // Every key in the order the shards list them. `=` starts exact keys and no gram, so the
    // keys are distinct and an unstable sort is deterministic.
    let mut entries: Vec<(String, &Postings)> = grams
        .iter()
        .map(|(g, p)| (unpack(*g), p))
        .chain(exact.iter().map(|(k, p)| (k.clone(), p)))
        .collect();
    entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    timer.step("search: sorted");
    let mut stats = Stats {
        grams: entries.len(),
        postings: entries.iter().map(|(_, p)| p.len()).sum(),
        ..Stats::default()
    };
    // The JSON's size decides the shard count; it is worked out here without making it, and
    // made per shard below rather than kept, which at 100k records would be hundreds of MB.
    let total: usize = entries
        .par_iter()
        .map(|(gram, list)| json_string(gram).len() + list.encoded_len() + 2)
        .sum();
    timer.step("search: sized");

    let inline = total + doc_rows.iter().map(String::len).sum::<usize>() <= INLINE_BYTES;
    let shards = if inline {
        0
    } else {
        total.div_ceil(SHARD_BYTES).max(1)
    };
    stats.shards = shards;
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
    let heavy: Vec<&str> = entries
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
        manifest.push_str(&object(entries.iter()));
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
        let mut by_shard: Vec<Vec<&(String, &Postings)>> = vec![Vec::new(); shards];
        for e in &entries {
            by_shard[fnv1a(&e.0) as usize % shards].push(e);
        }
        for (b, batch) in by_shard.chunks(SHARD_BATCH).enumerate() {
            let files: Vec<OutFile> = batch
                .par_iter()
                .enumerate()
                .map(|(i, shard)| {
                    OutFile::text(
                        format!("search/p/{}.json", b * SHARD_BATCH + i),
                        object(shard.iter().copied()),
                    )
                })
                .collect();
            stats.files += files.len();
            emit(files)?;
        }
        drop(by_shard);
        let mut files = Vec::new();
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
        stats.files += files.len();
        emit(files)?;
    }
    manifest.push_str("}\n");
    stats.files += 1;
    emit(vec![OutFile::text("search/index.json", manifest)])?;
    Ok(stats)
}

/// Every gram's postings, records numbered in `docs` order. Records are worked out in
/// batches, in parallel, and joined in order; each batch's text is dropped once its grams are
/// in, so memory holds the compact lists and what is left of the text, not both in full.
fn gather(docs: &mut [Doc]) -> GramMap<Postings> {
    let avg = field_averages(docs);
    let mut grams: GramMap<Postings> = GramMap::default();
    for (b, batch) in docs.chunks_mut(DOC_BATCH).enumerate() {
        let weights: Vec<Vec<(Gram, u8)>> =
            batch.par_iter().map(|d| doc_weights(d, &avg)).collect();
        for (i, list) in weights.into_iter().enumerate() {
            let id = (b * DOC_BATCH + i) as u32;
            for (gram, level) in list {
                grams.entry(gram).or_default().push(id, level);
            }
        }
        for d in batch {
            d.fields = Vec::new();
        }
    }
    grams
}

/// The records each whole value ([`exact_tokens`]) belongs to.
fn exact_postings(docs: &[Doc]) -> BTreeMap<String, Postings> {
    let mut exact: BTreeMap<String, Postings> = BTreeMap::new();
    for (id, d) in docs.iter().enumerate() {
        for token in exact_tokens(d) {
            exact.entry(token).or_default().push(id as u32, EXACT);
        }
    }
    exact
}

/// A record's text by field, cut into runs of searchable characters; fields holding readings
/// also get their runs with long vowels left out.
fn field_runs(d: &Doc) -> Vec<(Field, Vec<Vec<char>>)> {
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
}

/// Average length of each field over the records that have it, for BM25's length norm.
type Averages = [f64; Field::ALL.len()];

fn field_averages(docs: &[Doc]) -> Averages {
    let sums = docs
        .par_iter()
        .map(|d| {
            let mut s = [(0usize, 0usize); Field::ALL.len()];
            for (field, runs) in field_runs(d) {
                let slot = &mut s[field as usize];
                slot.0 += runs.iter().map(Vec::len).sum::<usize>();
                slot.1 += 1;
            }
            s
        })
        .reduce(
            || [(0, 0); Field::ALL.len()],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.0 += y.0;
                    x.1 += y.1;
                }
                a
            },
        );
    sums.map(|(len, n)| {
        if n == 0 {
            1.0
        } else {
            (len as f64 / n as f64).max(1.0)
        }
    })
}

/// One record's grams with their weight levels ([`postings::level`]). Grams are counted by
/// sorting rather than in hash maps: a record has a few hundred, and a map per field per
/// record was most of the index's time. Each gram's field scores are added in field order,
/// as they always were, so the weights are the same to the bit.
fn doc_weights(d: &Doc, avg: &Averages) -> Vec<(Gram, u8)> {
    let mut scores: Vec<(Gram, f64)> = Vec::new();
    let mut all: Vec<Gram> = Vec::new();
    for (field, values) in field_runs(d) {
        let len: usize = values.iter().map(Vec::len).sum();
        let norm = K1 * (1.0 - B + B * len as f64 / avg[field as usize]);
        all.clear();
        for v in &values {
            grams(v, field.has_unigrams(), |g| all.push(g));
        }
        all.sort_unstable();
        for same in all.chunk_by(|a, b| a == b) {
            let n = f64::from(same.len() as u32);
            scores.push((same[0], field.weight() * n / (n + norm)));
        }
    }
    // Stable: a gram's scores stay in field order.
    scores.sort_by_key(|(g, _)| *g);
    scores
        .chunk_by(|a, b| a.0 == b.0)
        .map(|same| {
            let s = same.iter().fold(0.0, |sum, (_, x)| sum + x);
            (same[0].0, postings::level(s * SCALE))
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

/// `{"gram":[…],…}`: the entries' postings as one JSON object.
fn object<'a, 'p: 'a>(entries: impl Iterator<Item = &'a (String, &'p Postings)>) -> String {
    let mut out = String::from("{");
    for (i, (gram, list)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&json_string(gram));
        out.push(':');
        list.encode(&mut out);
    }
    out.push('}');
    out
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

    #[test]
    fn gathered_lists_number_records_across_batches() {
        // More records than one batch, each with its own name and a shared word.
        let docs: Vec<Doc> = (0..DOC_BATCH + 300)
            .map(|i| Doc {
                fields: vec![
                    (Field::Name, format!("医院{i}")),
                    (
                        Field::Body,
                        if i % 7 == 0 {
                            "在宅".into()
                        } else {
                            String::new()
                        },
                    ),
                ],
                ..Doc::default()
            })
            .collect();
        let avg = field_averages(&docs);
        let grams = gather(&mut docs.clone());
        let mut expected: GramMap<Vec<(u32, u8)>> = GramMap::default();
        for (id, d) in docs.iter().enumerate() {
            for (g, l) in doc_weights(d, &avg) {
                expected.entry(g).or_default().push((id as u32, l));
            }
        }
        assert_eq!(grams.len(), expected.len());
        for (g, list) in &expected {
            let got: Vec<(u32, u8)> = grams[g].iter().collect();
            assert_eq!(&got, list, "{}", unpack(*g));
        }
        let home = grams[&pack(&['在', '宅'])]
            .iter()
            .map(|p| p.0)
            .collect::<Vec<_>>();
        assert_eq!(home.len(), (DOC_BATCH + 300).div_ceil(7));
        let past_the_first_batch = (DOC_BATCH as u32 / 7 + 1) * 7;
        assert!(home.contains(&past_the_first_batch));
    }

    fn collect(docs: &[Doc]) -> (Vec<OutFile>, Stats) {
        let mut files = Vec::new();
        let stats = build(docs.to_vec(), "", &mut |batch| {
            files.extend(batch);
            Ok(())
        })
        .expect("no output errors in memory");
        (files, stats)
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
        let (files, stats) = collect(&docs);
        assert_eq!(files.len(), 1);
        assert_eq!(stats.shards, 0);
        assert_eq!(files[0].path, "search/index.json");
    }

    #[test]
    fn large_sites_put_every_key_in_the_shard_its_hash_names() {
        // Bodies of kanji picked by a fixed pseudo-random walk: enough distinct grams for more
        // shards than one batch makes.
        let kanji: Vec<char> = ('\u{4E00}'..='\u{4FFF}').collect();
        let mut seed: u32 = 1;
        let docs: Vec<Doc> = (0..1000)
            .map(|i| {
                let body: String = (0..120)
                    .map(|_| {
                        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        kanji[(seed >> 16) as usize % kanji.len()]
                    })
                    .collect();
                Doc {
                    path: format!("partners/p{i}/"),
                    title: format!("さくら医院{i}"),
                    fields: vec![
                        (Field::Name, format!("さくら医院{i}号館")),
                        (Field::Body, body),
                    ],
                    ..Doc::default()
                }
            })
            .collect();
        let (files, stats) = collect(&docs);
        assert!(stats.shards > SHARD_BATCH, "{} shards", stats.shards);
        let shard_files = files.iter().filter(|f| f.path.starts_with("search/p/"));
        assert_eq!(shard_files.count(), stats.shards);
        assert_eq!(stats.files, files.len());
        let mut keys = 0;
        for f in files.iter().filter(|f| f.path.starts_with("search/p/")) {
            let n: usize = f.path["search/p/".len()..f.path.len() - 5]
                .parse()
                .expect("a shard number");
            let crate::pipeline::output::Source::Bytes(bytes) = &f.source else {
                panic!("{} is not made in memory", f.path);
            };
            let text = std::str::from_utf8(bytes).expect("JSON text");
            let shard: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(text).expect("a JSON object");
            for key in shard.keys() {
                assert_eq!(fnv1a(key) as usize % stats.shards, n, "{key}");
            }
            keys += shard.len();
        }
        assert_eq!(keys, stats.grams);
        assert_eq!(
            files.last().map(|f| f.path.as_str()),
            Some("search/index.json")
        );
    }
}
