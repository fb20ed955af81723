//! renkei: a static site generator for a hospital's 地域医療連携室 (regional medical liaison office).
//!
//! The build is one pipeline, and the modules follow it:
//!
//! 1. [`config`] reads `content/site.yaml`;
//! 2. [`load`] reads every record: [`content`] finds and decodes files (with [`yaml`] for front
//!    matter with positions, `content::fields` for strict typed fields and `content::markdown`
//!    for bodies), and [`records`] knows each kind's own rules (directory, seminar, news,
//!    pathway, page, outpatient, closures);
//! 3. [`site`] links records to each other (a 登録医's clinic, a pathway's participants) and
//!    makes every URL (`site::url`);
//! 4. [`render`] fills the [`theme`]'s templates for every page, [`formats`] writes the other
//!    files (iCalendar, vCard, Atom, JSON-LD, CSV/JSON exports, sitemap) and [`search`] the index;
//! 5. `pipeline::output` writes the result atomically.
//!
//! [`collection`] says, once per record kind, everything the steps need to know about it (its
//! folder, reader, pages, search documents and what shows a record), so a new kind is one module.
//! [`pipeline`] strings the steps together for `build` and `check` (`check` also runs the
//! [`links`] check on what it rendered; a build keeps each record file's parse in the compact
//! form of [`stash`], so the next one parses only the files that changed); [`serve`] runs the
//! same pipeline into memory for live preview and re-renders only what an edit shows
//! (`render::incremental`). [`import`] turns
//! Excel lists and the national open data into content files, checking each with the same
//! reader. [`japanese`] holds the conventions every step shares: 和暦 and 祝日, phone numbers,
//! names, characters content may not hold. Problems anywhere become [`diagnostics`]: collected,
//! sorted, printed once.

// A panic is never the answer to bad input or a failed call; tests may unwrap.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod collection;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod formats;
pub mod import;
pub mod japanese;
pub mod links;
pub mod load;
pub mod pipeline;
pub mod records;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod stash;
pub mod theme;
pub mod yaml;

#[cfg(test)]
mod pieces;
