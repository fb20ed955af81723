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

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::documents::Doc;
use super::postings::{List, Postings, LEVELS};
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
type Lists = Vec<(String, List)>;

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
        // Looked up for each of millions of postings: a flag per record, not a hash set.
        let mut gone = vec![false; hashes.len()];
        for id in &changed {
            gone[*id as usize] = true;
        }
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
                patch_shard(&std::fs::read(path).ok()?, &gone, &added)
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
            lists.push((key, List::Made(postings(pairs)?)));
        }
        Some(lists)
    }
}

/// One shard of the last build's index with the edit applied. A list that holds no edited
/// record and gains none is kept as its JSON text, neither decoded into a list nor encoded
/// again (a phone number edited touches a few lists of the 80k at 10k records); the others are
/// decoded, the edited records taken out and their new postings (`added`) put in. Returns the
/// lists and the keys of `added` the shard had.
fn patch_shard(
    bytes: &[u8],
    gone: &[bool],
    added: &HashMap<String, Pairs>,
) -> Option<(Lists, Vec<String>)> {
    let mut lists = Vec::new();
    let mut met = Vec::new();
    let mut numbers = Vec::new();
    for (key, json) in entries(bytes)? {
        read_numbers(json, &mut numbers)?;
        let (mut len, mut touched) = (0, false);
        runs(&numbers, |doc, _| {
            len += 1;
            touched |= gone.get(doc as usize).copied().unwrap_or(true);
        })?;
        let more = added.get(&key);
        if !touched && more.is_none() {
            let json = json.into();
            lists.push((key, List::Kept { json, len }));
            continue;
        }
        let mut pairs = Vec::with_capacity(len);
        runs(&numbers, |doc, level| {
            if !gone.get(doc as usize).copied().unwrap_or(true) {
                pairs.push((doc, level));
            }
        })?;
        if let Some(more) = more {
            pairs.extend_from_slice(more);
            met.push(key.clone());
        }
        if !pairs.is_empty() {
            lists.push((key, List::Made(postings(pairs)?)));
        }
    }
    Some((lists, met))
}

/// `pairs` (not empty) as a list in record order; `None` if a record appears twice (not a
/// list this index wrote).
fn postings(mut pairs: Pairs) -> Option<Postings> {
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
    (list.len() > 0).then_some(list)
}

/// The entries of a shard as the index writes it, `{"key":[…],"key":[…]}` with no spaces:
/// each key with its list's JSON text. `None` for anything else.
fn entries(bytes: &[u8]) -> Option<Vec<(String, &str)>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut rest = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (key, after) = json_key(rest)?;
        let after = after.strip_prefix(':')?;
        let end = after.find(']')?;
        let list = &after[..=end];
        if !list.starts_with('[') {
            return None;
        }
        out.push((key, list));
        rest = &after[end + 1..];
        if let Some(more) = rest.strip_prefix(',') {
            if more.is_empty() {
                return None;
            }
            rest = more;
        } else if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

/// The JSON string at the start of `text`, and what follows it. Keys are written by
/// serde_json; one with an escape in it is read back by serde_json too.
fn json_key(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('"')?;
    let bytes = body.as_bytes();
    let (mut end, mut escaped) = (0, false);
    while end < bytes.len() && bytes[end] != b'"' {
        if bytes[end] == b'\\' {
            escaped = true;
            end += 1;
        }
        end += 1;
    }
    let rest = body.get(end + 1..)?;
    let key = if escaped {
        serde_json::from_str(&text[..end + 2]).ok()?
    } else {
        body[..end].to_string()
    };
    Some((key, rest))
}

/// The numbers of a list's JSON text, `[45,2,3,7]`, into `out`. By hand: millions of them are
/// read after every edit.
fn read_numbers(json: &str, out: &mut Vec<u32>) -> Option<()> {
    out.clear();
    let inner = json.strip_prefix('[')?.strip_suffix(']')?;
    let (mut n, mut digits) = (0u32, 0);
    for b in inner.bytes() {
        if b == b',' && digits > 0 {
            out.push(n);
            (n, digits) = (0, 0);
        } else if b.is_ascii_digit() {
            n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
            digits += 1;
        } else {
            return None;
        }
    }
    (digits > 0).then(|| out.push(n))
}

/// Each `(record, level)` of a list's `[weight, count, gap…, weight, …]` runs.
fn runs(numbers: &[u32], mut each: impl FnMut(u32, u8)) -> Option<()> {
    let mut at = 0;
    while at < numbers.len() {
        let weight = *numbers.get(at)?;
        let level = LEVELS.iter().position(|l| u32::from(*l) == weight)? as u8;
        let count = *numbers.get(at + 1)? as usize;
        let gaps = numbers.get(at + 2..at + 2 + count)?;
        let mut doc = 0u32;
        for gap in gaps {
            doc = doc.checked_add(*gap)?;
            each(doc, level);
        }
        at += 2 + count;
    }
    Some(())
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

    fn decode(json: &str) -> Option<Pairs> {
        let mut numbers = Vec::new();
        read_numbers(json, &mut numbers)?;
        let mut pairs = Vec::new();
        runs(&numbers, |doc, level| pairs.push((doc, level)))?;
        Some(pairs)
    }

    #[test]
    fn a_list_reads_back_as_it_was_written() {
        let pairs = vec![(0, 3), (2, 15), (7, 3), (8, 0), (300, 15), (301, 9)];
        let text = encoded(&pairs);
        let mut back = decode(&text).expect("runs");
        back.sort_unstable();
        assert_eq!(back, pairs);
        assert_eq!(encoded(&back), text);
    }

    #[test]
    fn a_shard_reads_back_key_by_key() {
        let shard = r#"{"ab":[255,1,0],"a\"b":[1,2,3,4],"=さくら":[45,1,7]}"#;
        let read = entries(shard.as_bytes()).expect("entries");
        let keys: Vec<&str> = read.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["ab", "a\"b", "=さくら"]);
        assert_eq!(read[1].1, "[1,2,3,4]");
        assert_eq!(entries(b"{}"), Some(Vec::new()));
    }

    #[test]
    fn lists_not_written_by_the_index_are_refused() {
        // A weight that is no level, a count past the end, a record twice, no numbers.
        assert_eq!(decode("[5,1,0]"), None);
        assert_eq!(decode("[255,3,1,2]"), None);
        assert_eq!(decode("[255,1,-1]"), None);
        assert_eq!(decode("[]"), None);
        assert!(postings(vec![(1, 2), (1, 3)]).is_none());
        for broken in [
            &b"[1,2]"[..],
            b"{\"ab\":[1,1,0],}",
            b"{\"ab\" [1,1,0]}",
            b"{\"ab",
        ] {
            assert!(
                entries(broken).is_none(),
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
    }
}
