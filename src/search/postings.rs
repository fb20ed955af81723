//! Posting lists as the index gathers them: compact, because at 100k records there are tens of
//! millions of postings, and a `(record, weight)` pair apiece (8 bytes, 16 with the gram beside
//! it) took gigabytes before a single shard was written.
//!
//! A list grows in record order, so each posting is the gap from the previous record and the
//! weight's level, packed into one variable-length integer: about two bytes a posting. The JSON
//! the client reads ([`Postings::encode`]) is made from it one shard at a time.

/// Weights are rounded to these levels (about √2 apart) so a posting list can be stored as one
/// run of record numbers per level, which compresses far better than a weight per record.
pub const LEVELS: [u8; 16] = [1, 2, 3, 4, 6, 8, 11, 16, 22, 32, 45, 64, 90, 128, 180, 255];

/// The level (an index into [`LEVELS`]) nearest to `score` in log terms: below the geometric
/// mean of two levels, the lower one.
pub fn level(score: f64) -> u8 {
    for (i, pair) in LEVELS.windows(2).enumerate() {
        if score * score < f64::from(pair[0]) * f64::from(pair[1]) {
            return i as u8;
        }
    }
    (LEVELS.len() - 1) as u8
}

/// The top level: a whole-value match (see `index::exact_tokens`).
pub const TOP: u8 = (LEVELS.len() - 1) as u8;

/// One gram's postings, in record order.
#[derive(Debug, Default)]
pub struct Postings {
    bytes: Vec<u8>,
    last: u32,
    len: u32,
}

impl Postings {
    /// Adds record `doc` at `level`. Records come in increasing order, each at most once: the
    /// index walks the records in order and a record's grams are distinct.
    pub fn push(&mut self, doc: u32, level: u8) {
        debug_assert!(self.len == 0 || doc > self.last);
        let mut v = (u64::from(doc - self.last) << 4) | u64::from(level & 0x0F);
        self.last = doc;
        self.len += 1;
        while v >= 0x80 {
            self.bytes.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.bytes.push(v as u8);
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// `(record, level)` in record order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut at = 0;
        let mut doc = 0u32;
        std::iter::from_fn(move || {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let b = *self.bytes.get(at)?;
                at += 1;
                v |= u64::from(b & 0x7F) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            doc += (v >> 4) as u32;
            Some((doc, (v & 0x0F) as u8))
        })
    }

    /// The list as the client reads it: `[weight, count, gap, gap, …, weight, count, …]`, one
    /// run per weight level, highest first, record numbers as gaps restarting in each run.
    /// Made for every gram of a large index, so it sorts by counting and writes
    /// numbers without `fmt`.
    pub fn encode(&self, out: &mut String) {
        let mut counts = [0usize; LEVELS.len()];
        for (_, l) in self.iter() {
            counts[usize::from(l)] += 1;
        }
        // Where each level's run starts, highest level first.
        let mut starts = [0usize; LEVELS.len()];
        let mut at = 0;
        for l in (0..LEVELS.len()).rev() {
            starts[l] = at;
            at += counts[l];
        }
        let mut sorted = vec![0u32; self.len()];
        let mut next = starts;
        for (doc, l) in self.iter() {
            sorted[next[usize::from(l)]] = doc;
            next[usize::from(l)] += 1;
        }
        out.push('[');
        let mut first = true;
        for l in (0..LEVELS.len()).rev().filter(|l| counts[*l] > 0) {
            if !first {
                out.push(',');
            }
            first = false;
            push_number(out, u32::from(LEVELS[l]));
            out.push(',');
            push_number(out, counts[l] as u32);
            let mut prev = 0;
            for doc in &sorted[starts[l]..starts[l] + counts[l]] {
                out.push(',');
                push_number(out, doc - prev);
                prev = *doc;
            }
        }
        out.push(']');
    }
}

impl Postings {
    /// The length of what [`Postings::encode`] writes, worked out without writing it: the
    /// index sizes every list once to choose its shard count, and at 100k records making the
    /// JSON only to measure it was a large part of that.
    pub fn encoded_len(&self) -> usize {
        let mut counts = [0usize; LEVELS.len()];
        let mut prev = [0u32; LEVELS.len()];
        let mut gaps = 0;
        for (doc, l) in self.iter() {
            let l = usize::from(l);
            counts[l] += 1;
            gaps += 1 + digits(doc - prev[l]);
            prev[l] = doc;
        }
        let mut len = 2 + gaps;
        let mut runs = 0;
        for (l, n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            runs += 1;
            len += digits(u32::from(LEVELS[l])) + 1 + digits(*n as u32);
        }
        len + runs.max(1) - 1
    }
}

/// A key's list as a shard holds it: made by this build, or kept as the last build wrote it
/// (a rebuild after an edit keeps every list the edit does not touch: [`super::reuse`]).
#[derive(Debug)]
pub enum List {
    Made(Postings),
    Kept {
        /// The list's JSON exactly as [`Postings::encode`] wrote it.
        json: Box<str>,
        len: usize,
    },
}

impl List {
    pub fn len(&self) -> usize {
        match self {
            List::Made(p) => p.len(),
            List::Kept { len, .. } => *len,
        }
    }

    pub fn encoded_len(&self) -> usize {
        match self {
            List::Made(p) => p.encoded_len(),
            List::Kept { json, .. } => json.len(),
        }
    }

    pub fn encode(&self, out: &mut String) {
        match self {
            List::Made(p) => p.encode(out),
            List::Kept { json, .. } => out.push_str(json),
        }
    }
}

/// How many decimal digits `n` has.
fn digits(n: u32) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// `n` in decimal.
fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|d| char::from(*d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(list: &[(u32, u8)]) -> String {
        let mut p = Postings::default();
        for (doc, weight) in list {
            let l = LEVELS.iter().position(|w| w == weight).expect("a level") as u8;
            p.push(*doc, l);
        }
        let mut out = String::new();
        p.encode(&mut out);
        out
    }

    #[test]
    fn levels_are_the_nearest_in_log_terms() {
        assert_eq!(LEVELS[usize::from(level(1.0))], 1);
        assert_eq!(LEVELS[usize::from(level(5.0))], 6);
        assert_eq!(LEVELS[usize::from(level(1000.0))], 255);
        assert_eq!(level(1000.0), TOP);
    }

    #[test]
    fn postings_are_runs_per_weight_level() {
        // Records 3 and 10 at weight 45, record 7 at 8.
        assert_eq!(encoded(&[(3, 45), (7, 8), (10, 45)]), "[45,2,3,7,8,1,7]");
        assert_eq!(encoded(&[(0, 1)]), "[1,1,0]");
    }

    #[test]
    fn the_encoded_length_is_worked_out_exactly() {
        let mut x: u32 = 7;
        for size in [0usize, 1, 2, 9, 10, 11, 99, 100, 1000, 5000] {
            let mut p = Postings::default();
            let mut doc = 0u32;
            for _ in 0..size {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                doc += 1 + (x >> 8) % 50_000;
                p.push(doc, ((x >> 4) % 16) as u8);
            }
            let mut out = String::new();
            p.encode(&mut out);
            assert_eq!(p.encoded_len(), out.len(), "{size}: {out}");
        }
    }

    #[test]
    fn large_gaps_survive_the_packing() {
        let list = [(0, 255), (200_000, 1), (4_000_000_000, 255)];
        assert_eq!(encoded(&list), "[255,2,0,4000000000,1,1,200000]");
        let mut p = Postings::default();
        p.push(5, 3);
        p.push(6, 3);
        assert_eq!(p.len(), 2);
        assert!(p.bytes.len() <= 2, "small gaps take a byte each");
    }
}
