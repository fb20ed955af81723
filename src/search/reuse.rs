//! The last build's index, read back and patched, for a rebuild after an edit.
//!
//! Cutting every record into weighted grams is most of the index's time (0.7 s of a 10k
//! site's 1 s), yet a phone number edited in one record changes that record's postings only.
//! A posting's weight depends on nothing but its record's own text and the average length of
//! each field over all records ([`super::index`]); so when those averages are the same to the
//! bit and every other record's text is the same, every other record's postings are exactly
//! the ones the last build wrote. They are read back from its shards, the edited records'
//! postings are taken out and worked out again, and the index is made from the result as a
//! full build makes it — the shard count, the common grams and the manifest follow from the
//! lists, so none of them needs to be the same as before.
//!
//! What "the same text" means is kept in a [`Memo`] beside the output (in the build's record):
//! a hash of each record's searchable fields, in index order, and the averages. Anything not
//! as expected — another record count, other averages, an index small enough to be inline in
//! its manifest, a shard that cannot be read — returns `None`, and the index is built in full.
//! The caller must only offer the output of the build the memo describes, unchanged since
//! (the edit path checks every file's size and mtime against the manifest).

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::documents::Doc;
use super::postings::{Postings, LEVELS};
use super::weights::Lengths;

/// What the next build needs to know about this build's index to reuse it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memo {
    /// How many `search/p/<n>.json` shards were written (0: all inline in the manifest).
    pub shards: usize,
    /// The field-length averages, as the bits of each `f64`.
    pub averages: Vec<u64>,
    /// A hash of each record's searchable fields, in index order.
    pub docs: Vec<u64>,
    /// Each record's length in each field, in index order: a record with the same hash has the
    /// same lengths, so the averages need only the edited records' text.
    #[serde(default)]
    pub lengths: Vec<Lengths>,
}

impl Memo {
    /// The lengths of record `i` if its text is still what hashed to `hash`.
    pub(super) fn lengths(&self, i: usize, hash: u64) -> Option<Lengths> {
        (self.docs.get(i) == Some(&hash))
            .then(|| self.lengths.get(i).copied())
            .flatten()
    }
}

/// The last build's index: its output folder and its memo.
#[derive(Debug, Clone, Copy)]
pub struct Reuse<'a> {
    pub out: &'a Path,
    pub memo: &'a Memo,
}

/// A hash of what a record's postings are made from: its fields, in order.
pub(super) fn doc_hash(d: &Doc) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    d.fields.hash(&mut h);
    h.finish()
}

/// One list's `(record, level)` pairs as it is read or worked out.
type Pairs = Vec<(u32, u8)>;

/// Keys with their posting lists.
type Lists = Vec<(String, Postings)>;

impl Reuse<'_> {
    /// Every key's postings for `docs`, from the last build's shards with the records whose
    /// hash changed worked out again by `keys_of` (a record's keys with their levels); `None`
    /// when the last index cannot be reused (see the module comment).
    pub(super) fn lists(
        &self,
        docs: &[Doc],
        averages: &[f64],
        hashes: &[u64],
        keys_of: impl Fn(&Doc) -> Vec<(String, u8)> + Sync,
    ) -> Option<Lists> {
        let memo = self.memo;
        let same_averages = memo.averages.len() == averages.len()
            && memo
                .averages
                .iter()
                .zip(averages)
                .all(|(a, b)| *a == b.to_bits());
        if memo.shards == 0 || memo.docs.len() != hashes.len() || !same_averages {
            return None;
        }
        let changed: Vec<u32> = (0..hashes.len())
            .filter(|&i| memo.docs[i] != hashes[i])
            .map(|i| i as u32)
            .collect();
        let gone: HashSet<u32> = changed.iter().copied().collect();
        let mut added: HashMap<String, Pairs> = HashMap::new();
        // In record order, so each key's additions are in record order too.
        for id in &changed {
            for (key, level) in keys_of(&docs[*id as usize]) {
                added.entry(key).or_default().push((*id, level));
            }
        }
        // Each shard's lists, and the keys of `added` it had.
        let shards: Vec<(Lists, Vec<String>)> = (0..memo.shards)
            .into_par_iter()
            .map(|n| {
                let path = self.out.join(format!("search/p/{n}.json"));
                let bytes = std::fs::read(path).ok()?;
                let mut lists = Vec::new();
                let mut met = Vec::new();
                for (key, mut pairs) in read_shard(&bytes)? {
                    pairs.retain(|(d, _)| !gone.contains(d));
                    if let Some(more) = added.get(&key) {
                        pairs.extend_from_slice(more);
                        met.push(key.clone());
                    }
                    if let Some(list) = postings(pairs) {
                        lists.push((key, list));
                    }
                }
                Some((lists, met))
            })
            .collect::<Option<_>>()?;
        let mut lists = Vec::new();
        for (shard, met) in shards {
            lists.extend(shard);
            for key in met {
                added.remove(&key);
            }
        }
        // Keys no record had before the edit.
        for (key, pairs) in added {
            lists.push((key, postings(pairs)?));
        }
        Some(lists)
    }
}

/// `pairs` as a list in record order; `None` if a record appears twice (not a list this index
/// wrote). An empty list is no list.
fn postings(mut pairs: Pairs) -> Option<Postings> {
    if pairs.is_empty() {
        return None;
    }
    pairs.sort_unstable_by_key(|(d, _)| *d);
    let mut list = Postings::default();
    let mut last = None;
    for (doc, level) in pairs {
        if last == Some(doc) {
            return None;
        }
        last = Some(doc);
        list.push(doc, level);
    }
    Some(list)
}

/// A shard as [`Postings::encode`] wrote it: `{"key": [weight, count, gap…, weight, …]}`.
fn read_shard(bytes: &[u8]) -> Option<Vec<(String, Pairs)>> {
    let shard: HashMap<String, Vec<u32>> = serde_json::from_slice(bytes).ok()?;
    shard
        .into_iter()
        .map(|(key, numbers)| Some((key, decode(&numbers)?)))
        .collect()
}

/// One list's `[weight, count, gap…]` runs as `(record, level)` pairs.
fn decode(numbers: &[u32]) -> Option<Pairs> {
    let mut pairs = Vec::new();
    let mut at = 0;
    while at < numbers.len() {
        let weight = *numbers.get(at)?;
        let level = LEVELS.iter().position(|l| u32::from(*l) == weight)? as u8;
        let count = *numbers.get(at + 1)? as usize;
        let gaps = numbers.get(at + 2..at + 2 + count)?;
        let mut doc = 0u32;
        for gap in gaps {
            doc = doc.checked_add(*gap)?;
            pairs.push((doc, level));
        }
        at += 2 + count;
    }
    Some(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::output::{OutFile, Source};
    use crate::search::documents::Field;
    use std::collections::BTreeMap;

    fn records() -> Vec<Doc> {
        crate::search::index::sample_docs(600, 80)
    }

    /// Builds the index of `docs` (patching the one in `out` when `reuse`), writes its files
    /// into `out` and returns them with the memo and whether it was patched.
    fn build(
        docs: &[Doc],
        out: &Path,
        memo: Option<&Memo>,
    ) -> (BTreeMap<String, Vec<u8>>, Memo, bool) {
        let mut files: Vec<OutFile> = Vec::new();
        let reuse = memo.map(|memo| Reuse { out, memo });
        let (stats, memo) = super::super::index::build(docs.to_vec(), "", reuse, &mut |batch| {
            files.extend(batch);
            Ok(())
        })
        .expect("in memory");
        let _ = std::fs::remove_dir_all(out.join("search"));
        let mut map = BTreeMap::new();
        for f in files {
            let Source::Bytes(bytes) = f.source else {
                panic!("{} is not made in memory", f.path);
            };
            let path = out.join(&f.path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            std::fs::write(&path, &bytes).expect("written");
            map.insert(f.path, bytes);
        }
        (map, memo, stats.reused)
    }

    fn edit(docs: &mut [Doc], i: usize, field: Field, text: &str) {
        let slot = docs[i]
            .fields
            .iter_mut()
            .find(|(f, _)| *f == field)
            .expect("field");
        slot.1 = text.to_string();
    }

    #[test]
    fn a_patched_index_is_the_index_built_anew() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (out, fresh) = (dir.path().join("out"), dir.path().join("fresh"));
        let mut docs = records();
        let (_, mut memo, _) = build(&docs, &out, None);
        assert!(memo.shards > 1, "{} shards", memo.shards);
        // A number of the same length, and a body with one character changed: every field's
        // average length stays, so the index is patched.
        edit(&mut docs, 17, Field::Phone, "099-999-9999");
        let mut body: Vec<char> = docs[400].fields[2].1.chars().collect();
        body[10] = '在';
        edit(
            &mut docs,
            400,
            Field::Body,
            &body.into_iter().collect::<String>(),
        );
        for step in ["patched", "a new name"] {
            if step == "a new name" {
                // A new name of the same length: grams no record had before.
                edit(&mut docs, 3, Field::Name, "ひまわり医院号館");
                edit(&mut docs, 5, Field::Name, "ひまわり医院号館");
            }
            let (patched, next, reused) = build(&docs, &out, Some(&memo));
            assert!(reused, "{step}: not patched");
            let (anew, again, _) = build(&docs, &fresh, None);
            assert_eq!(patched, anew, "{step}");
            assert_eq!(next, again, "{step}");
            memo = next;
        }
        // A longer number changes the numbers' average length: built anew, still the same.
        edit(&mut docs, 17, Field::Phone, "099-9999-99999");
        let (patched, _, reused) = build(&docs, &out, Some(&memo));
        assert!(!reused);
        assert_eq!(patched, build(&docs, &fresh, None).0);
    }

    #[test]
    fn an_index_that_cannot_be_read_is_built_anew() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let mut docs = records();
        let (before, memo, _) = build(&docs, &out, None);
        edit(&mut docs, 17, Field::Phone, "099-999-9999");
        std::fs::write(out.join("search/p/0.json"), "{\"ab\":[7,").expect("written");
        let (after, _, reused) = build(&docs, &out, Some(&memo));
        assert!(!reused);
        assert_ne!(before, after);
        // Another record count: the memo is another site's.
        let (_, _, reused) = build(&docs[1..], &out, Some(&memo));
        assert!(!reused);
    }

    fn encoded(pairs: &[(u32, u8)]) -> String {
        let mut out = String::new();
        postings(pairs.to_vec()).expect("a list").encode(&mut out);
        out
    }

    #[test]
    fn a_list_reads_back_as_it_was_written() {
        let pairs = vec![(0, 3), (2, 15), (7, 3), (8, 0), (300, 15), (301, 9)];
        let text = encoded(&pairs);
        let numbers: Vec<u32> = serde_json::from_str(&text).expect("a JSON array");
        let mut back = decode(&numbers).expect("runs");
        back.sort_unstable();
        assert_eq!(back, pairs);
        assert_eq!(encoded(&back), text);
    }

    #[test]
    fn lists_not_written_by_the_index_are_refused() {
        // A weight that is no level, a count past the end, a record twice.
        assert_eq!(decode(&[5, 1, 0]), None);
        assert_eq!(decode(&[255, 3, 1, 2]), None);
        assert!(postings(vec![(1, 2), (1, 3)]).is_none());
        assert!(read_shard(b"{\"ab\":[255,1,0],\"cd\":[7,1,0]}").is_none());
        assert!(read_shard(b"[1,2]").is_none());
    }
}
