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
use super::weights::{averages, Lengths};

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
    /// Whether this memo describes the index in `out`: the record beside the output is read
    /// back from a file, and a memo that does not match the index's own manifest (its record
    /// and shard counts, the manifest checked intact with the rest of the output), or whose
    /// lengths do not give its averages, is not used for anything.
    pub(super) fn describes(&self, out: &Path) -> bool {
        #[derive(Deserialize)]
        struct Head {
            docs: usize,
            shards: usize,
        }
        let head = std::fs::read(out.join("search/index.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Head>(&bytes).ok());
        head.is_some_and(|h| h.docs == self.docs.len() && h.shards == self.shards)
            && self.lengths.len() == self.docs.len()
            && averages(&self.lengths)
                .iter()
                .map(|a| a.to_bits())
                .eq(self.averages.iter().copied())
    }

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
pub(super) type Lists = Vec<(String, List)>;

/// The last build's index with an edit applied.
pub(super) struct Patched {
    /// Every list of the shards the edit touches, and the keys no record had before it.
    pub lists: Lists,
    /// The shards it does not touch, kept whole if the index keeps its shard count.
    pub kept: Vec<KeptShard>,
    /// The last build's shard count.
    pub shards: usize,
}

/// A shard of the last index that no edited record is in and no new posting goes to: its file
/// is the same again, so only what the manifest and the shard count need is kept of it, not its
/// lists (at 100k records they are 200 MB, and memory is what a large site runs short of).
pub(super) struct KeptShard {
    pub shard: usize,
    pub path: std::path::PathBuf,
    pub keys: usize,
    pub postings: usize,
    /// What its entries add to the index's JSON size, as [`super::index`] sizes it.
    pub json_len: usize,
    /// Its keys the manifest lists as common, by `is_heavy`.
    pub heavy: Vec<String>,
}

impl Reuse<'_> {
    /// Every key's postings for `docs`, from the last build's shards with the records whose
    /// hash changed worked out again by `keys_of` (a record's keys with their levels);
    /// `shard_of` names the shard a key is in, `is_heavy` the common lists (by key and
    /// length). `None` when the last index cannot be reused (see the module comment).
    pub(super) fn patch(
        &self,
        docs: &[Doc],
        averages: &[f64],
        hashes: &[u64],
        keys_of: impl Fn(&Doc) -> Vec<(String, u8)> + Sync,
        shard_of: impl Fn(&str, usize) -> usize,
        is_heavy: &(dyn Fn(&str, usize) -> bool + Sync),
    ) -> Option<Patched> {
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
        let mut gains = vec![false; memo.shards];
        for key in added.keys() {
            gains[shard_of(key, memo.shards)] = true;
        }
        let shards: Vec<Shard> = (0..memo.shards)
            .into_par_iter()
            .map(|n| {
                let path = self.out.join(format!("search/p/{n}.json"));
                let bytes = std::fs::read(&path).ok()?;
                let read = read_shard(&bytes, &gone, gains[n], &added, is_heavy)?;
                Some(match read {
                    Shard::Kept(summary) => Shard::Kept(KeptShard {
                        shard: n,
                        path,
                        ..summary
                    }),
                    touched => touched,
                })
            })
            .collect::<Option<_>>()?;
        let mut patched = Patched {
            lists: Vec::new(),
            kept: Vec::new(),
            shards: memo.shards,
        };
        for shard in shards {
            match shard {
                Shard::Kept(kept) => patched.kept.push(kept),
                Shard::Touched(lists) => {
                    for (key, _) in &lists {
                        added.remove(key);
                    }
                    patched.lists.extend(lists);
                }
            }
        }
        // Keys no record had before the edit.
        for (key, pairs) in added {
            patched.lists.push((key, List::Made(postings(pairs)?)));
        }
        Some(patched)
    }
}

/// One shard of the last index, as the edit leaves it.
enum Shard {
    Kept(KeptShard),
    Touched(Lists),
}

/// One shard of the last build's index with the edit applied. A shard that holds no edited
/// record and gains no posting (`gains`) is kept whole. In the others, a list that holds no
/// edited record and gains none is kept as its JSON text, neither decoded into a list nor
/// encoded again; the rest are decoded, the edited records taken out and their new postings
/// (`added`) put in.
fn read_shard(
    bytes: &[u8],
    gone: &[bool],
    gains: bool,
    added: &HashMap<String, Pairs>,
    is_heavy: &(dyn Fn(&str, usize) -> bool + Sync),
) -> Option<Shard> {
    let mut numbers = Vec::new();
    let mut read = Vec::new();
    let mut touched = gains;
    for (key, key_len, json) in entries(bytes)? {
        read_numbers(json, &mut numbers)?;
        let (mut len, mut holds) = (0, false);
        runs(&numbers, |doc, _| {
            len += 1;
            holds |= gone.get(doc as usize).copied().unwrap_or(true);
        })?;
        touched |= holds;
        read.push((key, key_len, json, len, holds));
    }
    if !touched {
        let mut kept = KeptShard {
            shard: 0,
            path: std::path::PathBuf::new(),
            keys: read.len(),
            postings: 0,
            json_len: 0,
            heavy: Vec::new(),
        };
        for (key, key_len, json, len, _) in read {
            kept.postings += len;
            kept.json_len += key_len + json.len() + 2;
            if is_heavy(&key, len) {
                kept.heavy.push(key);
            }
        }
        return Some(Shard::Kept(kept));
    }
    let mut lists = Vec::new();
    for (key, _, json, len, holds) in read {
        let more = added.get(&key);
        if !holds && more.is_none() {
            let json = json.into();
            lists.push((key, List::Kept { json, len }));
            continue;
        }
        read_numbers(json, &mut numbers)?;
        let mut pairs = Vec::with_capacity(len);
        runs(&numbers, |doc, level| {
            if !gone.get(doc as usize).copied().unwrap_or(true) {
                pairs.push((doc, level));
            }
        })?;
        if let Some(more) = more {
            pairs.extend_from_slice(more);
        }
        if !pairs.is_empty() {
            lists.push((key, List::Made(postings(pairs)?)));
        }
    }
    Some(Shard::Touched(lists))
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
/// each key with the length of its JSON text and its list's JSON text. `None` for anything
/// else.
fn entries(bytes: &[u8]) -> Option<Vec<(String, usize, &str)>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut rest = text.strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (key, after) = json_key(rest)?;
        let key_len = rest.len() - after.len();
        let after = after.strip_prefix(':')?;
        let end = after.find(']')?;
        let list = &after[..=end];
        if !list.starts_with('[') {
            return None;
        }
        out.push((key, key_len, list));
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
        let end = at.checked_add(2)?.checked_add(count)?;
        let gaps = numbers.get(at + 2..end)?;
        let mut doc = 0u32;
        for gap in gaps {
            doc = doc.checked_add(*gap)?;
            each(doc, level);
        }
        at = end;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::output::{OutFile, Source};
    use crate::search::documents::Field;
    use std::collections::BTreeMap;

    /// 600 records of long bodies, whose grams are in most shards, and a short one (600).
    fn records() -> Vec<Doc> {
        let mut docs = crate::search::index::sample_docs(600, 80);
        docs.push(Doc {
            path: "partners/midori/".into(),
            fields: vec![
                (Field::Name, "みどり医院".into()),
                (Field::Phone, "099-000-0000".into()),
            ],
            ..Doc::default()
        });
        docs
    }

    /// Builds the index of `docs` (patching the one in `out` when `memo` is given), writes its
    /// files into `out` and returns them with the memo, whether it was patched and how many
    /// shards were kept whole.
    fn build(
        docs: &[Doc],
        out: &Path,
        memo: Option<&Memo>,
    ) -> (BTreeMap<String, Vec<u8>>, Memo, bool, usize) {
        let mut files: Vec<OutFile> = Vec::new();
        let reuse = memo.map(|memo| Reuse { out, memo });
        let (stats, memo) = super::super::index::build(docs.to_vec(), "", reuse, &mut |batch| {
            files.extend(batch);
            Ok(())
        })
        .expect("in memory");
        // A shard kept whole is copied from the last build's output, which goes next.
        let copied = files
            .iter()
            .filter(|f| matches!(f.source, Source::Copy(_)))
            .count();
        assert!(
            copied == 0 || stats.reused,
            "shards kept whole only when patched"
        );
        let files: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .map(|f| match f.source {
                Source::Bytes(bytes) => (f.path, bytes),
                Source::Copy(from) => (f.path, std::fs::read(from).expect("the last shard")),
            })
            .collect();
        let _ = std::fs::remove_dir_all(out.join("search"));
        let mut map = BTreeMap::new();
        for (name, bytes) in files {
            let path = out.join(&name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
            std::fs::write(&path, &bytes).expect("written");
            map.insert(name, bytes);
        }
        (map, memo, stats.reused, copied)
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
        let (_, mut memo, _, _) = build(&docs, &out, None);
        assert!(memo.shards > 1, "{} shards", memo.shards);
        // The short record's number: most shards hold none of its grams and are kept whole.
        edit(&mut docs, 600, Field::Phone, "099-000-0001");
        let (patched, next, reused, copied) = build(&docs, &out, Some(&memo));
        assert!(
            reused && copied > memo.shards / 2,
            "{copied} of {}",
            memo.shards
        );
        assert_eq!(patched, build(&docs, &fresh, None).0);
        memo = next;
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
            let (patched, next, reused, _) = build(&docs, &out, Some(&memo));
            assert!(reused, "{step}: not patched");
            let (anew, again, _, _) = build(&docs, &fresh, None);
            assert_eq!(patched, anew, "{step}");
            assert_eq!(next, again, "{step}");
            memo = next;
        }
        // A longer number changes the numbers' average length: built anew, still the same.
        edit(&mut docs, 17, Field::Phone, "099-9999-99999");
        let (patched, _, reused, _) = build(&docs, &out, Some(&memo));
        assert!(!reused);
        assert_eq!(patched, build(&docs, &fresh, None).0);
    }

    #[test]
    fn an_index_that_cannot_be_read_is_built_anew() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("out");
        let mut docs = records();
        let (before, memo, _, _) = build(&docs, &out, None);
        edit(&mut docs, 17, Field::Phone, "099-999-9999");
        std::fs::write(out.join("search/p/0.json"), "{\"ab\":[7,").expect("written");
        let (after, _, reused, _) = build(&docs, &out, Some(&memo));
        assert!(!reused);
        assert_ne!(before, after);
        // Another record count: the memo is another site's.
        let (_, _, reused, _) = build(&docs[1..], &out, Some(&memo));
        assert!(!reused);
        // A memo changed by hand (it is a file beside the output): neither trusted nor a panic.
        let (anew, memo, _, _) = build(&docs, &out, None);
        for shards in [memo.shards / 2, usize::MAX] {
            let tampered = Memo {
                shards,
                ..memo.clone()
            };
            let (after, _, reused, _) = build(&docs, &out, Some(&tampered));
            assert!(!reused, "{shards} shards");
            assert_eq!(after, anew);
        }
        let mut short = memo.clone();
        short.lengths.pop();
        assert!(!build(&docs, &out, Some(&short)).2);
        // A length changed: not the averages the index was made with, so not even the
        // lengths are used, and the index built anew is the same.
        let mut longer = memo.clone();
        longer.lengths[0][Field::Body as usize] += 5;
        let (after, next, reused, _) = build(&docs, &out, Some(&longer));
        assert!(!reused);
        assert_eq!((after, next), (anew, memo));
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
        let keys: Vec<&str> = read.iter().map(|(k, _, _)| k.as_str()).collect();
        assert_eq!(keys, ["ab", "a\"b", "=さくら"]);
        assert_eq!(read[1].1, r#""a\"b""#.len());
        assert_eq!(read[1].2, "[1,2,3,4]");
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
