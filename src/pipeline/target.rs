//! Which folder a build may write: never the site itself, a folder it reads, or a folder
//! renkei did not make. A deploy link is followed, and the link is kept.

use std::fs;
use std::path::{Path, PathBuf};

use super::output::MARKER;

/// Where a build really writes: the output folder after following a symbolic link, so that a
/// deploy link (`public -> releases/2026-12-03`) is written through, and the link itself, the
/// folder it points to and everything beside them are never moved or deleted.
///
/// Refuses folders whose replacement would destroy something that is not a previous build:
/// the site itself or an ancestor of it, a folder the build reads (`content/`, `themes/`,
/// where old output would be published again in every build), a file, or a non-empty folder
/// without renkei's [`MARKER`].
pub fn resolve_target(out: &Path, root: &Path) -> Result<PathBuf, String> {
    let shown = out.display();
    let is_link = fs::symlink_metadata(out).is_ok_and(|m| m.file_type().is_symlink());
    let real = if is_link {
        fs::canonicalize(out).map_err(|e| {
            format!("出力先 {shown} はシンボリックリンクですが、リンク先を開けません: {e}。リンク先のフォルダを作るか、リンクを消してください")
        })?
    } else {
        absolute(out)
    };
    let root_abs = absolute(root);
    if root_abs.starts_with(&real) {
        return Err(format!(
            "出力先 {shown} はサイトのフォルダそのもの(またはその親)です。別のフォルダを指定してください"
        ));
    }
    for read in ["content", "themes"] {
        if real.starts_with(root_abs.join(read)) {
            return Err(format!(
                "出力先 {shown} はサイトの {read}/ の中です。生成結果が次の生成で読み込まれ、公開されてしまうため使えません。{read}/ の外(例: public/)を指定してください"
            ));
        }
    }
    if real.join("content").join("site.yaml").exists() {
        return Err(format!(
            "出力先 {shown} には content/ があります。サイトのフォルダは出力先にできません"
        ));
    }
    if real.is_file() {
        return Err(format!(
            "出力先 {shown} はファイルです。フォルダを指定してください"
        ));
    }
    if real.is_dir() {
        let mut entries =
            fs::read_dir(&real).map_err(|e| format!("出力先 {shown} を読めません: {e}"))?;
        let non_empty = entries.next().is_some();
        if non_empty && !real.join(MARKER).is_file() {
            return Err(format!(
                "出力先 {shown} は renkei が作ったフォルダではありません({MARKER} がありません)。中身を消さないよう、空のフォルダか新しいフォルダを指定してください(以前の版の renkei の出力なら、フォルダを削除してから生成し直してください)"
            ));
        }
    }
    Ok(real)
}

/// The real path of `p`, also for an output folder that does not exist yet: the longest part
/// that exists is resolved through its links, the rest is added after `.` and `..` are
/// worked out, so `x/../content/static/pub` is seen to be inside `content/`.
fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let mut lexical = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut missing = Vec::new();
    let mut existing = lexical.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            let mut out = real;
            for name in missing.iter().rev() {
                out.push(name);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_replace_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content/static")).unwrap();
        fs::write(site.join("content/site.yaml"), "").unwrap();
        assert!(resolve_target(&site, &site).is_err());
        assert!(resolve_target(tmp.path(), &site).is_err());
        let docs = tmp.path().join("docs");
        fs::create_dir_all(&docs).unwrap();
        fs::write(docs.join("thesis.docx"), "x").unwrap();
        assert!(resolve_target(&docs, &site).is_err());
        // A sitemap alone does not make a folder renkei's (a Hugo site's public/ has one).
        let hugo = tmp.path().join("hugo-public");
        fs::create_dir_all(&hugo).unwrap();
        fs::write(hugo.join("sitemap.xml"), "<urlset/>").unwrap();
        let err = resolve_target(&hugo, &site).unwrap_err();
        assert!(err.contains(MARKER), "{err}");
        fs::write(hugo.join(MARKER), "").unwrap();
        assert!(resolve_target(&hugo, &site).is_ok());
        assert!(resolve_target(&tmp.path().join("new"), &site).is_ok());
        assert!(resolve_target(&site.join("public"), &site).is_ok());
    }

    #[test]
    fn refuses_folders_the_build_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir_all(site.join("content/static")).unwrap();
        fs::create_dir_all(site.join("themes/mine")).unwrap();
        for out in [
            site.join("content/static/pub"),
            site.join("content"),
            site.join("themes/mine/static/out"),
            site.join("public/../content/static/pub"),
        ] {
            let err = resolve_target(&out, &site).unwrap_err();
            assert!(err.contains("の中です"), "{}: {err}", out.display());
        }
    }
}
