//! What reading one file found: its diagnostics, and the build dates on which it reads the
//! same. Every reader of a file reports into one [`FileReport`]; the loader collects them.

use std::cell::{Cell, RefCell};

use chrono::NaiveDate;

use crate::diagnostics::Diagnostic;
use crate::yaml::Pos;

/// The build dates on which a file reads the same, both ends included. Most files read the
/// same on any day; a partner whose `updated` is a year old gets a warning from a day on, a
/// seminar's status moves with its dates. A later build on a day inside may take this build's
/// reading of the file instead of reading it again (`pipeline::parsed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Days {
    pub const ALL: Days = Days {
        first: NaiveDate::MIN,
        last: NaiveDate::MAX,
    };

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.first <= day && day <= self.last
    }
}

/// Collects the diagnostics of one file, and the build dates its reading holds for.
/// Single-threaded: one file is read by one thread.
#[derive(Debug)]
pub struct FileReport {
    pub path: String,
    diags: RefCell<Vec<Diagnostic>>,
    days: Cell<Days>,
}

impl FileReport {
    pub fn new(path: impl Into<String>) -> Self {
        FileReport {
            path: path.into(),
            diags: RefCell::new(Vec::new()),
            days: Cell::new(Days::ALL),
        }
    }

    /// Whether `today` (the build date) is `day` or later. Every reader of a record file that
    /// lets the build date change what it makes of the file asks this, so that [`FileReport::days`] knows the
    /// reading differs before `day` and from `day` on.
    pub fn reached(&self, today: NaiveDate, day: NaiveDate) -> bool {
        let mut days = self.days.get();
        let reached = today >= day;
        if reached {
            days.first = days.first.max(day);
        } else if let Some(before) = day.pred_opt() {
            days.last = days.last.min(before);
        }
        self.days.set(days);
        reached
    }

    /// Whether `today` is after `day`: [`FileReport::reached`] the day after it (never, when
    /// `day` is the last day there is).
    pub fn passed(&self, today: NaiveDate, day: NaiveDate) -> bool {
        day.succ_opt().is_some_and(|next| self.reached(today, next))
    }

    /// The build dates on which this file reads as it did on this build's.
    pub fn days(&self) -> Days {
        self.days.get()
    }

    pub fn push(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    pub fn error(&self, pos: Pos, field: &str, message: impl Into<String>, expected: Option<&str>) {
        let field = (!field.is_empty()).then_some(field);
        let mut d = Diagnostic::error(&self.path, pos, field, message);
        if let Some(e) = expected {
            d = d.expected(e);
        }
        self.push(d);
    }

    pub fn warn(&self, pos: Pos, field: &str, message: impl Into<String>) {
        let field = (!field.is_empty()).then_some(field);
        self.push(Diagnostic::warning(&self.path, pos, field, message));
    }

    pub fn has_errors(&self) -> bool {
        self.diags
            .borrow()
            .iter()
            .any(|d| d.severity == crate::diagnostics::Severity::Error)
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags.into_inner()
    }

    /// [`FileReport::into_diagnostics`], each with the line of `text` (the file as read) it
    /// points at, so that showing it needs no second read of the file.
    pub fn into_quoted(self, text: &str) -> Vec<Diagnostic> {
        let mut diags = self.diags.into_inner();
        for d in diags.iter_mut().filter(|d| d.path == self.path) {
            let index = usize::try_from(d.line).ok().and_then(|l| l.checked_sub(1));
            d.source_line = index
                .and_then(|i| text.lines().nth(i))
                .map(|line| Box::new(line.to_string()));
        }
        diags
    }

    /// The diagnostics as the lines staff would read; what unit tests compare against.
    pub fn into_messages(self) -> Vec<String> {
        self.diags
            .into_inner()
            .iter()
            .map(|d| d.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_diagnostics_carry_the_line_they_point_at() {
        let report = FileReport::new("content/partners/a.md");
        let places = [
            ("content/partners/a.md", 2),
            ("content/partners/a.md", 0),
            ("content/partners/a.md", 9),
            ("content/site.yaml", 1),
        ];
        for (path, line) in places {
            let at = Pos { line, col: 1 };
            report.push(Diagnostic::warning(path, at, None, "警告"));
        }
        let lines: Vec<Option<String>> = report
            .into_quoted("---\nname: あおば\n---\n")
            .into_iter()
            .map(|d| d.source_line.map(|line| *line))
            .collect();
        assert_eq!(lines, [Some("name: あおば".to_string()), None, None, None]);
    }
}
