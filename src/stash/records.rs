//! Every record type's fields, in the order they are stashed. A label that is a function of
//! another field is `derived`: stored once in the program, not in every record.

use super::{stash_enum, stash_struct, Reader, Stash};
use crate::collection::Record;
use crate::diagnostics::{Diagnostic, Severity};
use crate::japanese::phone::Phone;
use crate::records::curriculum::Code;
use crate::records::directory::{
    CareOffice, Doctor, HoursRow, Partner, PartnerKind, Person, Place,
};
use crate::records::equipment::{Equipment, Price, Prices};
use crate::records::form::{Form, SendTo};
use crate::records::meta::{Extra, FileLink, Meta};
use crate::records::news::News;
use crate::records::newsletter::{Cover, Newsletter};
use crate::records::page::Page;
use crate::records::pathway::Pathway;
use crate::records::seminar::{
    audience_label, Apply, Credits, Seminar, SeminarKind, Speaker, Status, Venue,
};
use crate::yaml::Pos;

stash_struct!(Pos { line, col });
stash_enum!(Severity { Error, Warning });
stash_struct!(Diagnostic {
    severity,
    path,
    line,
    col,
    field,
    message,
    expected,
    source_line
});

stash_struct!(Meta {
    slug,
    url,
    body,
    summary,
    partners_only,
    source,
    draft,
    body_line
});
stash_struct!(Extra { key, label, value });
stash_struct!(FileLink {
    title,
    file,
    url,
    kind
});
stash_struct!(Phone {
    display,
    digits,
    uri
});

stash_enum!(PartnerKind {
    Clinic,
    Hospital,
    Dental,
    Pharmacy
});
stash_struct!(Person { name, yomi });
stash_struct!(HoursRow {
    label,
    time,
    opens,
    closes,
    days,
    weeks
});
stash_struct!(Place {
    name,
    yomi,
    area,
    postal,
    address,
    geo,
    map_url,
    tel,
    fax,
    url,
    hours,
    hours_note,
    updated,
    updated_ja,
    name_pos,
    tel_pos
} derived {
    map_label = crate::site::url::map_label(geo)
});
stash_struct!(Partner {
    meta,
    place,
    kind,
    departments,
    director,
    services,
    registered,
    beds,
    navii_id
} derived {
    kind_label = PartnerKind::label(kind)
});
stash_struct!(CareOffice {
    meta,
    place,
    services,
    office_number,
    operator,
    capacity,
    accepting
});
stash_struct!(Doctor {
    meta,
    name,
    yomi,
    partner,
    partner_pos,
    departments,
    specialties,
    registered_since,
    registered_since_ja,
    co_treatment
});

stash_enum!(SeminarKind {
    Training,
    OpenConference,
    PublicLecture,
    Meeting
});
stash_enum!(Status {
    Cancelled,
    Finished,
    NotYetOpen,
    Open,
    Closed
});
stash_struct!(Venue {
    name,
    address,
    online,
    url
});
stash_struct!(Apply {
    opens,
    deadline,
    deadline_ja,
    opens_ja,
    methods,
    url,
    form
});
stash_struct!(Speaker {
    name,
    title,
    affiliation
});
stash_struct!(Code { code, name });
stash_struct!(Credits { jma, cc });
stash_struct!(Seminar {
    meta,
    title,
    kind,
    audience,
    start,
    end,
    ends_on,
    when,
    date_ja,
    fiscal_year,
    venue,
    capacity,
    apply,
    fee,
    credits,
    speakers,
    cancelled,
    materials,
    status,
    shows_apply_methods,
    not_yet_open,
    settled
} derived {
    kind_label = SeminarKind::label(kind),
    audience_labels = audience_labels(&audience),
    status_label = Status::label(status)
});

stash_struct!(News {
    meta,
    title,
    date,
    date_ja,
    category,
    pinned,
    attachments
});
stash_struct!(Pathway {
    meta,
    title,
    disease,
    summary_text,
    participant_refs,
    documents
});
stash_struct!(SendTo {
    id,
    name,
    tel,
    fax,
    hours
});
stash_struct!(Form {
    meta,
    title,
    purpose,
    audience,
    send_to,
    revised,
    revised_ja,
    files,
    fields,
    how_to_send,
    generate
});
stash_struct!(Price { name, yen, display });
stash_struct!(Prices {
    revised,
    revised_ja,
    note,
    items
});
stash_struct!(Equipment {
    meta,
    title,
    modality,
    device,
    offered,
    schedule,
    booking,
    prerequisites,
    results,
    form,
    form_pos,
    prices,
    order
});
stash_struct!(Cover { url, alt });
stash_struct!(Newsletter {
    meta,
    title,
    number,
    issued,
    issued_ja,
    fiscal_year,
    fiscal_year_ja,
    contents,
    pdf,
    cover
});
stash_struct!(Page {
    meta,
    title,
    nav,
    footer,
    summary_text
});

/// Takes `&Vec`, not a slice: the type of the field just read is inferred from it.
#[allow(clippy::ptr_arg)]
fn audience_labels(audience: &Vec<String>) -> Vec<&'static str> {
    audience.iter().map(|a| audience_label(a)).collect()
}

/// A record of any collection: its variant's place, then the record.
impl Stash for Record {
    fn put(&self, w: &mut Vec<u8>) {
        match self {
            Record::Partners(r) => {
                w.push(0);
                r.put(w);
            }
            Record::Care(r) => {
                w.push(1);
                r.put(w);
            }
            Record::Doctors(r) => {
                w.push(2);
                r.put(w);
            }
            Record::Seminars(r) => {
                w.push(3);
                r.put(w);
            }
            Record::News(r) => {
                w.push(4);
                r.put(w);
            }
            Record::Pathways(r) => {
                w.push(5);
                r.put(w);
            }
            Record::Forms(r) => {
                w.push(6);
                r.put(w);
            }
            Record::Equipment(r) => {
                w.push(7);
                r.put(w);
            }
            Record::Newsletters(r) => {
                w.push(8);
                r.put(w);
            }
            Record::Pages(r) => {
                w.push(9);
                r.put(w);
            }
        }
    }

    fn take(r: &mut Reader<'_>) -> Option<Self> {
        Some(match u8::take(r)? {
            0 => Record::Partners(Stash::take(r)?),
            1 => Record::Care(Stash::take(r)?),
            2 => Record::Doctors(Stash::take(r)?),
            3 => Record::Seminars(Stash::take(r)?),
            4 => Record::News(Stash::take(r)?),
            5 => Record::Pathways(Stash::take(r)?),
            6 => Record::Forms(Stash::take(r)?),
            7 => Record::Equipment(Stash::take(r)?),
            8 => Record::Newsletters(Stash::take(r)?),
            9 => Record::Pages(Stash::take(r)?),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::Mutex;

    use crate::content::report::Days;
    use crate::diagnostics::Diagnostics;
    use crate::load::{self, Earlier, Keeper, LoadOptions, Reuse};
    use crate::records::meta::Profile;

    /// Parses kept in memory, as `pipeline::parsed` keeps them in a file.
    #[derive(Default)]
    struct InMemory(Mutex<HashMap<String, (Vec<u8>, Days)>>);

    impl Keeper for InMemory {
        fn keep(&self, source: &str, parse: &[u8], days: Days) {
            let mut kept = self.0.lock().expect("not poisoned");
            assert!(kept
                .insert(source.to_string(), (parse.to_vec(), days))
                .is_none());
        }
    }

    /// Already parsed, as the file of the last build holds them.
    struct Parsed(HashMap<String, (Vec<u8>, Days)>);

    impl Earlier for Parsed {
        fn parsed(&self, source: &str) -> Option<(&[u8], Days)> {
            self.0
                .get(source)
                .map(|(bytes, days)| (bytes.as_slice(), *days))
        }
    }

    /// Loads `root` twice, the second time taking every record from the first load's stash,
    /// and requires the same content and the same diagnostics: every field of every record
    /// (positions, labels, dates, bodies) comes back exactly.
    fn round_trip(root: &Path, profile: Profile, drafts: bool) {
        let opts = LoadOptions {
            root: root.to_path_buf(),
            profile,
            build_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("a date"),
            base_url: Default::default(),
            drafts,
        };
        let first_kept = InMemory::default();
        let first_diags = Diagnostics::new();
        let keep_only = Reuse {
            earlier: None,
            keeper: Some(&first_kept),
        };
        let first = load::load_with(&opts, &first_diags, keep_only)
            .expect("loads")
            .expect("a site");
        let earlier = Parsed(first_kept.0.into_inner().expect("not poisoned"));
        assert!(earlier.0.len() > 10, "{} records", earlier.0.len());

        // The same site with every record file made unreadable as YAML: what the second load
        // finds can only have come from the stash.
        let copy = tempfile::tempdir().expect("a folder");
        copy_tree(root, copy.path());
        for source in earlier.0.keys() {
            std::fs::write(copy.path().join(source), "---\n: [\n---\n").expect("written");
        }
        let opts = LoadOptions {
            root: copy.path().to_path_buf(),
            ..opts
        };

        let second_kept = InMemory::default();
        let second_diags = Diagnostics::new();
        let reuse = Reuse {
            earlier: Some(&earlier),
            keeper: Some(&second_kept),
        };
        let second = load::load_with(&opts, &second_diags, reuse)
            .expect("loads")
            .expect("a site");
        // The attachments' own paths are the copy's.
        let second_shown = format!("{second:#?}").replace(
            &copy.path().display().to_string(),
            &root.display().to_string(),
        );
        assert_eq!(format!("{first:#?}"), second_shown);
        assert_eq!(first_diags.sorted(), second_diags.sorted());
        // What is kept again is what was taken, byte for byte.
        assert_eq!(second_kept.0.into_inner().expect("not poisoned"), earlier.0);
    }

    /// Copies `content/` and `themes/` (if any) of the site at `from` into `to`.
    fn copy_tree(from: &Path, to: &Path) {
        fn copy(from: &Path, to: &Path) {
            std::fs::create_dir_all(to).expect("a folder");
            for entry in std::fs::read_dir(from).expect("a folder").flatten() {
                let target = to.join(entry.file_name());
                if entry.path().is_dir() {
                    copy(&entry.path(), &target);
                } else {
                    std::fs::copy(entry.path(), target).expect("copied");
                }
            }
        }
        for dir in ["content", "themes"] {
            if from.join(dir).is_dir() {
                copy(&from.join(dir), &to.join(dir));
            }
        }
    }

    /// Every record file's parse on `date`, with its days, as a build keeps them.
    fn parses_on(root: &Path, date: chrono::NaiveDate) -> HashMap<String, (Vec<u8>, Days)> {
        let opts = LoadOptions {
            root: root.to_path_buf(),
            profile: Profile::Partners,
            build_date: date,
            base_url: Default::default(),
            drafts: true,
        };
        let kept = InMemory::default();
        let keep_only = Reuse {
            earlier: None,
            keeper: Some(&kept),
        };
        load::load_with(&opts, &Diagnostics::new(), keep_only)
            .expect("loads")
            .expect("a site");
        kept.0.into_inner().expect("not poisoned")
    }

    /// A parse holds on every build date it says it does and changes on the days just outside:
    /// what a daily build takes from the last one is what reading the file that day makes.
    /// Walked over five years of build dates on the demo site, whose partners' `updated` and
    /// seminars' dates fall across them.
    #[test]
    fn a_parse_holds_on_exactly_its_days() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut loads: HashMap<chrono::NaiveDate, HashMap<String, (Vec<u8>, Days)>> =
            HashMap::new();
        let mut on = |date| {
            loads
                .entry(date)
                .or_insert_with(|| parses_on(repo, date))
                .clone()
        };
        let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
        let dates: Vec<_> = (0..30)
            .map(|step| start + chrono::Duration::days(step * 61))
            .collect();
        let mut bounded = std::collections::BTreeSet::new();
        for &date in &dates {
            for (source, (bytes, days)) in on(date) {
                assert!(days.contains(date), "{source} on {date}: {days:?}");
                for &other in dates.iter().filter(|d| days.contains(**d)) {
                    assert_eq!(on(other)[&source].0, bytes, "{source}: {date}, {other}");
                }
                if days == Days::ALL {
                    continue;
                }
                bounded.insert(source.clone());
                for inside in [days.first, days.last] {
                    if inside != chrono::NaiveDate::MIN && inside != chrono::NaiveDate::MAX {
                        assert_eq!(on(inside)[&source].0, bytes, "{source} on {inside}");
                    }
                }
                for outside in [days.first.pred_opt(), days.last.succ_opt()]
                    .into_iter()
                    .flatten()
                {
                    assert_ne!(on(outside)[&source].0, bytes, "{source} on {outside}");
                }
            }
        }
        // Partners going stale and seminars through their states, not only files that read
        // the same on every day.
        assert!(bounded.iter().any(|s| s.starts_with("content/partners/")));
        assert!(bounded.iter().any(|s| s.starts_with("content/seminars/")));
    }

    #[test]
    fn every_record_of_the_demo_site_comes_back_exactly() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        round_trip(repo, Profile::Public, false);
        round_trip(repo, Profile::Partners, true);
    }

    #[test]
    fn every_record_of_the_test_fixture_comes_back_exactly() {
        let minimal = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        round_trip(&minimal, Profile::Partners, true);
    }
}
