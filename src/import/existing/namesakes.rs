//! The records that share one name, and which of them a row is.
//!
//! [`Identity::agrees`] says whether a row and one namesake are the same record. Asked of every
//! namesake in turn, a sheet of 20,000 rows with one name against as many records of it is 400
//! million comparisons. Here the namesakes are indexed by the fields `agrees` compares, so a
//! row costs a few look-ups, and the answer is the one asking each namesake would give (the
//! tests ask both).

use std::collections::HashMap;

use super::{Existing, Identity};

/// Which field decides between a row and a namesake depends on which fields both have: two
/// IDs decide, else two 勤務先, else phone, FAX and address. So the namesakes are grouped by
/// whether they have an ID and a 勤務先.
#[derive(Default)]
struct Group<'a> {
    partner: HashMap<&'a str, Vec<usize>>,
    tel: HashMap<&'a str, Vec<usize>>,
    fax: HashMap<&'a str, Vec<usize>>,
    address: HashMap<&'a str, Vec<usize>>,
    /// How many namesakes know each combination of tel (1), FAX (2) and address (4): one that
    /// agrees on none of them is another record only when two are known on both sides.
    known: [usize; 8],
}

/// The records of one name.
pub struct Namesakes<'a> {
    /// In the order of their files, for messages.
    pub all: Vec<&'a Existing>,
    by_key: HashMap<&'a str, Vec<usize>>,
    /// By `has an ID × 2 + has a 勤務先`.
    groups: [Group<'a>; 4],
}

/// How a row stands to the namesakes.
pub struct Verdict<'a> {
    /// The namesakes the row agrees with: none, the one, or two of several.
    pub agreeing: Vec<&'a Existing>,
    /// Whether every namesake is plainly another record.
    pub all_differ: bool,
}

fn group_of(id: &Identity) -> usize {
    usize::from(id.key.is_some()) * 2 + usize::from(id.partner.is_some())
}

fn known(id: &Identity) -> usize {
    usize::from(id.tel.is_some())
        + usize::from(id.fax.is_some()) * 2
        + usize::from(id.address.is_some()) * 4
}

impl<'a> Namesakes<'a> {
    pub fn new(all: Vec<&'a Existing>) -> Self {
        let mut by_key: HashMap<&'a str, Vec<usize>> = HashMap::new();
        let mut groups: [Group<'a>; 4] = Default::default();
        for (i, &e) in all.iter().enumerate() {
            let id = &e.identity;
            if let Some(k) = &id.key {
                by_key.entry(k.as_str()).or_default().push(i);
            }
            let g = &mut groups[group_of(id)];
            for (index, value) in [
                (&mut g.partner, &id.partner),
                (&mut g.tel, &id.tel),
                (&mut g.fax, &id.fax),
                (&mut g.address, &id.address),
            ] {
                if let Some(v) = value {
                    index.entry(v.as_str()).or_default().push(i);
                }
            }
            g.known[known(id)] += 1;
        }
        Namesakes {
            all,
            by_key,
            groups,
        }
    }

    /// What asking [`Identity::agrees`] of each namesake would say.
    pub fn judge(&self, row: &Identity) -> Verdict<'a> {
        let mut agreeing = Vec::new();
        let mut undecided = false;
        if let Some(k) = &row.key {
            add(&mut agreeing, self.by_key.get(k.as_str()));
        }
        let row_known = known(row);
        for (group, g) in self.groups.iter().enumerate() {
            let (has_key, has_partner) = (group & 2 != 0, group & 1 != 0);
            if row.key.is_some() && has_key {
                continue;
            }
            if let (Some(p), true) = (&row.partner, has_partner) {
                add(&mut agreeing, g.partner.get(p.as_str()));
                continue;
            }
            for (index, value) in [
                (&g.tel, &row.tel),
                (&g.fax, &row.fax),
                (&g.address, &row.address),
            ] {
                if let Some(v) = value {
                    add(&mut agreeing, index.get(v.as_str()));
                }
            }
            undecided |= g
                .known
                .iter()
                .enumerate()
                .any(|(k, n)| *n > 0 && (k & row_known).count_ones() < 2);
        }
        // Only read when nobody agrees; then the namesakes left undecided are those with fewer
        // than two numbers in common with the row.
        let all_differ = agreeing.is_empty() && !undecided;
        Verdict {
            agreeing: agreeing.into_iter().map(|i| self.all[i]).collect(),
            all_differ,
        }
    }
}

/// Adds namesakes to those found, up to two: whether there are two or twenty, the row is
/// ambiguous. A list never repeats an entry, so this looks at no more than three of it.
fn add(found: &mut Vec<usize>, ids: Option<&Vec<usize>>) {
    for &i in ids.into_iter().flatten() {
        if found.len() >= 2 {
            return;
        }
        if !found.contains(&i) {
            found.push(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record(i: usize, identity: Identity) -> Existing {
        Existing {
            slug: format!("r{i}"),
            text: String::new(),
            name: "ひまわり薬局".into(),
            key: identity.key.clone(),
            identity,
        }
    }

    /// The answer asked of each namesake, as `Index::find` used to.
    fn one_by_one<'a>(all: &[&'a Existing], row: &Identity) -> (Vec<&'a str>, bool) {
        let agreeing: Vec<&str> = all
            .iter()
            .filter(|e| row.agrees(&e.identity) == Some(true))
            .map(|e| e.slug.as_str())
            .collect();
        let differ = all
            .iter()
            .filter(|e| row.agrees(&e.identity) == Some(false))
            .count();
        (agreeing, differ == all.len())
    }

    fn field() -> impl Strategy<Value = Option<String>> {
        prop_oneof![Just(None), "[12]".prop_map(Some)]
    }

    fn identity() -> impl Strategy<Value = Identity> {
        (field(), field(), field(), field(), field()).prop_map(
            |(key, tel, fax, address, partner)| Identity {
                key,
                tel,
                fax,
                address,
                partner,
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn the_index_answers_as_asking_each_namesake_would(
            ids in prop::collection::vec(identity(), 1..8),
            row in identity(),
        ) {
            let records: Vec<Existing> =
                ids.into_iter().enumerate().map(|(i, id)| record(i, id)).collect();
            let all: Vec<&Existing> = records.iter().collect();
            let (agreeing, all_differ) = one_by_one(&all, &row);
            let verdict = Namesakes::new(all).judge(&row);
            let found: Vec<&str> = verdict.agreeing.iter().map(|e| e.slug.as_str()).collect();
            match agreeing.as_slice() {
                [one] => prop_assert_eq!(found, vec![*one]),
                [] => prop_assert!(found.is_empty()),
                _ => prop_assert_eq!(found.len(), 2),
            }
            prop_assert_eq!(verdict.all_differ, all_differ);
        }
    }

    #[test]
    fn thousands_of_one_name_each_find_their_own_by_their_number() {
        let tel = |i: usize| Some(format!("0992{i:06}"));
        let records: Vec<Existing> = (0..5000)
            .map(|i| {
                record(
                    i,
                    Identity {
                        tel: tel(i),
                        address: Some(format!("北町{i}")),
                        ..Identity::default()
                    },
                )
            })
            .collect();
        let namesakes = Namesakes::new(records.iter().collect());
        for i in (0..5000).step_by(7) {
            // The phone changed: the address still says which one.
            let row = Identity {
                tel: Some("0990000000".into()),
                address: Some(format!("北町{i}")),
                ..Identity::default()
            };
            let v = namesakes.judge(&row);
            assert_eq!(v.agreeing.len(), 1);
            assert_eq!(v.agreeing[0].slug, format!("r{i}"));
        }
        let nothing = namesakes.judge(&Identity::default());
        assert!(nothing.agreeing.is_empty() && !nothing.all_differ);
        let elsewhere = namesakes.judge(&Identity {
            tel: Some("0990000000".into()),
            address: Some("南町".into()),
            ..Identity::default()
        });
        assert!(elsewhere.agreeing.is_empty() && elsewhere.all_differ);
    }
}
