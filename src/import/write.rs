//! The end of an import: the report staff read (what was read, every file created, changed
//! field by field or left alone, every problem by row and column) and the all-or-nothing write.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::yaml::Value as Y;

use super::merge;
use super::plan::{Action, Item, Plan};
use super::rows::{self, Draft};
use super::ImportOptions;

/// What `run` reports and how it ends.
#[derive(Debug)]
pub struct Outcome {
    /// The plan and summary (stdout).
    pub report: String,
    /// Row errors (stderr).
    pub errors: String,
    /// 0 done (or a clean dry run), 1 rows with errors and nothing written.
    pub code: u8,
}

impl Plan {
    pub fn finish(self, opts: &ImportOptions) -> Result<Outcome, String> {
        let mut report = String::new();
        let mut errors = String::new();
        let r = &self.read;
        let _ = writeln!(report, "{} を読みました({})。", r.file, r.description);
        if !r.used.is_empty() {
            let used: Vec<String> = r.used.iter().map(|(h, f)| format!("{h}→{f}")).collect();
            let _ = writeln!(report, "取り込む列: {}", used.join("、"));
        }
        if !r.unknown.is_empty() {
            let _ = writeln!(
                report,
                "取り込まない列: {}(項目に対応させるには --map で指定してください)",
                r.unknown.join("、")
            );
        }
        let file = Path::new(&r.file)
            .file_name()
            .map(|f| f.to_string_lossy().to_string())
            .unwrap_or_default();
        for e in &self.errors {
            let column = if e.column.is_empty() {
                String::new()
            } else {
                format!("「{}」", e.column)
            };
            let field = if e.field.is_empty() {
                String::new()
            } else {
                format!("({})", e.field)
            };
            let _ = writeln!(
                errors,
                "{file}: {} 行目{column}{field}: {}",
                e.row, e.message
            );
        }
        let invalid = !self.errors.is_empty() && !opts.skip_invalid;
        // A row with an error is never listed as created or changed, with or without
        // --skip-invalid: it is what will not be written.
        let rejected: std::collections::BTreeSet<usize> =
            self.errors.iter().map(|e| e.row).collect();
        let writable: Vec<&Item> = self
            .items
            .iter()
            .filter(|i| !self.skipped_rows.contains(&i.row) && !rejected.contains(&i.row))
            .collect();
        let count = |f: &dyn Fn(&Action) -> bool| writable.iter().filter(|i| f(&i.action)).count();
        let creates = count(&|a| matches!(a, Action::Create));
        let changes = count(&|a| matches!(a, Action::Change(_)));
        let same = count(&|a| matches!(a, Action::Same));
        let kept = count(&|a| matches!(a, Action::Kept(_)));
        describe(&mut report, &writable, opts.dry_run);
        let verb = if opts.dry_run || invalid {
            "予定"
        } else {
            ""
        };
        let _ = writeln!(
            report,
            "作成{verb} {creates} 件、変更{verb} {changes} 件、変更なし {same} 件{}。",
            if kept > 0 {
                format!("、既にあるため変更しない {kept} 件(--update で更新します)")
            } else {
                String::new()
            }
        );
        if invalid {
            let _ = writeln!(
                errors,
                "エラー {} 件。何も書き込んでいません。直してからもう一度実行してください(--skip-invalid ならエラーの行だけ除いて取り込みます)。",
                self.errors.len()
            );
            return Ok(Outcome {
                report,
                errors,
                code: 1,
            });
        }
        if !self.skipped_rows.is_empty() {
            let rows: Vec<String> = self.skipped_rows.iter().map(|r| r.to_string()).collect();
            let _ = writeln!(
                errors,
                "エラーのある {} 行目は取り込みません(--skip-invalid)。",
                rows.join("・")
            );
        }
        let to_write: Vec<(&Path, &str, &str)> = writable
            .iter()
            .filter(|i| matches!(i.action, Action::Create | Action::Change(_)))
            .map(|i| (i.path.as_path(), i.text.as_str(), i.display.as_str()))
            .collect();
        // The licence's credit line goes into site.yaml in the same all-or-nothing write, so a
        // site.yaml that cannot take it stops the import before any record is written.
        let site_yaml = opts.root.join("content/site.yaml");
        let credit = match self.read.attribution {
            Some(line) if !to_write.is_empty() => {
                attribution_added(&site_yaml, line)?.map(|text| (line, text))
            }
            _ => None,
        };
        if let Some((line, _)) = &credit {
            let verb = if opts.dry_run {
                "加えます"
            } else {
                "加えました"
            };
            let _ = writeln!(
                report,
                "site.yaml の attributions に出典「{line}」を{verb}(サイトの下部に表示されます)。"
            );
        }
        if opts.dry_run {
            let _ = writeln!(report, "--dry-run のため何も書き込んでいません。");
            return Ok(Outcome {
                report,
                errors,
                code: 0,
            });
        }
        if to_write.is_empty() {
            let _ = writeln!(report, "書き込むものはありません。");
            return Ok(Outcome {
                report,
                errors,
                code: 0,
            });
        }
        let mut files = to_write;
        if let Some((_, text)) = &credit {
            files.push((site_yaml.as_path(), text.as_str(), "content/site.yaml"));
        }
        write_all(&files)?;
        let _ = writeln!(
            report,
            "書き込みました。renkei check で確かめてから、renkei build で公開用に生成してください。"
        );
        Ok(Outcome {
            report,
            errors,
            code: 0,
        })
    }
}

/// The per-file lines of the plan: created, changed field by field, and — in a dry run, which
/// staff read to decide — every file left alone too.
fn describe(report: &mut String, items: &[&Item], dry_run: bool) {
    for item in items {
        let head = |verb: &str| format!("{verb} {}({} 行目 {})", item.display, item.row, item.name);
        match &item.action {
            Action::Create => {
                let _ = writeln!(report, "{}", head("作成"));
            }
            Action::Change(changes) | Action::Kept(changes) => {
                let verb = if matches!(item.action, Action::Change(_)) {
                    "変更"
                } else {
                    "変更しない(--update なし)"
                };
                let _ = writeln!(report, "{}", head(verb));
                for c in changes {
                    let old = c.old.as_deref().unwrap_or("(なし)");
                    let _ = writeln!(report, "    {}: {old} → {}", c.key, c.new);
                    if let Some(note) = &c.note {
                        let _ = writeln!(report, "      注: {note}");
                    }
                }
            }
            Action::Same if dry_run => {
                let _ = writeln!(report, "{}", head("変更なし"));
            }
            Action::Same => {}
        }
        for note in &item.notes {
            let _ = writeln!(report, "    注: {} 行目: {note}", item.row);
        }
    }
}

/// Writes every file or none. Each new text goes to a temporary file first; then each file
/// being replaced is moved aside, and only then are the new ones moved into place. Any
/// failure on the way (a full disk, a read-only or locked file) undoes every step before it,
/// so the folder is as it was and no temporary file is left behind.
fn write_all(files: &[(&Path, &str, &str)]) -> Result<(), String> {
    let beside = |path: &Path, suffix: &str| {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        PathBuf::from(p)
    };
    let remove_all = |paths: &[PathBuf]| {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    };
    let folders: std::collections::BTreeSet<&Path> =
        files.iter().filter_map(|(p, _, _)| p.parent()).collect();
    for folder in folders {
        std::fs::create_dir_all(folder).map_err(|e| {
            format!(
                "{} を作れません: {e}(何も変更していません)",
                folder.display()
            )
        })?;
    }
    // One at a time: creating files in one folder from two threads made the kernel, not the
    // disk, the bottleneck here (10k files: median 1.5 s in parallel, 0.9 s in turn).
    let temps: Vec<PathBuf> = files
        .iter()
        .map(|(path, _, _)| beside(path, ".renkei-import"))
        .collect();
    let failed = files
        .iter()
        .zip(&temps)
        .filter_map(|((_, text, display), temp)| {
            std::fs::write(temp, text).err().map(|e| (*display, e))
        })
        .next();
    if let Some((display, e)) = failed {
        remove_all(&temps);
        return Err(format!(
            "{display} を書き込めません: {e}(何も変更していません)"
        ));
    }
    // Move the files being replaced aside.
    let mut aside: Vec<(PathBuf, &Path)> = Vec::new();
    let put_back = |aside: &[(PathBuf, &Path)]| {
        for (backup, path) in aside {
            let _ = std::fs::rename(backup, path);
        }
    };
    for (path, _, display) in files {
        if !path.exists() {
            continue;
        }
        let backup = beside(path, ".renkei-backup");
        if let Err(e) = std::fs::rename(path, &backup) {
            put_back(&aside);
            remove_all(&temps);
            return Err(format!(
                "{display} を置き換えられません: {e}(何も変更していません)"
            ));
        }
        aside.push((backup, path));
    }
    for (i, ((path, _, display), temp)) in files.iter().zip(&temps).enumerate() {
        if let Err(e) = std::fs::rename(temp, path) {
            // Undo: the new files already in place go, the old ones come back.
            for (done, _, _) in &files[..i] {
                let _ = std::fs::remove_file(done);
            }
            put_back(&aside);
            remove_all(&temps);
            return Err(format!(
                "{display} を置き換えられません: {e}(何も変更していません)"
            ));
        }
    }
    let backups: Vec<PathBuf> = aside.into_iter().map(|(b, _)| b).collect();
    remove_all(&backups);
    Ok(())
}

/// site.yaml with `line` added to `attributions:`, or `None` when it is there already.
fn attribution_added(path: &Path, line: &str) -> Result<Option<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("site.yaml を読めません: {e}"))?;
    let plain = merge::as_read(&text);
    let node = crate::yaml::parse(&plain, 1)
        .map_err(|e| format!("content/site.yaml:{}: {}", e.pos.line, e.message))?;
    let mut items = merge::list_items(match &node.value {
        Y::Map(entries) => entries
            .iter()
            .find(|e| e.key == "attributions")
            .map(|e| &e.value),
        _ => None,
    });
    if items.iter().any(|i| i == line) {
        return Ok(None);
    }
    items.push(line.to_string());
    let mut d = Draft::new(0);
    d.fields.push(("attributions", rows::Value::List(items)));
    let (merged, _) = merge::merge_yaml(&text, &d)
        .map_err(|e| format!("content/site.yaml に出典を書き加えられません: {e}"))?;
    Ok(Some(merged))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failure_while_replacing_undoes_everything() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        std::fs::write(&a, "old a").unwrap();
        // `b.md` cannot be moved aside: where its backup would go, a folder with a file in it
        // stands (as a locked or read-only file would refuse on another system).
        let b = dir.path().join("b.md");
        std::fs::create_dir(&b).unwrap();
        std::fs::create_dir(dir.path().join("b.md.renkei-backup")).unwrap();
        std::fs::write(dir.path().join("b.md.renkei-backup/x"), "x").unwrap();
        let c = dir.path().join("c.md");
        let before = listing(dir.path());
        let result = write_all(&[
            (&a, "new a", "a.md"),
            (&b, "new b", "b.md"),
            (&c, "new c", "c.md"),
        ]);
        assert!(result.unwrap_err().contains("何も変更していません"));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "old a");
        assert_eq!(
            listing(dir.path()),
            before,
            "no new file, no temporary file left"
        );
    }

    #[test]
    fn all_files_are_written_and_nothing_else_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        std::fs::write(&a, "old a").unwrap();
        let b = dir.path().join("sub/b.md");
        write_all(&[(&a, "new a", "a.md"), (&b, "new b", "sub/b.md")]).unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "new a");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new b");
        assert_eq!(listing(dir.path()), ["a.md", "sub"]);
    }
}
