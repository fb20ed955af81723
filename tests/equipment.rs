//! 医療機器の共同利用: the demo's overview and modality pages, and the errors staff get.

mod common;

use std::fs;

use common::*;

#[test]
fn the_overview_compares_modalities_in_the_offices_order_with_prices() {
    let (_tmp, out) = build_demo(&[]);
    let list = read(&out, "equipment/index.html");
    let at = |s: &str| list.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(at(">CT</a>") < at(">MRI</a>") && at(">MRI</a>") < at(">骨密度</a>"));
    assert!(at(">骨密度</a>") < at(">超音波</a>"));
    assert!(
        list.contains("単純CT(1部位) 13,500円"),
        "yen with thousands separators"
    );

    let ct = read(&out, "equipment/ct/index.html");
    assert!(
        ct.contains("2026年4月1日(水) 改定"),
        "the price list says when it was revised"
    );
    assert!(ct.contains("<td class=\"num\">36,000円</td>"));
    assert!(ct.contains("クレアチニン値"));
    assert!(
        ct.contains("href=\"/renkei/forms/exam-request/\""),
        "the form to book with"
    );
    assert!(
        ct.contains("FAX 099-201-1101"),
        "and where it goes, from site.yaml"
    );
    let steps = &ct[ct.find("予約の手順").unwrap()..];
    assert!(steps.find("<li>").unwrap() < steps.find("予約票").unwrap());
}

#[test]
fn a_modality_naming_a_missing_form_or_without_booking_steps_is_reported() {
    let site = site_copy("minimal");
    fs::write(
        site.path().join("content/equipment/mri.md"),
        "---\ntitle: MRI検査\nmodality: MRI\nschedule: 平日\nform: fax-covr\nprices:\n  items:\n    - {name: 頭部MRI, yen: -1}\n---\n",
    )
    .unwrap();
    // A record with errors is left out, so the form it names is checked on a good one.
    replace(
        site.path(),
        "content/equipment/ct.md",
        "form: fax-cover",
        "form: fax-covr",
    );
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for expected in [
        "content/equipment/ct.md:10:1: form: 様式「fax-covr」が content/forms/ にありません。もしかして「fax-cover」?",
        "content/equipment/mri.md:2:1: booking: 必須の項目がありません(予約の手順)",
        "content/equipment/mri.md:7:3: prices.revised: 料金表の改定日(revised)がありません",
        "prices.items[0].yen: 金額がマイナスです",
    ] {
        assert!(err.contains(expected), "{expected}\n{err}");
    }
}
