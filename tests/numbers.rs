//! Numbers written once: desks in site.yaml, the `{{ desk.renkei.fax }}` short form in bodies,
//! and `check` catching numbers typed by hand.

mod common;

use std::fs;
use std::path::Path;

use common::*;

/// Every output file that holds `needle`, PDFs and other binary files included.
fn files_holding(out: &Path, needle: &str) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| {
            let bytes = fs::read(out.join(f)).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .map(|f| f.display().to_string())
        .collect()
}

#[test]
fn a_new_liaison_fax_in_site_yaml_reaches_every_page_vcard_and_json_ld() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("content"), &site.path().join("content"));
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    // The demo shows the FAX number in many places: on every page, in pages' text, in vCards.
    let before = files_holding(&out, "099-201-1101");
    assert!(before.len() > 200, "{}", before.len());
    assert!(before.iter().any(|f| f == "for-professionals/index.html"));
    assert!(before.iter().any(|f| f == "contact/index.html"));

    replace(
        site.path(),
        "content/site.yaml",
        "fax: \"099-201-1101\"",
        "fax: \"099-201-1191\"",
    );
    build_ok(site.path(), &out, &[]);
    for old in ["099-201-1101", "0992011101", "99-201-1101"] {
        assert_eq!(files_holding(&out, old), Vec::<String>::new(), "{old}");
    }
    let after = files_holding(&out, "099-201-1191");
    assert!(
        after.len() >= before.len(),
        "{} < {}",
        after.len(),
        before.len()
    );
    let page = read(&out, "referral/index.html");
    assert!(
        page.contains("099-201-1191"),
        "the body's short form follows the desk"
    );
    let json_ld = read(&out, "index.html");
    assert!(json_ld.contains("099-201-1191"));
}

#[test]
fn a_typed_desk_number_warns_and_a_near_miss_fails_the_check() {
    let site = site_copy("minimal");
    let page = "content/pages/referral.md";
    let text = fs::read_to_string(site.path().join(page)).unwrap();
    let body_start = text.lines().position(|l| l == "---").unwrap();
    let close = text
        .lines()
        .skip(body_start + 1)
        .position(|l| l == "---")
        .unwrap();
    let first_body_line = body_start + close + 3; // 1-based line after the closing ---
    fs::write(
        site.path().join(page),
        format!("{text}\nFAX(099-201-1101)へお送りください。\n番号は 099-201-1191 です。\n"),
    )
    .unwrap();
    let typed_line = text.lines().count() + 2;
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(first_body_line <= typed_line);
    assert!(
        err.contains(&format!("{page}:{typed_line}:5: 警告: body: 番号を直接書かずに {{{{ liaison.fax }}}} と書いてください")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{page}:{}:5: body: 「099-201-1191」は連携窓口のFAX(099-201-1101)と 1 字違いです",
            typed_line + 1
        )),
        "{err}"
    );
}

#[test]
fn short_forms_and_desk_ids_that_name_nothing_are_errors_with_their_place() {
    let site = site_copy("minimal");
    fs::write(
        site.path().join("content/pages/fax.md"),
        "---\ntitle: FAXのご案内\n---\n\nFAX: {{ liaison.fax }}、相談室: {{ desk.soudan.tel }}\n\n`{{ 例 }}` と \\{{ liaison.fax }} はそのまま\n",
    )
    .unwrap();
    let o = check(site.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/pages/fax.md:5:29: body: 「{{ desk.soudan.tel }}」は site.yaml にありません"
        ),
        "{err}"
    );

    // With the desk added (and the liaison window named by its id), the page builds.
    replace(
        site.path(),
        "content/site.yaml",
        "liaison:\n  tel: \"099-201-1100\"\n  fax: \"099-201-1101\"\n  hours: 平日 8:30〜17:00\n",
        "liaison: renkei\ndesks:\n  - {id: renkei, name: 地域医療連携室, tel: \"099-201-1100\", fax: \"099-201-1101\", hours: 平日 8:30〜17:00}\n  - {id: soudan, name: 医療福祉相談室, tel: \"099-201-1300\", hours: 平日 9:00〜17:00}\n",
    );
    let out = site.path().join("public");
    build_ok(site.path(), &out, &[]);
    let html = read(&out, "fax/index.html");
    assert!(
        html.contains("FAX: 099-201-1101、相談室: 099-201-1300"),
        "{html}"
    );
    assert!(html.contains("<code>{{ 例 }}</code>"), "{html}");
    assert!(html.contains("{{ liaison.fax }} はそのまま"), "{html}");
    let contact = read(&out, "contact/index.html");
    assert!(contact.contains("医療福祉相談室") && contact.contains("099-201-1300"));

    replace(
        site.path(),
        "content/site.yaml",
        "liaison: renkei",
        "liaison: renke",
    );
    let o = check(site.path());
    assert!(
        stderr(&o).contains("content/site.yaml:8:10: liaison: id「renke」の窓口が desks にありません。もしかして「renkei」?"),
        "{}",
        stderr(&o)
    );
}
