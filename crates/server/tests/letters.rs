//! Letters through the API: a plan agreed on a case orders its
//! confirmation (the shipped type's rule); the case lists it, and its PDF
//! is the letter in the case's language with the debtor's name, the
//! instalments and the payment reference (read back with Debian's
//! `pdftotext`), the same bytes each time. A tenant's own template, checked
//! (a mistake names its line), replaces the shipped one.

use std::process::Command;

use serde_json::json;
use server::auth::Role;

mod common;

/// The text of a PDF, by `pdftotext` (required under CI; else the check is
/// skipped with a notice).
fn text_of(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("letters-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("l.pdf");
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext").arg(&path).arg("-").output() {
        Ok(o) => Some(String::from_utf8_lossy(&o.stdout).to_string()),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "pdftotext (poppler-utils) is needed: {e}"
            );
            eprintln!("NOTICE: pdftotext missing, the letter's text is not checked");
            None
        }
    }
}

#[tokio::test]
async fn a_plan_orders_its_confirmation_printed_in_the_cases_language() {
    let (e, _admin) = common::admin_client("letters").await;
    let mut sup = common::role_client(&e, Role::Supervisor).await;
    let mut admin = common::role_client(&e, Role::Admin).await;
    let body = json!({"type": "collections", "reference": "CZ-2026-7",
        "debtor": {"name": "Jana Nováková"}, "fields": {"language": "cs"},
        "debts": [{"principal": "1550.00", "currency": "CZK", "due_date": "2026-01-10", "creditor": "Telco a.s."}]});
    let r = sup.post("/api/v1/cases", &body).await.unwrap();
    assert_eq!(r.status, 201, "{:?}", r.json());
    let id = r.json()["id"].as_i64().unwrap();
    let r = sup
        .get(&format!("/api/v1/cases/{id}/letters"))
        .await
        .unwrap();
    assert_eq!(r.json()["letters"], json!([]));
    let plan = json!({"instalments": [
        {"amount": "775.00", "due_date": "2099-01-15"},
        {"amount": "775.00", "due_date": "2099-02-15"},
    ]});
    let r = sup
        .post(&format!("/api/v1/cases/{id}/plans"), &plan)
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json());

    let r = sup
        .get(&format!("/api/v1/cases/{id}/letters"))
        .await
        .unwrap();
    let letters = r.json()["letters"].as_array().unwrap().clone();
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0]["template"], "plan_confirmation");
    assert_eq!(letters[0]["language"], "cs");
    let url = letters[0]["pdf"].as_str().unwrap().to_string();
    let r = sup.get(&url).await.unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert!(r.body.starts_with(b"%PDF"));
    let again = sup.get(&url).await.unwrap();
    assert_eq!(again.body, r.body, "the same letter every time");
    if let Some(text) = text_of(&r.body) {
        assert!(text.contains("Jana Nováková"), "{text}");
        assert!(
            text.contains("775,00"),
            "amounts written the Czech way: {text}"
        );
        let rf = printout::letters::creditor_reference("CZ-2026-7").unwrap();
        assert!(text.contains(&rf), "the payment reference {rf}: {text}");
    }
    let r = sup
        .get(&format!("/api/v1/cases/{id}/letters/999999"))
        .await
        .unwrap();
    assert_eq!(r.status, 404);

    // The tenant's own template: a mistake names its line; a good one wins.
    let r = admin.get("/api/v1/settings/letters").await.unwrap();
    assert!(
        r.json()["document"]
            .as_str()
            .unwrap()
            .contains("plan_confirmation")
    );
    let bad = "[[letter]]\nname = \"plan_confirmation\"\nlanguage = \"cs\"\ntitle = \"Splátky\"\nbody = \"Dobrý den {nobody}\"\n";
    let r = admin
        .put("/api/v1/settings/letters", &json!({"document": bad}))
        .await
        .unwrap();
    assert_eq!(r.status, 422, "{:?}", r.json());
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 5"),
        "{:?}",
        r.json()
    );
    let r = sup
        .put("/api/v1/settings/letters", &json!({"document": bad}))
        .await
        .unwrap();
    assert_eq!(r.status, 403);
    let good = "[[letter]]\nname = \"plan_confirmation\"\nlanguage = \"cs\"\ntitle = \"Potvrzení splátek pro {debtor_name}\"\nbody = \"Dobrý den,\\n\\n{instalments}\"\n";
    let r = admin
        .put("/api/v1/settings/letters", &json!({"document": good}))
        .await
        .unwrap();
    assert_eq!(r.status, 204, "{:?}", r.json());
    let r = sup.get(&url).await.unwrap();
    assert_eq!(r.status, 200);
    if let Some(text) = text_of(&r.body) {
        assert!(
            text.contains("Potvrzení splátek pro Jana Nováková"),
            "{text}"
        );
    }
}
