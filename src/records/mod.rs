//! Records: what each kind of content is, read from its file and checked by its own rules.
//!
//! [`meta`] holds what every record shares (slug, body, visibility); the other modules are one
//! domain each. How a record kind is wired into the pipeline lives in [`crate::collection`].

pub mod closures;
pub mod curriculum;
pub mod desk;
pub mod directory;
pub mod equipment;
pub mod form;
pub mod meta;
pub mod news;
pub mod newsletter;
pub mod outpatient;
pub mod page;
pub mod pathway;
pub mod seminar;
