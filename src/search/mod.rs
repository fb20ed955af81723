//! Japanese search: normalisation shared by the index (Rust, at build time) and the client
//! (JavaScript, in the browser). The index and the search page arrive with the search issue;
//! the normaliser comes first because both halves must agree on it character for character.

pub mod normalize;

pub use normalize::normalize;
