//! Embeds `themes/default/` into the binary, so a site without a themes/ folder builds and a
//! newcomer's `cargo install` gets the complete product. Generates a list of
//! `include_str!`/`include_bytes!` entries; nothing is read at run time.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(&path, base, out);
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push((rel.to_string_lossy().replace('\\', "/"), path.clone()));
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme = root.join("themes").join("default");
    println!("cargo:rerun-if-changed={}", theme.display());
    let mut code = String::new();
    for (kind, sub, macro_name, ty) in [
        ("TEMPLATES", "templates", "include_str", "&str"),
        ("STATIC", "static", "include_bytes", "&[u8]"),
    ] {
        let base = theme.join(sub);
        let mut files = Vec::new();
        walk(&base, &base, &mut files);
        let _ = writeln!(code, "pub static {kind}: &[(&str, {ty})] = &[");
        for (rel, path) in files {
            println!("cargo:rerun-if-changed={}", path.display());
            let _ = writeln!(
                code,
                "    ({rel:?}, {macro_name}!({:?})),",
                path.display().to_string()
            );
        }
        let _ = writeln!(code, "];");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("embedded_theme.rs");
    fs::write(out, code).expect("write embedded_theme.rs");
}
