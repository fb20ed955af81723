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
        // Stepped for the length too: a text of no pieces would otherwise leave the sequence
        // where it was, and every text after it would be empty.
        let length = step(&mut seed) % most;
        let mut text = String::new();
        for _ in 0..length {
            text.push_str(pieces[(step(&mut seed) % pieces.len() as u64) as usize]);
        }
        text
    })
}

/// xorshift64: the next number of the sequence.
fn step(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[cfg(test)]
mod tests {
    #[test]
    fn texts_keep_varying_after_an_empty_one() {
        let texts: Vec<String> = super::texts(&["a", "b", "c"], 7, 3, 3000).collect();
        assert!(texts.iter().any(String::is_empty));
        let distinct: std::collections::HashSet<&String> = texts[1500..].iter().collect();
        assert!(distinct.len() > 10, "{} distinct texts", distinct.len());
    }
}
