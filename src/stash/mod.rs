//! A compact binary form of parsed records, so that a build after an edit can take every
//! record it did not edit from the last build instead of parsing its file again.
//!
//! Reading 15k record files (YAML with positions, field checks, Markdown) is most of a 10k
//! site's build after a one-line edit. Decoding the same records from one file is a small part
//! of that. The records' own `Serialize` is the templates' view (positions skipped, labels
//! `&'static str`, fields flattened), so it cannot bring a record back; this is a second form
//! that keeps every field. [`stash_struct!`] lists each type's fields and destructures the
//! value exhaustively, so a field added to a record and not to its line in [`records`] is a
//! compile error, not a field silently lost.
//!
//! Decoding is defensive: the file sits beside the output, where anything may have changed it. Every read is bounds-checked and gives `None` on anything unexpected (never a
//! panic; a length is never more than the bytes left, and no list reserves more than 64 items
//! ahead), and the caller then parses the file as usual. A decoded record must be one of its
//! file (collection, slug, path); beyond that it is trusted as the output beside it is.

mod records;

use chrono::{DateTime, FixedOffset, NaiveDate};

/// A value that can be written into a stash and read back exactly.
pub trait Stash: Sized {
    fn put(&self, w: &mut Vec<u8>);
    fn take(r: &mut Reader<'_>) -> Option<Self>;
}

/// Bytes being decoded, with the place reached.
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    /// Whether every byte was read: a value that leaves bytes over was not the one written.
    pub fn done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// The bytes not read yet.
    pub fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }

    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    pub fn slice(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    /// An unsigned LEB128 number.
    pub fn number(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            // The tenth byte has room for one bit only; more would be a number over 64 bits.
            if shift == 63 && b > 1 {
                return None;
            }
            n |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A length: never more than the bytes left, since every item takes at least one byte.
    pub fn length(&mut self) -> Option<usize> {
        let n = usize::try_from(self.number()?).ok()?;
        (n <= self.left()).then_some(n)
    }
}

/// Writes `n` as unsigned LEB128.
pub fn put_number(mut n: u64, w: &mut Vec<u8>) {
    while n >= 0x80 {
        w.push((n as u8) | 0x80);
        n >>= 7;
    }
    w.push(n as u8);
}

impl Stash for u64 {
    fn put(&self, w: &mut Vec<u8>) {
        put_number(*self, w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        r.number()
    }
}

impl Stash for u32 {
    fn put(&self, w: &mut Vec<u8>) {
        put_number(u64::from(*self), w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        u32::try_from(r.number()?).ok()
    }
}

impl Stash for u8 {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(*self);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        r.byte()
    }
}

impl Stash for i64 {
    fn put(&self, w: &mut Vec<u8>) {
        // Zigzag: small negative numbers stay short.
        put_number(((*self << 1) ^ (*self >> 63)) as u64, w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        let n = r.number()?;
        Some((n >> 1) as i64 ^ -((n & 1) as i64))
    }
}

impl Stash for i32 {
    fn put(&self, w: &mut Vec<u8>) {
        i64::from(*self).put(w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        i32::try_from(i64::take(r)?).ok()
    }
}

impl Stash for f64 {
    fn put(&self, w: &mut Vec<u8>) {
        w.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        let bytes: [u8; 8] = r.slice(8)?.try_into().ok()?;
        Some(f64::from_bits(u64::from_le_bytes(bytes)))
    }
}

impl Stash for bool {
    fn put(&self, w: &mut Vec<u8>) {
        w.push(u8::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        match r.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// Writes `text` as a [`String`] is written.
pub fn put_text(text: &str, w: &mut Vec<u8>) {
    put_number(text.len() as u64, w);
    w.extend_from_slice(text.as_bytes());
}

impl Stash for String {
    fn put(&self, w: &mut Vec<u8>) {
        put_text(self, w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        let n = r.length()?;
        let bytes = r.slice(n)?;
        std::str::from_utf8(bytes).ok().map(str::to_string)
    }
}

impl<T: Stash> Stash for Box<T> {
    fn put(&self, w: &mut Vec<u8>) {
        T::put(self, w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        T::take(r).map(Box::new)
    }
}

impl<T: Stash> Stash for Option<T> {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.put(w);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        match r.byte()? {
            0 => Some(None),
            1 => T::take(r).map(Some),
            _ => None,
        }
    }
}

impl<T: Stash> Stash for Vec<T> {
    fn put(&self, w: &mut Vec<u8>) {
        put_number(self.len() as u64, w);
        for v in self {
            v.put(w);
        }
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        let n = r.length()?;
        // A length is at most the bytes left, but each item may be much larger in memory than
        // its one byte: a made-up length must not reserve gigabytes.
        let mut out = Vec::with_capacity(n.min(64));
        for _ in 0..n {
            out.push(T::take(r)?);
        }
        Some(out)
    }
}

impl<A: Stash, B: Stash> Stash for (A, B) {
    fn put(&self, w: &mut Vec<u8>) {
        self.0.put(w);
        self.1.put(w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        Some((A::take(r)?, B::take(r)?))
    }
}

impl Stash for [f64; 2] {
    fn put(&self, w: &mut Vec<u8>) {
        self[0].put(w);
        self[1].put(w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        Some([f64::take(r)?, f64::take(r)?])
    }
}

impl Stash for NaiveDate {
    fn put(&self, w: &mut Vec<u8>) {
        chrono::Datelike::num_days_from_ce(self).put(w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(i32::take(r)?)
    }
}

/// A moment with the offset it was written in (a seminar's `+09:00`).
impl Stash for DateTime<FixedOffset> {
    fn put(&self, w: &mut Vec<u8>) {
        self.timestamp().put(w);
        self.timestamp_subsec_nanos().put(w);
        self.offset().local_minus_utc().put(w);
    }
    fn take(r: &mut Reader<'_>) -> Option<Self> {
        let (secs, nanos, offset) = (i64::take(r)?, u32::take(r)?, i32::take(r)?);
        let offset = FixedOffset::east_opt(offset)?;
        let utc = DateTime::from_timestamp(secs, nanos)?;
        // A moment whose local time falls outside chrono's range would panic later, when a
        // page asks for its date.
        utc.naive_utc()
            .checked_add_signed(chrono::TimeDelta::seconds(i64::from(
                offset.local_minus_utc(),
            )))?;
        Some(utc.with_timezone(&offset))
    }
}

/// Implements [`Stash`] for a struct by its fields, in order. Fields under `derived` are not
/// written: they are worked out from the others on reading (a `&'static str` label from its
/// kind), by the expression given, which may name the fields read before it.
macro_rules! stash_struct {
    ($ty:ty { $($field:ident),* $(,)? } $(derived { $($d:ident = $e:expr),* $(,)? })?) => {
        impl $crate::stash::Stash for $ty {
            fn put(&self, w: &mut Vec<u8>) {
                // Exhaustive: a field added to the type and not here does not compile.
                let Self { $($field,)* $($($d: _,)*)? } = self;
                $($crate::stash::Stash::put($field, w);)*
            }
            fn take(r: &mut $crate::stash::Reader<'_>) -> Option<Self> {
                $(let $field = $crate::stash::Stash::take(r)?;)*
                $($(let $d = $e;)*)?
                Some(Self { $($field,)* $($($d,)*)? })
            }
        }
    };
}

/// Implements [`Stash`] for an enum without data, by the variants' places in the list.
macro_rules! stash_enum {
    ($ty:ty { $($variant:ident),* $(,)? }) => {
        impl $crate::stash::Stash for $ty {
            fn put(&self, w: &mut Vec<u8>) {
                const ALL: &[$ty] = &[$(<$ty>::$variant),*];
                // Exhaustive: a variant added to the type and not here does not compile.
                match self {
                    $(<$ty>::$variant)|* => {}
                }
                let i = ALL.iter().position(|v| v == self).unwrap_or(0);
                w.push(i as u8);
            }
            fn take(r: &mut $crate::stash::Reader<'_>) -> Option<Self> {
                const ALL: &[$ty] = &[$(<$ty>::$variant),*];
                ALL.get(usize::from(r.byte()?)).copied()
            }
        }
    };
}

pub(crate) use {stash_enum, stash_struct};

/// Encodes `value` on its own.
pub fn to_bytes<T: Stash>(value: &T) -> Vec<u8> {
    let mut w = Vec::new();
    value.put(&mut w);
    w
}

/// Decodes a value that takes all of `bytes`.
pub fn from_bytes<T: Stash>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader::new(bytes);
    let value = T::take(&mut r)?;
    r.done().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_text_come_back() {
        for n in [0u64, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(from_bytes::<u64>(&to_bytes(&n)), Some(n));
        }
        for n in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            assert_eq!(from_bytes::<i64>(&to_bytes(&n)), Some(n));
        }
        let text = vec![Some("山手診療所".to_string()), None, Some(String::new())];
        assert_eq!(from_bytes(&to_bytes(&text)), Some(text));
        let when = DateTime::parse_from_rfc3339("2026-12-10T18:30:00+09:00").ok();
        assert_eq!(from_bytes(&to_bytes(&when)), Some(when));
        assert_eq!(
            from_bytes(&to_bytes(&(1.5f64, NaiveDate::from_ymd_opt(2026, 4, 1)))),
            Some((1.5, NaiveDate::from_ymd_opt(2026, 4, 1)))
        );
    }

    #[test]
    fn damaged_bytes_give_none_not_a_panic() {
        let bytes = to_bytes(&vec!["紹介状".to_string(); 3]);
        for end in 0..bytes.len() {
            assert_eq!(
                from_bytes::<Vec<String>>(&bytes[..end]),
                None,
                "cut at {end}"
            );
        }
        // A length far beyond the bytes left allocates nothing.
        let mut huge = Vec::new();
        put_number(u64::MAX >> 1, &mut huge);
        assert_eq!(from_bytes::<Vec<String>>(&huge), None);

        // A number that runs past 64 bits, a bool that is neither, text that is not UTF-8.
        assert_eq!(from_bytes::<u64>(&[0xff; 11]), None);
        assert_eq!(from_bytes::<bool>(&[2]), None);
        assert_eq!(from_bytes::<String>(&[2, 0xff, 0xfe]), None);
        // Bytes left over: not the value that was written.
        assert_eq!(from_bytes::<u8>(&[1, 2]), None);
        // The last moment there is, an hour east: its local date does not exist.
        let last = chrono::NaiveDateTime::MAX.and_utc().fixed_offset();
        let mut bytes = Vec::new();
        last.timestamp().put(&mut bytes);
        last.timestamp_subsec_nanos().put(&mut bytes);
        3600i32.put(&mut bytes);
        assert_eq!(from_bytes::<DateTime<FixedOffset>>(&bytes), None);
        // The same moment in UTC is one.
        let mut bytes = Vec::new();
        last.put(&mut bytes);
        assert_eq!(from_bytes::<DateTime<FixedOffset>>(&bytes), Some(last));
    }
}
