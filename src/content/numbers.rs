//! Numbers written once.
//!
//! A body says `{{ desk.renkei.fax }}`, `{{ liaison.tel }}` or `{{ hospital.tel }}` and the build
//! puts in the number `site.yaml` holds, so a changed FAX number is changed on every page at once.
//! A number typed by hand that equals one of them is a warning (it will go stale at the next
//! change); one that is *almost* one — a digit off, two neighbouring digits swapped — is an
//! error, because that is how a referral with patient data reaches a stranger's FAX
//! (FAX 誤送信, a publicly reported incident class for hospitals).
//!
//! The short form is replaced in the Markdown before it is rendered, so it works in tables,
//! lists and links alike, and line numbers stay those staff wrote. `\{{` keeps it literal.

use crate::config::{Hospital, Liaison};
use crate::content::attachments::{self, Chunk};
use crate::content::report::FileReport;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::japanese::phone::{ascii_digit, is_hyphen_like, Phone};
use crate::records::desk::{Desk, Prose};
use crate::yaml::Pos;

/// Every number and name a body may refer to, by its short-form key.
#[derive(Debug, Clone, Default)]
pub struct Book {
    entries: Vec<Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// `desk.renkei.fax`
    key: String,
    /// 「地域医療連携室 FAX」, for messages.
    label: String,
    value: String,
    /// Digits, when the value is a phone or FAX number.
    digits: Option<String>,
}

/// Something a body's text needs staff to look at, at a 0-based line of the body and a 1-based
/// column (in characters) of that line.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub line: u32,
    pub col: u32,
    pub kind: FindingKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FindingKind {
    /// `{{ desk.renkei.fx }}`: no such entry; the nearest key, if any.
    Unknown {
        key: String,
        nearest: Option<String>,
    },
    /// A desk's number typed by hand.
    Typed { typed: String, key: String },
    /// A number one slip away from a desk's.
    Near {
        typed: String,
        key: String,
        label: String,
        value: String,
    },
}

impl Book {
    pub fn new(hospital: &Hospital, liaison: &Liaison, desks: &[Desk]) -> Book {
        let mut book = Book::default();
        book.text("hospital.name", "病院名", &hospital.name);
        book.phone(
            "hospital.tel",
            &format!("{} 代表電話", hospital.name),
            Some(&hospital.tel),
        );
        book.phone(
            "hospital.fax",
            &format!("{} 代表FAX", hospital.name),
            hospital.fax.as_ref(),
        );
        book.phone("liaison.tel", "連携窓口の電話", Some(&liaison.tel));
        book.phone("liaison.fax", "連携窓口のFAX", Some(&liaison.fax));
        book.text("liaison.hours", "連携窓口の受付時間", &liaison.hours);
        if let Some(email) = &liaison.email {
            book.text("liaison.email", "連携窓口のメール", email);
        }
        for d in desks {
            let key = |field: &str| format!("desk.{}.{field}", d.id);
            book.text(&key("name"), &d.name, &d.name);
            book.phone(&key("tel"), &format!("{} 電話", d.name), d.tel.as_ref());
            book.phone(&key("fax"), &format!("{} FAX", d.name), d.fax.as_ref());
            book.text(&key("hours"), &format!("{} 受付時間", d.name), &d.hours);
            for (field, value) in [("email", &d.email), ("closed", &d.closed)] {
                if let Some(v) = value {
                    book.text(&key(field), &d.name, v);
                }
            }
        }
        book
    }

    fn text(&mut self, key: &str, label: &str, value: &str) {
        self.entries.push(Entry {
            key: key.to_string(),
            label: label.to_string(),
            value: escape_markdown(value),
            digits: None,
        });
    }

    fn phone(&mut self, key: &str, label: &str, phone: Option<&Phone>) {
        if let Some(p) = phone {
            self.entries.push(Entry {
                key: key.to_string(),
                label: label.to_string(),
                value: p.display.clone(),
                digits: Some(p.digits.clone()),
            });
        }
    }

    /// The key that writes `digits`, preferring a desk's own over `liaison.` and `hospital.`.
    fn key_of(&self, digits: &str) -> Option<&Entry> {
        let mut found = self
            .entries
            .iter()
            .filter(|e| e.digits.as_deref() == Some(digits));
        let first = found.clone().next();
        found.find(|e| e.key.starts_with("desk.")).or(first)
    }

    /// `markdown` with every short form replaced, and the short forms that name nothing.
    pub fn expand(&self, markdown: &str) -> (String, Vec<Finding>) {
        let mut out = String::with_capacity(markdown.len());
        let mut findings = Vec::new();
        for (line, text) in markdown.split_inclusive('\n').enumerate() {
            let mut rest = text;
            while let Some(start) = rest.find("{{") {
                let escaped = rest[..start].ends_with('\\');
                let Some(len) = rest[start..].find("}}") else {
                    break;
                };
                let inner = rest[start + 2..start + len].trim();
                out.push_str(&rest[..start]);
                let whole = &rest[start..start + len + 2];
                if escaped || !is_key(inner) {
                    out.push_str(whole);
                } else if let Some(e) = self.entries.iter().find(|e| e.key == inner) {
                    out.push_str(&e.value);
                } else {
                    let nearest = did_you_mean(inner, self.entries.iter().map(|e| e.key.as_str()))
                        .map(str::to_string);
                    let col = text.len() - rest.len() + start;
                    findings.push(Finding {
                        line: line as u32,
                        col: char_col(text, col),
                        kind: FindingKind::Unknown {
                            key: inner.to_string(),
                            nearest,
                        },
                    });
                    out.push_str(whole);
                }
                rest = &rest[start + len + 2..];
            }
            out.push_str(rest);
        }
        (out, findings)
    }

    /// Phone-like numbers typed in `text` that are, or almost are, a number of the book.
    pub fn scan_typed(&self, text: &str) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (line, l) in text.lines().enumerate() {
            for (at, typed) in phone_like(l) {
                let digits: String = typed.chars().filter_map(ascii_digit).collect();
                let kind = if let Some(e) = self.key_of(&digits) {
                    FindingKind::Typed {
                        typed,
                        key: e.key.clone(),
                    }
                } else if let Some(e) = self.entries.iter().find(|e| {
                    e.digits
                        .as_deref()
                        .is_some_and(|d| one_slip_apart(d, &digits))
                }) {
                    FindingKind::Near {
                        typed,
                        key: e.key.clone(),
                        label: e.label.clone(),
                        value: e.value.clone(),
                    }
                } else {
                    continue;
                };
                findings.push(Finding {
                    line: line as u32,
                    col: char_col(l, at),
                    kind,
                });
            }
        }
        findings
    }
}

/// What a FAX label looks like just before a number (「FAX:」「ファックス番号」).
const FAX_LABELS: &[&str] = &[
    "FAX",
    "Fax",
    "fax",
    "ＦＡＸ",
    "ファクス",
    "ファックス",
    "ﾌｧｯｸｽ",
];

impl Book {
    /// FAX numbers in `line` — numbers within a few characters after a FAX label — that are
    /// no number of the book: in a form, a place patient data would be sent that no desk owns.
    fn unknown_fax_numbers(&self, line: &str) -> Vec<String> {
        phone_like(line)
            .into_iter()
            .filter(|(at, _)| {
                let before: String = line[..*at]
                    .chars()
                    .rev()
                    .take(12)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                FAX_LABELS.iter().any(|l| before.contains(l))
            })
            .map(|(_, typed)| typed)
            .filter(|typed| {
                let digits: String = typed.chars().filter_map(ascii_digit).collect();
                self.key_of(&digits).is_none()
            })
            .collect()
    }

    /// What the number check says about one attached file (`shown`: its path as staff see it):
    /// its pieces of text are scanned like a body, and in a form every FAX number must be one
    /// of the book's.
    pub fn check_attachment(
        &self,
        shown: &str,
        chunks: &[Chunk],
        is_form: bool,
    ) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for chunk in chunks {
            let at = Some(chunk.place.as_str());
            for finding in self.scan_typed(&chunk.text) {
                match finding.kind {
                    FindingKind::Typed { typed, key } => found.push(Diagnostic::warning(
                        shown,
                        Pos::default(),
                        at,
                        format!("添付ファイルに番号「{typed}」が印刷されています({{{{ {key} }}}} の番号)。番号が変わったとき、このファイルだけ古いまま残ります。申込書・送付状は forms の generate で作るか、番号を載せずに窓口のページを案内してください"),
                    )),
                    FindingKind::Near { typed, label, value, .. } => found.push(
                        Diagnostic::error(
                            shown,
                            Pos::default(),
                            at,
                            format!("添付ファイルの「{typed}」は{label}({value})と 1 字違いです。FAX・電話の誤送信のもとになります。ファイルを直してください"),
                        )
                        .expected(value),
                    ),
                    FindingKind::Unknown { .. } => {}
                }
            }
            if is_form {
                for line in chunk.text.lines() {
                    for typed in self.unknown_fax_numbers(line) {
                        found.push(Diagnostic::error(
                            shown,
                            Pos::default(),
                            at,
                            format!("様式に、どの窓口の番号でもない FAX 番号「{typed}」が書かれています。患者さんの情報の送り先になる番号です。site.yaml の desks の番号にしてください"),
                        ));
                    }
                }
            }
        }
        found.dedup();
        found
    }
}

impl Book {
    /// A text field of site.yaml (a desk's hours or note): numbers belong in `tel` and `fax`,
    /// where they are written once; one a slip away from a desk's is an error as in a body.
    pub fn check_prose(&self, prose: &Prose, report: &FileReport) {
        for finding in self.scan_typed(&prose.text) {
            match finding.kind {
                FindingKind::Typed { typed, key } => report.warn(
                    prose.pos,
                    &prose.field,
                    format!("文章の中に番号「{typed}」({key})が書かれています。番号は tel・fax にだけ書いてください。番号が変わったとき、ここだけ古いまま残ります"),
                ),
                FindingKind::Near { typed, label, value, .. } => report.error(
                    prose.pos,
                    &prose.field,
                    format!("「{typed}」は{label}({value})と 1 字違いです。FAX・電話の誤送信のもとになります"),
                    Some(&value),
                ),
                FindingKind::Unknown { .. } => {}
            }
        }
    }
}

/// Every readable attachment under `static/` (PDF, .xlsx, .docx) through
/// [`Book::check_attachment`]; `forms` holds the files that forms link, and everything under
/// `static/forms/` counts as a form too.
pub fn check_attachments(
    book: &Book,
    statics: &std::collections::BTreeMap<String, std::path::PathBuf>,
    forms: &std::collections::BTreeSet<String>,
) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    statics
        .par_iter()
        .filter(|(rel, _)| attachments::readable(rel))
        .flat_map_iter(|(rel, path)| {
            let shown = format!("content/static/{rel}");
            match attachments::text_of(path) {
                Ok(chunks) => {
                    let is_form = forms.contains(rel) || rel.starts_with("forms/");
                    book.check_attachment(&shown, &chunks, is_form)
                }
                Err(why) => vec![Diagnostic::warning(
                    &shown,
                    Pos::default(),
                    None,
                    format!("添付ファイルの番号を確かめられません: {why}"),
                )],
            }
        })
        .collect()
}

/// `desk.renkei.fax`: what a short form's inside looks like. Anything else between `{{ }}`
/// is left alone (a body may show template syntax in prose).
fn is_key(s: &str) -> bool {
    s.contains('.')
        && s.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '_'
        })
}

/// Text values go into Markdown: punctuation that Markdown reads is escaped.
fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>#|!~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Runs of digits and separators in `line` that read as a Japanese phone number: 10 or 11
/// digits starting with 0 (dates, postal codes and 番地 do not).
/// Each with its byte offset in the line.
fn phone_like(line: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut run = String::new();
    let mut flush = |run: &mut String, end: usize| {
        let lead = run.len() - run.trim_start_matches(is_hyphen_like).len();
        let trimmed = run.trim_matches(is_hyphen_like);
        let digits = trimmed.chars().filter_map(ascii_digit).count();
        let lead_zero = trimmed.chars().find_map(ascii_digit) == Some('0');
        if (10..=11).contains(&digits) && lead_zero {
            found.push((end - run.len() + lead, trimmed.to_string()));
        }
        run.clear();
    };
    for (i, c) in line.char_indices() {
        let starts = ascii_digit(c).is_some() || matches!(c, '(' | '（');
        if starts || (is_hyphen_like(c) && !run.is_empty()) {
            run.push(c);
        } else {
            flush(&mut run, i);
        }
    }
    flush(&mut run, line.len());
    found
}

/// The 1-based character column of byte offset `at` in `line`.
fn char_col(line: &str, at: usize) -> u32 {
    line.get(..at).map_or(1, |s| s.chars().count() as u32 + 1)
}

/// One digit replaced, or two neighbouring digits swapped: the slips of a hand copying a number.
fn one_slip_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() || a == b {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::japanese::phone::parse_phone;

    fn book() -> Book {
        let hospital = Hospital {
            name: "みなと市民病院".into(),
            postal: "899-0101".into(),
            address: "汐見県みなと市本町1-2-3".into(),
            tel: parse_phone("099-201-1000").unwrap(),
            fax: None,
        };
        let liaison = Liaison {
            tel: parse_phone("099-201-1100").unwrap(),
            fax: parse_phone("099-201-1101").unwrap(),
            hours: "平日 8:30〜17:00".into(),
            email: None,
        };
        let desk = Desk {
            id: "soudan".into(),
            name: "医療福祉相談室".into(),
            purpose: None,
            tel: Some(parse_phone("099-201-1300").unwrap()),
            fax: Some(parse_phone("099-201-1301").unwrap()),
            email: None,
            hours: "平日 9:00〜17:00".into(),
            channels: Vec::new(),
            closed: Some("土日*祝日".into()),
            prose: Vec::new(),
        };
        Book::new(&hospital, &liaison, &[desk])
    }

    #[test]
    fn short_forms_become_the_numbers_and_unknown_ones_are_reported() {
        let (out, findings) = book().expand(
            "FAX: {{ liaison.fax }}\n相談 {{desk.soudan.tel}}、休み {{ desk.soudan.closed }}\n{{ desk.soudan.fx }} \\{{ liaison.fax }} {{ 例 }}\n",
        );
        assert_eq!(
            out,
            "FAX: 099-201-1101\n相談 099-201-1300、休み 土日\\*祝日\n{{ desk.soudan.fx }} \\{{ liaison.fax }} {{ 例 }}\n"
        );
        assert_eq!(
            findings,
            vec![Finding {
                line: 2,
                col: 1,
                kind: FindingKind::Unknown {
                    key: "desk.soudan.fx".into(),
                    nearest: Some("desk.soudan.fax".into())
                }
            }]
        );
    }

    #[test]
    fn typed_desk_numbers_warn_and_near_misses_are_caught() {
        let text = "FAX 099-201-1101 へ\n相談 099(201)1300\n092-901-1101 と 099-201-1181\n2026-11-25 〒899-0101 1-2-3\n";
        let kinds: Vec<(u32, String)> = book()
            .scan_typed(text)
            .into_iter()
            .map(|f| match f.kind {
                FindingKind::Typed { key, .. } => (f.line, format!("typed {key} @{}", f.col)),
                FindingKind::Near { key, .. } => (f.line, format!("near {key} @{}", f.col)),
                FindingKind::Unknown { .. } => (f.line, "unknown".into()),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                (0, "typed liaison.fax @5".into()),
                (1, "typed desk.soudan.tel @4".into()),
                // 092-901 for 099-201: two neighbours swapped; 1181 for 1101: one digit off.
                (2, "near liaison.fax @1".into()),
                (2, "near liaison.fax @16".into()),
            ]
        );
    }

    #[test]
    fn slips() {
        assert!(one_slip_apart("0992011101", "0992011102"));
        assert!(one_slip_apart("0992011101", "0992011110"));
        assert!(!one_slip_apart("0992011101", "0992011101"));
        assert!(!one_slip_apart("0992011101", "0992012202"));
        assert!(!one_slip_apart("0992011101", "09920111011"));
    }
}
