//! The static search index: character n-grams with precomputed BM25 weights
//! ([`super::weights`]), cut into shards so the browser fetches only what a query needs.
//!
//! Every posting carries its weight for the record, computed here once (field weight × BM25
//! term saturation with field-length normalisation), so the client only multiplies by the
//! gram's rarity and adds: no document lengths or field data need to travel.
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

use std::collections::BTreeMap;
use std::fmt::Write;

use rayon::prelude::*;

use super::documents::{Doc, FACETS};
use super::postings::{List, Postings};
use super::reuse::{self, KeptShard, Lists, Memo, Reuse};
use super::weights::{
    averages, doc_weights, exact_tokens, field_lengths, unpack, Averages, Gram, GramMap, Lengths,
    EXACT,
};
use crate::pipeline::output::{OutFile, Source};

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

/// The figures `RENKEI_TIMINGS` and the benchmark print.
#[derive(Debug, Default)]
pub struct Stats {
    pub grams: usize,
    pub postings: usize,
    pub shards: usize,
    pub files: usize,
    /// Whether the last build's index was read and patched ([`super::reuse`]).
    pub reused: bool,
}

/// Shards made and handed on at a time: enough to keep both cores busy, few enough that the
/// JSON of only a sliver of the index is in memory at once.
const SHARD_BATCH: usize = 256;

/// Records whose grams are worked out at a time before they join the posting lists.
const DOC_BATCH: usize = 2048;

/// Builds the index of `docs` and hands its files to `emit` a batch at a time, so a large
/// site's shards are written while the next are made. `words` is the site's vocabulary as
/// manifest members ([`super::vocabulary::Vocabulary::manifest_json`]). With `reuse`, the
/// postings of records unchanged since the last build are read from its shards
/// ([`super::reuse`]); the files are the same either way. Returns what the next build needs to
/// reuse this index.
pub fn build(
    mut docs: Vec<Doc>,
    words: &str,
    reuse: Option<Reuse<'_>>,
    emit: &mut (dyn FnMut(Vec<OutFile>) -> std::io::Result<()> + '_),
) -> std::io::Result<(Stats, Memo)> {
    // What needs the records' text is taken first; then the grams, which drop each batch's
    // text as they go, so the text and the posting lists are never all in memory together.
    let mut timer = crate::pipeline::timing::Timer::new();
    let facets = facet_lists(&docs);
    let doc_rows: Vec<String> = docs.iter().map(doc_row).collect();
    let reuse = reuse.filter(|r| r.memo.describes(r.out));
    let hashes: Vec<u64> = docs.par_iter().map(reuse::doc_hash).collect();
    // A record the last build indexed with the same text has the same lengths. One that is
    // measured is settled first, so its grams are made from the same runs.
    let lengths: Vec<Lengths> = docs
        .par_iter_mut()
        .zip(&hashes)
        .enumerate()
        .map(|(i, (d, hash))| {
            reuse
                .and_then(|r| r.memo.lengths(i, *hash))
                .unwrap_or_else(|| {
                    d.settle();
                    field_lengths(d)
                })
        })
        .collect();
    let avg = averages(&lengths);
    let records = docs.len();
    timer.step("search: rows, field lengths and hashes");
    let keys_of = |d: &Doc| {
        let grams = doc_weights(d, &avg)
            .into_iter()
            .map(|(g, l)| (unpack(g), l));
        grams
            .chain(exact_tokens(d).into_iter().map(|t| (t, EXACT)))
            .collect()
    };
    let rows_len: usize = doc_rows.iter().map(String::len).sum();
    let is_heavy = |key: &str, len: usize| key.chars().count() == 3 && len * HEAVY > records;
    let shard_of = |key: &str, shards: usize| fnv1a(key) as usize % shards;
    // Kept shards are only the same files again if the shard count stays.
    let reused = reuse
        .and_then(|r| r.patch(&docs, &avg, &hashes, keys_of, shard_of, &is_heavy))
        .filter(|p| shard_count(json_len(&p.lists, &p.kept), rows_len) == p.shards);
    let patched = reused.is_some();
    let (mut entries, kept) = match reused {
        Some(p) => {
            timer.step("search: the last index read and patched");
            (p.lists, p.kept)
        }
        None => {
            let exact = exact_postings(&docs);
            let grams = gather(&mut docs, &avg);
            timer.step("search: grams");
            let lists: Lists = grams
                .into_iter()
                .map(|(g, p)| (unpack(g), p))
                .chain(exact)
                .map(|(key, p)| (key, List::Made(p)))
                .collect();
            (lists, Vec::new())
        }
    };
    drop(docs);
    // Every key in the order the shards list them. `=` starts exact keys and no gram, so the
    // keys are distinct and an unstable sort is deterministic.
    entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    timer.step("search: sorted");
    let mut stats = Stats {
        grams: entries.len() + kept.iter().map(|k| k.keys).sum::<usize>(),
        postings: entries.iter().map(|(_, p)| p.len()).sum::<usize>()
            + kept.iter().map(|k| k.postings).sum::<usize>(),
        reused: patched,
        ..Stats::default()
    };
    // The JSON's size decides the shard count; it is worked out here without making it, and
    // made per shard below rather than kept, which at 100k records would be hundreds of MB.
    let shards = shard_count(json_len(&entries, &kept), rows_len);
    let inline = shards == 0;
    timer.step("search: sized");
    stats.shards = shards;
    let mut manifest = format!(
        "{{\"version\":1,\"docs\":{records},\"shards\":{shards},\"chunk\":{CHUNK},\"facets\":{{"
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
    let mut heavy: Vec<&str> = entries
        .iter()
        .filter(|(g, list)| is_heavy(g, list.len()))
        .map(|(g, _)| g.as_str())
        .chain(kept.iter().flat_map(|k| k.heavy.iter().map(String::as_str)))
        .collect();
    heavy.sort_unstable();
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
        let mut by_shard: Vec<Vec<&(String, List)>> = vec![Vec::new(); shards];
        for e in &entries {
            by_shard[shard_of(&e.0, shards)].push(e);
        }
        let mut kept_files = vec![None; shards];
        for k in &kept {
            kept_files[k.shard] = Some(&k.path);
        }
        for (b, batch) in by_shard.chunks(SHARD_BATCH).enumerate() {
            let files: Vec<OutFile> = batch
                .par_iter()
                .enumerate()
                .map(|(i, shard)| {
                    let n = b * SHARD_BATCH + i;
                    let path = format!("search/p/{n}.json");
                    match kept_files[n] {
                        Some(old) => OutFile {
                            path,
                            source: Source::Copy(old.clone()),
                        },
                        None => OutFile::text(path, object(shard.iter().copied())),
                    }
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
    let memo = Memo {
        shards,
        averages: avg.iter().map(|a| a.to_bits()).collect(),
        docs: hashes,
        lengths,
    };
    Ok((stats, memo))
}

/// Every gram's postings, records numbered in `docs` order. Records are worked out in
/// batches, in parallel, and joined in order; each batch's text is dropped once its grams are
/// in, so memory holds the compact lists and what is left of the text, not both in full.
fn gather(docs: &mut [Doc], avg: &Averages) -> GramMap<Postings> {
    let mut grams: GramMap<Postings> = GramMap::default();
    for (b, batch) in docs.chunks_mut(DOC_BATCH).enumerate() {
        let weights: Vec<Vec<(Gram, u8)>> = batch.par_iter().map(|d| doc_weights(d, avg)).collect();
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

/// How many shards an index of `json` bytes of postings (and `rows` of result data) is cut
/// into; 0 when it is small enough to go inline in its manifest.
fn shard_count(json: usize, rows: usize) -> usize {
    if json + rows <= INLINE_BYTES {
        0
    } else {
        json.div_ceil(SHARD_BYTES).max(1)
    }
}

/// The JSON size of the postings: each key, its list and their punctuation, and what the
/// shards kept whole hold.
fn json_len(entries: &[(String, List)], kept: &[KeptShard]) -> usize {
    let made: usize = entries
        .par_iter()
        .map(|(key, list)| json_string(key).len() + list.encoded_len() + 2)
        .sum();
    made + kept.iter().map(|k| k.json_len).sum::<usize>()
}

/// `{"gram":[…],…}`: the entries' postings as one JSON object.
fn object<'a>(entries: impl Iterator<Item = &'a (String, List)>) -> String {
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

/// `n` records with a name, a number and a body of `body` kanji picked by a fixed
/// pseudo-random walk, so that a few hundred records make an index of many shards.
#[cfg(test)]
pub(super) fn sample_docs(n: usize, body: usize) -> Vec<Doc> {
    use super::documents::Field;
    let kanji: Vec<char> = ('\u{4E00}'..='\u{4FFF}').collect();
    let mut seed: u32 = 1;
    (0..n)
        .map(|i| {
            let text: String = (0..body)
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
                    (Field::Phone, format!("099-{:03}-{:04}", i % 1000, i * 7)),
                    (Field::Body, text),
                ],
                ..Doc::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::documents::Field;
    use crate::search::weights::{field_averages, pack};

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // Published FNV-1a 32-bit test vectors; search.mjs is checked against the same.
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
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
        let grams = gather(&mut docs.clone(), &avg);
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
        let (stats, _) = build(docs.to_vec(), "", None, &mut |batch| {
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
        // Enough distinct grams for more shards than one batch makes.
        let docs = sample_docs(1000, 120);
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
