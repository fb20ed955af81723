//! Output formats besides HTML pages: the files other programs read (calendars, address books,
//! feed readers, search engines, spreadsheets).

pub mod contentline;
pub mod dataurl;
pub mod export;
pub mod feed;
pub mod ical;
pub mod jsonld;
pub mod sitemap;
pub mod vcard;
