//! renkei: a static site generator for a hospital's 地域医療連携室 (regional medical liaison office).
//!
//! The build is one pipeline, and the modules follow it:
//!
//! 1. [`config`] reads `content/site.yaml`;
//! 2. [`load`] reads every record ([`content`] finds and decodes files, [`yaml`] parses front
//!    matter with positions, [`fields`] checks each field strictly, and the domain modules —
//!    [`directory`], [`seminar`], [`news`], [`pathway`], [`page`], [`outpatient`], [`closures`] —
//!    know their own rules);
//! 3. [`site`] links records to each other (a 登録医's clinic, a pathway's participants);
//! 4. [`render`] fills the [`theme`]'s templates for every page;
//! 5. [`output`] writes the result atomically.
//!
//! [`pipeline`] strings these together for the `build` and `check` commands (`check` also runs
//! the [`links`] check on what it rendered); [`serve`] runs the same pipeline into memory for
//! live preview. [`import`] turns Excel lists and the national open data into content files,
//! checking each with the same reader. Problems anywhere
//! become [`diagnostics`]: collected, sorted, printed once.

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
pub mod search;
pub mod serve;
pub mod site;
pub mod theme;
pub mod yaml;
