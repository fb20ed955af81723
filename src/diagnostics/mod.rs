//! Content errors and warnings: collected from every file, sorted, printed once.
//!
//! Staff are not programmers, so every message names the file, line, column and field, says in
//! Japanese what is wrong, keeps the English field name (it is what they typed), and says what
//! was expected. A build never stops at the first problem: a run reports all of them, the way
//! a spelling checker would (Zola's first-error-only reporting is a known pain point).

use std::fmt;
use std::sync::Mutex;

mod snippet;

pub use snippet::Sources;

use crate::yaml::Pos;

/// How bad a problem is. Errors fail the build; warnings are printed and counted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user sees it, relative to the site root (`content/partners/sakura.md`).
    pub path: String,
    pub line: u32,
    pub col: u32,
    /// The field path in English as written (`address.postal`, `hours[1].days`), if any.
    pub field: Option<String>,
    /// What is wrong, in Japanese.
    pub message: String,
    /// What would have been right, if it can be said briefly.
    pub expected: Option<String>,
    /// The source line `line` points into, taken while the file's text was in memory
    /// ([`crate::content::report::FileReport::into_quoted`]): a large site's thousands of
    /// warnings would otherwise each open their file again to be quoted. `None`: [`Sources`]
    /// reads it when it is shown. Boxed, so that most diagnostics, which have none, stay small.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<Box<String>>,
}

impl Diagnostic {
    pub fn error(path: &str, pos: Pos, field: Option<&str>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_string(),
            line: pos.line,
            col: pos.col,
            field: field.map(str::to_string),
            message: message.into(),
            expected: None,
            source_line: None,
        }
    }

    pub fn warning(path: &str, pos: Pos, field: Option<&str>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, pos, field, message)
        }
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    fn sort_key(&self) -> (&str, u32, u32, Severity, &str) {
        (
            &self.path,
            self.line,
            self.col,
            self.severity,
            &self.message,
        )
    }
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: field: message (expected: …)`, the shape editors and CI logs link.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col.max(1))?;
        }
        if self.severity == Severity::Warning {
            write!(f, ": 警告")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(expected) = &self.expected {
            write!(f, " (expected: {expected})")?;
        }
        Ok(())
    }
}

/// Why a command stopped short of its end without a content problem: no site folder, a file
/// that cannot be read or written, a `--map` file in error, a port in use. Content problems are
/// [`Diagnostic`]s instead, collected all at once; a fatal one ends the run (exit code 2).
#[derive(Debug, Clone, PartialEq)]
pub enum Fatal {
    /// A problem with no place in a file.
    Message(String),
    /// A problem at a place in a file the user named, printed like any diagnostic.
    At(Box<Diagnostic>),
}

impl Fatal {
    /// The output could not take a file (disk full, permissions). Staging keeps the old site.
    pub fn output(e: &std::io::Error) -> Fatal {
        Fatal::Message(format!(
            "出力を書き込めません: {e}(以前の出力はそのまま残っています)"
        ))
    }
}

impl fmt::Display for Fatal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fatal::Message(m) => f.write_str(m),
            Fatal::At(d) => d.fmt(f),
        }
    }
}

impl std::error::Error for Fatal {}

impl From<String> for Fatal {
    fn from(message: String) -> Self {
        Fatal::Message(message)
    }
}

impl From<&str> for Fatal {
    fn from(message: &str) -> Self {
        Fatal::Message(message.to_string())
    }
}

impl From<Diagnostic> for Fatal {
    fn from(d: Diagnostic) -> Self {
        Fatal::At(Box::new(d))
    }
}

/// Why a run of the pipeline did not finish.
#[derive(Debug)]
pub enum Failure {
    /// Content or template problems (exit code 1). The diagnostics are in the collector.
    Content,
    /// Usage or I/O problems (exit code 2).
    Fatal(Fatal),
}

impl Failure {
    /// The process exit code: 1 for content the staff can fix, 2 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Content => 1,
            Failure::Fatal(_) => 2,
        }
    }
}

impl From<Fatal> for Failure {
    fn from(f: Fatal) -> Self {
        Failure::Fatal(f)
    }
}

/// A thread-safe bag of diagnostics that parallel loaders and renderers add to.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, d: Diagnostic) {
        if let Ok(mut items) = self.items.lock() {
            items.push(d);
        }
    }

    pub fn extend(&self, ds: impl IntoIterator<Item = Diagnostic>) {
        if let Ok(mut items) = self.items.lock() {
            items.extend(ds);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .map(|items| items.iter().any(|d| d.severity == Severity::Error))
            .unwrap_or(true)
    }

    /// All diagnostics, sorted by file, then position, errors before warnings, duplicates removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut items = self.items.lock().map(|i| i.clone()).unwrap_or_default();
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        items.dedup();
        items
    }
}

/// Counts for the closing summary line.
pub fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}

/// The closest candidate to `word`, for "did you mean" hints (`tell` → `tel`).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_len = word.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| {
            let limit = (word_len.max(c.chars().count()) / 3).max(1);
            *d <= limit
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// 「。もしかして「tel」?」 when a near miss exists, else an empty string: the suffix every
/// "not a valid name" message ends with.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(word, candidates)
        .map(|s| format!("。もしかして「{s}」?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_path_line_col_field_and_expected() {
        let d = Diagnostic::error(
            "content/partners/a.md",
            Pos { line: 7, col: 3 },
            Some("tel"),
            "電話番号の桁数が違います",
        )
        .expected("10〜11 桁");
        assert_eq!(
            d.to_string(),
            "content/partners/a.md:7:3: tel: 電話番号の桁数が違います (expected: 10〜11 桁)"
        );
    }

    #[test]
    fn suggestions_find_near_misses_only() {
        assert_eq!(did_you_mean("tell", ["tel", "fax", "name"]), Some("tel"));
        assert_eq!(
            did_you_mean("partner_only", ["partners_only", "internal"]),
            Some("partners_only")
        );
        assert_eq!(
            did_you_mean("循環器科", ["循環器内科", "内科"]),
            Some("循環器内科")
        );
        assert_eq!(did_you_mean("zzzz", ["tel", "fax"]), None);
    }

    #[test]
    fn sorted_orders_by_file_then_line() {
        let ds = Diagnostics::new();
        ds.push(Diagnostic::error(
            "b.md",
            Pos { line: 1, col: 1 },
            None,
            "x",
        ));
        ds.push(Diagnostic::error(
            "a.md",
            Pos { line: 9, col: 1 },
            None,
            "y",
        ));
        ds.push(Diagnostic::error(
            "a.md",
            Pos { line: 2, col: 1 },
            None,
            "z",
        ));
        let order: Vec<_> = ds.sorted().into_iter().map(|d| (d.path, d.line)).collect();
        assert_eq!(
            order,
            [("a.md".into(), 2), ("a.md".into(), 9), ("b.md".into(), 1)]
        );
    }
}
