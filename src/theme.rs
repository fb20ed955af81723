//! Templates and theme assets: the embedded default theme, overridden file by file.
//!
//! The default theme is compiled into the binary (see `build.rs`), so a site with no themes/
//! folder builds. A site's `themes/<name>/templates/X.html` replaces the default's `X.html`
//! and `themes/<name>/static/` adds or replaces assets, so a hospital can restyle its header
//! without copying thirty templates it would then have to keep up to date.
//!
//! Tera is set up once per build with autoescape on for `.html` and `.xml`; content HTML
//! (already sanitised by [`crate::content::markdown`]) is the only thing templates mark `safe`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use tera::{Context, Kwargs, State, Tera};

use crate::diagnostics::Diagnostic;
use crate::pipeline::output::Source;
use crate::site::url::Urls;
use crate::yaml::Pos;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// Literal `id="…"` values in a template's text (ids made from variables are skipped).
fn ids_in(text: &str) -> impl Iterator<Item = &str> {
    text.split("id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|id| !id.is_empty() && !id.contains('{'))
}

/// Ids the default theme writes into every page or into some (`main`, the skip link's target;
/// `contact-title` …), and the one `serve` adds. A body heading or raw HTML id that took one
/// of them would capture the skip link or a landmark's label, so bodies never get these.
pub fn default_ids() -> &'static BTreeSet<String> {
    static IDS: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        let mut ids: BTreeSet<String> = embedded::TEMPLATES
            .iter()
            .flat_map(|(_, text)| ids_in(text))
            .map(str::to_string)
            .collect();
        ids.insert("renkei-errors".to_string());
        ids
    })
}

/// The ids bodies may not take on this site: the default theme's and those written in the
/// site's own `themes/<name>/templates/`, which may add its own landmarks. Read before the
/// content, because bodies are rendered as they are read; unreadable templates add nothing
/// here (the theme loader reports them).
pub fn reserved_ids(root: &Path, name: &str) -> BTreeSet<String> {
    let mut ids = default_ids().clone();
    let dir = root.join("themes").join(name);
    let Ok(theme_real) = fs::canonicalize(&dir) else {
        return ids;
    };
    let mut files = Vec::new();
    collect(
        &dir.join("templates"),
        "",
        &theme_real,
        &mut files,
        &mut Vec::new(),
    );
    for (_, path) in files {
        if let Ok(text) = fs::read_to_string(path) {
            ids.extend(ids_in(&text).map(str::to_string));
        }
    }
    ids
}

/// A loaded theme: compiled templates plus the static files to publish.
pub struct Theme {
    tera: Tera,
    /// Template name → path shown in errors (`themes/default/templates/base.html` or the site's).
    origins: BTreeMap<String, String>,
    /// Output path → source of each theme asset.
    pub assets: BTreeMap<String, Source>,
}

/// Lists a theme folder's files, skipping dot files. The same rule as `content/`: a symbolic
/// link is followed only while it stays inside the theme's folder, because whatever a theme
/// lists under static/ is published, and a link out of it once published a whole outside folder.
fn collect(
    dir: &Path,
    rel: &str,
    theme_real: &Path,
    out: &mut Vec<(String, PathBuf)>,
    errors: &mut Vec<Diagnostic>,
) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let is_link = e.file_type().map_or(true, |t| t.is_symlink());
        if is_link && !fs::canonicalize(&path).is_ok_and(|real| real.starts_with(theme_real)) {
            let shown = format!("{}/{rel}{name}", dir_shown(dir, rel));
            errors.push(
                Diagnostic::error(
                    &shown,
                    Pos::default(),
                    None,
                    "テーマのフォルダの外を指すリンク(シンボリックリンク)です。安全のため読み込みません",
                )
                .expected("テーマのフォルダの中の実際のファイル"),
            );
            continue;
        }
        if path.is_dir() {
            collect(&path, &format!("{rel}{name}/"), theme_real, out, errors);
        } else {
            out.push((format!("{rel}{name}"), path));
        }
    }
}

/// `themes/<name>/static` for messages, from a folder `rel` levels below it.
fn dir_shown(dir: &Path, rel: &str) -> String {
    let mut base = dir.to_path_buf();
    for _ in rel.split('/').filter(|s| !s.is_empty()) {
        base.pop();
    }
    let parts: Vec<String> = base
        .components()
        .rev()
        .take(3)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// Turns a Tera error into a diagnostic naming the template file and line.
fn template_error(
    err: &tera::Error,
    origins: &BTreeMap<String, String>,
    fallback: &str,
) -> Diagnostic {
    let (name, line, col, message) = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            r.filename().to_string(),
            r.span().start_line as u32,
            r.span().start_col as u32 + 1,
            r.message().to_string(),
        ),
        other => (fallback.to_string(), 0, 0, other.to_string()),
    };
    let mut message = message;
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    let name = if name.is_empty() {
        fallback.to_string()
    } else {
        name
    };
    let path = origins
        .get(&name)
        .cloned()
        .unwrap_or_else(|| format!("templates/{name}"));
    let hint = if message.contains("not found in context")
        || message.contains("undefined")
        || message.contains("is not defined")
    {
        "テンプレートが存在しない変数を使っています"
    } else if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
        "テンプレートの書き方に誤りがあります"
    } else {
        "テンプレートを表示できません"
    };
    Diagnostic::error(&path, Pos { line, col }, None, format!("{hint}: {message}"))
        .expected("Tera テンプレートの正しい書き方 (docs/themes.md)")
}

impl Theme {
    /// Loads the default theme and the site's overrides from `<root>/themes/<name>/`.
    pub fn load(root: &Path, name: &str, urls: &Urls) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (rel, text) in embedded::TEMPLATES {
            sources.insert(
                rel.to_string(),
                (format!("themes/default/templates/{rel}"), text.to_string()),
            );
        }
        let mut assets: BTreeMap<String, Source> = embedded::STATIC
            .iter()
            .map(|(rel, bytes)| (rel.to_string(), Source::Bytes(bytes.to_vec())))
            .collect();

        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            return Err(vec![Diagnostic::error(
                "content/site.yaml",
                Pos::default(),
                Some("theme"),
                format!("テーマ「{name}」のフォルダ themes/{name}/ がありません"),
            )
            .expected("default か themes/ の中のフォルダ名")]);
        }
        let mut errors = Vec::new();
        let mut files = Vec::new();
        // A missing folder has no real path; nothing under it can be collected anyway.
        let theme_real = fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        collect(
            &dir.join("templates"),
            "",
            &theme_real,
            &mut files,
            &mut errors,
        );
        for (rel, path) in files {
            let shown = format!("themes/{name}/templates/{rel}");
            let report = crate::content::report::FileReport::new(shown.clone());
            match crate::content::document::read_text(&path, &report) {
                Some(text) => {
                    sources.insert(rel, (shown, text));
                }
                None => errors.extend(report.into_diagnostics()),
            }
        }
        let mut files = Vec::new();
        collect(
            &dir.join("static"),
            "",
            &theme_real,
            &mut files,
            &mut errors,
        );
        for (rel, path) in files {
            assets.insert(rel, Source::Copy(path));
        }

        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let prefix = urls.clone();
        tera.register_function(
            "url",
            move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
                let path: &str = kwargs.must_get("path")?;
                Ok(prefix.path(path))
            },
        );
        let origins: BTreeMap<String, String> = sources
            .iter()
            .map(|(k, (shown, _))| (k.clone(), shown.clone()))
            .collect();
        // Add one by one first: Tera reports only the first syntax error of a batch, and a
        // theme author deserves all of them.
        for (rel, (_, text)) in &sources {
            let mut probe = Tera::new();
            if let Err(e) = probe.add_raw_template(rel, text) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    errors.push(template_error(&e, &origins, rel));
                }
            }
        }
        if errors.is_empty() {
            if let Err(e) =
                tera.add_raw_templates(sources.iter().map(|(k, (_, t))| (k.as_str(), t.as_str())))
            {
                errors.push(template_error(&e, &origins, "templates"));
            }
        }
        if errors.is_empty() {
            Ok(Theme {
                tera,
                origins,
                assets,
            })
        } else {
            Err(errors)
        }
    }

    /// Shared values every template sees (`site`).
    pub fn set_global(&mut self, key: &'static str, value: &impl serde::Serialize) {
        self.tera.global_context().insert(key, value);
    }

    /// Renders `template` with `context`.
    /// The page's bytes, without the templates' indentation. Bytes, not a `String`: they go
    /// straight to a file, and Tera writes only whole `&str`s, so they are UTF-8 already.
    pub fn render(&self, template: &str, context: &Context) -> Result<Vec<u8>, Diagnostic> {
        // Room for a record's page (about 12 KB once trimmed, at 10k records) with its
        // indentation, so the buffer is seldom grown and copied.
        let mut html = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(template, context, &mut html)
            .map_err(|e| template_error(&e, &self.origins, template))?;
        crate::render::compact::trim_indentation(&mut html);
        Ok(html)
    }
}
