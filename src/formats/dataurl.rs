//! Files carried inside a page as `data:` URLs: each directory record's vCard and each
//! seminar's iCalendar, saved with the link's `download` name.
//!
//! They used to be a file beside each page: at 10k records, 15k of the site's 37k files, for
//! links most visitors never tap — and files, more than bytes, are what a disk, `cp`, rsync and
//! every upload pay for. A `data:` link with `download` saves the same file the same way,
//! works without script, and costs its page about a kilobyte.

/// `text` as a base64 `data:` URL of type `mime` (RFC 2397), UTF-8. Only the base64 alphabet
/// follows the fixed prefix, so it needs no escaping in an HTML attribute.
pub fn encode(mime: &str, text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(mime.len() + 30 + bytes.len().div_ceil(3) * 4);
    out.push_str("data:");
    out.push_str(mime);
    out.push_str(";charset=utf-8;base64,");
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_the_text_after_the_type() {
        let b64 = |s| encode("text/vcard", s).replace("data:text/vcard;charset=utf-8;base64,", "");
        // RFC 4648's test vectors.
        for (text, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(b64(text), expected);
        }
        assert_eq!(b64("さ"), "44GV");
        assert_eq!(b64("\u{fb}\u{ff}"), "w7vDvw==");
        assert!(
            encode("text/calendar", "x").starts_with("data:text/calendar;charset=utf-8;base64,")
        );
    }
}
