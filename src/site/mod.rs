//! Step 3 of the pipeline: link records to each other and settle their order.
//!
//! After loading, every record is valid on its own; here references between them are checked
//! (a 登録医's clinic, a pathway's participants) and turned into index lists, so rendering
//! never searches: every lookup is an index built once, keeping a 10k-partner build linear.

pub mod url;

use crate::japanese::names::name_key;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::collection::{for_kind, Collection, Kind};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Content;
use crate::records::closures::Closure;
use crate::records::directory::browse::{self, Facet};
use crate::records::directory::{CareOffice, Doctor, Partner};
use crate::records::meta::Profile;
use crate::records::news::{self, News};
use crate::records::outpatient::Outpatient;
use crate::records::page::Page;
use crate::records::pathway::Pathway;
use crate::records::seminar::Seminar;

/// A pathway participant: a partner or a care office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    Partner(usize),
    Care(usize),
}

/// The linked site: what the renderers read.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub profile: Profile,
    pub build_date: NaiveDate,
    /// 五十音 order (by reading).
    pub partners: Vec<Partner>,
    pub care: Vec<CareOffice>,
    pub doctors: Vec<Doctor>,
    /// Oldest first.
    pub seminars: Vec<Seminar>,
    /// Pinned first, then newest first.
    pub news: Vec<News>,
    pub pathways: Vec<Pathway>,
    pub forms: Vec<crate::records::form::Form>,
    pub equipment: Vec<crate::records::equipment::Equipment>,
    pub newsletters: Vec<crate::records::newsletter::Newsletter>,
    /// Navigation order, then slug.
    pub pages: Vec<Page>,
    pub home: Option<Page>,
    pub outpatient: Option<Outpatient>,
    pub closures: Vec<Closure>,
    /// The site's own search words (`data/vocabulary.yaml`).
    pub vocabulary: Vec<crate::search::vocabulary::Entry>,
    /// The カリキュラムコード table in force (kept so `serve` re-reads seminars against it).
    pub curriculum: crate::records::curriculum::Curriculum,
    /// Ids bodies may not take (as read by [`crate::load`]).
    pub theme_ids: std::collections::BTreeSet<String>,
    pub statics: BTreeMap<String, PathBuf>,
    /// For each partner, its 登録医 (indexes into `doctors`).
    pub doctors_of_partner: Vec<Vec<usize>>,
    /// For each doctor, its partner.
    pub partner_of_doctor: Vec<usize>,
    pub members_of_pathway: Vec<Vec<Member>>,
    pub pathways_of_partner: Vec<Vec<usize>>,
    pub pathways_of_care: Vec<Vec<usize>>,
    /// Browse facets (地区, 種別, 診療科 …) of partners and care offices.
    pub partner_facets: Vec<Facet>,
    pub care_facets: Vec<Facet>,
    /// 年度, kind and audience pages of seminars; category pages of news.
    pub seminar_facets: Vec<Facet>,
    pub news_facets: Vec<Facet>,
    pub form_facets: Vec<Facet>,
    pub newsletter_facets: Vec<Facet>,
    pub drafts_skipped: usize,
}

impl Site {
    /// Every record's common fields, in no particular order: for questions asked of all
    /// records alike (which file wrote the page at this URL).
    pub fn metas(&self) -> Vec<&crate::records::meta::Meta> {
        let mut metas: Vec<_> = Collection::ALL
            .into_iter()
            .flat_map(
                |c| for_kind!(c, K => K::all(self).iter().map(Kind::meta).collect::<Vec<_>>()),
            )
            .collect();
        metas.extend(self.home.iter().map(|r| &r.meta));
        metas
    }
}

/// Links loaded content into a [`Site`], reporting dangling references.
pub fn link(
    content: Content,
    profile: Profile,
    build_date: NaiveDate,
    diags: &Diagnostics,
) -> Site {
    let Content {
        config,
        mut partners,
        mut care,
        mut doctors,
        mut seminars,
        mut news,
        mut pathways,
        mut forms,
        mut equipment,
        mut newsletters,
        mut pages,
        home,
        outpatient,
        closures,
        vocabulary,
        curriculum,
        theme_ids,
        statics,
        drafts_skipped,
        broken,
    } = content;
    let is_broken = |c: Collection, slug: &str| broken.contains(&(c, slug.to_string()));

    Kind::sort(&mut partners);
    Kind::sort(&mut care);
    Kind::sort(&mut doctors);
    Kind::sort(&mut seminars);
    Kind::sort(&mut news);
    Kind::sort(&mut pathways);
    Kind::sort(&mut forms);
    Kind::sort(&mut equipment);
    Kind::sort(&mut newsletters);
    crate::collection::equipment::check_forms(&equipment, &forms, diags);
    Kind::sort(&mut pages);

    let partner_ix: HashMap<&str, usize> = partners
        .iter()
        .enumerate()
        .map(|(i, p)| (p.meta.slug.as_str(), i))
        .collect();
    let care_ix: HashMap<&str, usize> = care
        .iter()
        .enumerate()
        .map(|(i, c)| (c.meta.slug.as_str(), i))
        .collect();

    let mut doctors_of_partner = vec![Vec::new(); partners.len()];
    let mut partner_of_doctor = Vec::with_capacity(doctors.len());
    let mut keep = Vec::with_capacity(doctors.len());
    for (i, d) in doctors.iter().enumerate() {
        match partner_ix.get(d.partner.as_str()) {
            Some(&p) => {
                doctors_of_partner[p].push(i);
                partner_of_doctor.push(p);
                keep.push(true);
                if !partners[p].registered {
                    diags.push(Diagnostic::warning(
                        &d.meta.source,
                        d.partner_pos,
                        Some("partner"),
                        format!("「{}」は registered: true になっていません(登録医のいる医療機関には registered: true を書いてください)", partners[p].place.name),
                    ));
                }
            }
            None if is_broken(Collection::Partners, &d.partner) => keep.push(false),
            None => {
                let hint = crate::diagnostics::suggest(&d.partner, partner_ix.keys().copied());
                diags.push(
                    Diagnostic::error(
                        &d.meta.source,
                        d.partner_pos,
                        Some("partner"),
                        format!(
                            "連携医療機関「{}」が partners/ にありません{hint}",
                            d.partner
                        ),
                    )
                    .expected("content/partners/ にあるファイル名(.md を除く)"),
                );
                keep.push(false);
            }
        }
    }
    if keep.iter().any(|k| !k) {
        // Drop doctors whose clinic is missing, re-indexing the links built above.
        let mut it = keep.iter();
        doctors.retain(|_| *it.next().unwrap_or(&false));
        doctors_of_partner = vec![Vec::new(); partners.len()];
        partner_of_doctor.clear();
        for (i, d) in doctors.iter().enumerate() {
            if let Some(&p) = partner_ix.get(d.partner.as_str()) {
                doctors_of_partner[p].push(i);
                partner_of_doctor.push(p);
            }
        }
    }

    let mut members_of_pathway = Vec::with_capacity(pathways.len());
    let mut pathways_of_partner = vec![Vec::new(); partners.len()];
    let mut pathways_of_care = vec![Vec::new(); care.len()];
    for (i, pw) in pathways.iter().enumerate() {
        let mut members = Vec::new();
        for (j, (reference, pos)) in pw.participant_refs.iter().enumerate() {
            let (scope, slug) = match reference.split_once('/') {
                Some((s, slug)) => (Some(s), slug),
                None => (None, reference.as_str()),
            };
            let as_partner = partner_ix
                .get(slug)
                .filter(|_| scope.is_none_or(|s| s == "partners"));
            let as_care = care_ix
                .get(slug)
                .filter(|_| scope.is_none_or(|s| s == "care"));
            let member = match (as_partner, as_care) {
                (Some(&p), None) => Member::Partner(p),
                (None, Some(&c)) => Member::Care(c),
                (Some(_), Some(_)) => {
                    diags.push(
                        Diagnostic::error(
                            &pw.meta.source,
                            *pos,
                            Some(&format!("participants[{j}]")),
                            format!("「{slug}」は partners/ にも care/ にもあります"),
                        )
                        .expected(format!("partners/{slug} か care/{slug}")),
                    );
                    continue;
                }
                (None, None)
                    if is_broken(Collection::Partners, slug)
                        || is_broken(Collection::Care, slug) =>
                {
                    continue
                }
                (None, None) => {
                    let hint = crate::diagnostics::suggest(
                        slug,
                        partner_ix.keys().chain(care_ix.keys()).copied(),
                    );
                    diags.push(
                        Diagnostic::error(&pw.meta.source, *pos, Some(&format!("participants[{j}]")), format!("参加機関「{reference}」が partners/ にも care/ にもありません{hint}"))
                            .expected("content/partners/ か content/care/ にあるファイル名"),
                    );
                    continue;
                }
            };
            if members.contains(&member) {
                continue;
            }
            match member {
                Member::Partner(p) => pathways_of_partner[p].push(i),
                Member::Care(c) => pathways_of_care[c].push(i),
            }
            members.push(member);
        }
        members_of_pathway.push(members);
    }

    // The directory's checks and facets take a tenth of a second at 10k records: side by side.
    let ((), (partner_facets, care_facets)) = rayon::join(
        || warn_duplicates(&partners, &care, diags),
        || {
            rayon::join(
                || browse::partner_facets(&config, &partners),
                || browse::care_facets(&config, &care),
            )
        },
    );
    let seminar_facets = crate::records::seminar::facets(&config, &seminars);
    let news_facets = news::facets(&config, &news);
    let form_facets = crate::collection::forms::facets(&config, &forms);
    let newsletter_facets = crate::collection::newsletters::facets(&config, &newsletters);
    Site {
        form_facets,
        newsletter_facets,
        partner_facets,
        care_facets,
        seminar_facets,
        news_facets,
        config,
        profile,
        build_date,
        partners,
        care,
        doctors,
        seminars,
        news,
        pathways,
        forms,
        equipment,
        newsletters,
        pages,
        home,
        outpatient,
        closures,
        vocabulary,
        curriculum,
        theme_ids,
        statics,
        doctors_of_partner,
        partner_of_doctor,
        members_of_pathway,
        pathways_of_partner,
        pathways_of_care,
        drafts_skipped,
    }
}

/// The same name or phone number on two directory records is usually one place entered twice
/// (or a number copied into the wrong record); both are warnings, because 医療モール clinics can
/// share a building and, rarely, a switchboard.
fn warn_duplicates(partners: &[Partner], care: &[CareOffice], diags: &Diagnostics) {
    let places = partners
        .iter()
        .map(|p| (&p.meta, &p.place))
        .chain(care.iter().map(|c| (&c.meta, &c.place)));
    let mut by_name: HashMap<String, (&str, &str)> = HashMap::new();
    let mut by_tel: HashMap<&str, &str> = HashMap::new();
    let mut found = Vec::new();
    for (meta, place) in places {
        let key = name_key(&place.name);
        if let Some((first, written)) = by_name.insert(key, (&meta.source, &place.name)) {
            // Legacy lists write one clinic as 「ｻｸﾗ内科」 and 「サクラ内科」; say so, since the
            // two do not look alike at a glance.
            let message = if written == place.name {
                format!("同じ名称「{}」が {first} にもあります", place.name)
            } else {
                format!(
                    "名称「{}」は {first} の「{written}」と同じです(全角・半角や空白の違いだけ)",
                    place.name
                )
            };
            found.push(Diagnostic::warning(
                &meta.source,
                place.name_pos,
                Some("name"),
                message,
            ));
        }
        if let Some(tel) = &place.tel {
            if let Some(first) = by_tel.insert(tel.digits.as_str(), &meta.source) {
                found.push(Diagnostic::warning(
                    &meta.source,
                    place.tel_pos,
                    Some("tel"),
                    format!("同じ電話番号 {} が {first} にもあります", tel.display),
                ));
            }
        }
    }
    diags.extend(found);
}
