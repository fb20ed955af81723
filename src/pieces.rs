//! Texts made of random pieces, for tests that feed a reader half-finished input.
//!
//! A fixed xorshift sequence, so a failure names a text that the next run makes again; the
//! pieces are chosen by the test (YAML marks, kana, voiced marks…) because random bytes seldom
//! reach the paths a slip by staff does.

/// `count` texts of up to `most - 1` pieces each, starting from `seed`.
pub(crate) fn texts<'a>(
    pieces: &'a [&'a str],
    mut seed: u64,
    most: u64,
    count: usize,
) -> impl Iterator<Item = String> + 'a {
    (0..count).map(move |_| {
        let mut text = String::new();
        for _ in 0..(seed % most) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
        }
        text
    })
}
