//! `centralita import debts` and `centralita import payments` as an
//! operator runs them on the server's data directory: a client's debts
//! (Czech CSV, a mapping file, a line rejected into the report), then the
//! bank's camt.053 statement, twice (the second time changes nothing); and
//! `centralita bench payments` on a small statement.

use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_centralita");

fn fresh_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("centralita-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

const MAPPING: &str = "date_format = \"DD.MM.YYYY\"\ndecimal = \",\"\n\
[columns]\ncase_ref = \"Spis\"\ndebtor_name = \"Dlužník\"\nphone = \"Telefon\"\n\
principal = \"Jistina\"\ncurrency = \"Měna\"\ndue_date = \"Splatnost\"\n";

const DEBTS: &str = "Spis;Dlužník;Telefon;Jistina;Měna;Splatnost\n\
SP-1001;Jan Novák;+420601000301;1.250,00;CZK;31.01.2026\n\
SP-1002;Eva Malá;+420601000302;800,00;CZK;32.01.2026\n";

fn statement() -> String {
    "<?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\
     <BkToCstmrStmt><GrpHdr><MsgId>S1</MsgId><CreDtTm>2026-03-02T00:00:00Z</CreDtTm></GrpHdr>\
     <Stmt><Id>S1</Id><Acct><Id><IBAN>CZ6508000000192000145399</IBAN></Id></Acct>\
     <Ntry><NtryRef>1</NtryRef><Amt Ccy=\"CZK\">250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
     <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>S1-1</AcctSvcrRef>\
     <NtryDtls><TxDtls><Refs><EndToEndId>SP-1001</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\
     </Stmt></BkToCstmrStmt></Document>"
        .to_string()
}

#[test]
fn debts_then_a_statement_are_imported_from_the_command_line() {
    let dir = fresh_dir("collections");
    let data = dir.join("data");
    let d = data.to_str().unwrap();
    assert_eq!(run(&["tenant", "add", "acme", "--data", d]).0, 0);
    std::fs::write(dir.join("map.toml"), MAPPING).unwrap();
    std::fs::write(dir.join("debts.csv"), DEBTS).unwrap();
    std::fs::write(dir.join("camt.xml"), statement()).unwrap();
    let path = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let (map, debts, report, camt) = (
        path("map.toml"),
        path("debts.csv"),
        path("rejects.csv"),
        path("camt.xml"),
    );
    let (code, out, err) = run(&[
        "import",
        "debts",
        &debts,
        "--tenant",
        "acme",
        "--data",
        d,
        "--mapping",
        &map,
        "--report",
        &report,
        "--creditor",
        "Telco a.s.",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("cases: 1 created"), "{out}");
    assert!(out.contains("1 lines rejected"), "{out}");
    let rejects = std::fs::read_to_string(&report).unwrap();
    assert!(
        rejects.lines().any(|l| l.starts_with("3,Splatnost,")),
        "{rejects}"
    );
    // A mapping with a mistake is refused before anything is read.
    std::fs::write(dir.join("bad.toml"), "decimal = \";\"\n").unwrap();
    let (code, _, err) = run(&[
        "import",
        "debts",
        &debts,
        "--tenant",
        "acme",
        "--data",
        d,
        "--mapping",
        &path("bad.toml"),
    ]);
    assert_ne!(code, 0);
    assert!(err.contains("--mapping"), "{err}");

    let (code, out, err) = run(&["import", "payments", &camt, "--tenant", "acme", "--data", d]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 payments received by their cases"), "{out}");
    let (code, out, err) = run(&["import", "payments", &camt, "--tenant", "acme", "--data", d]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 payments received by their cases, 1 received before"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_payments_benchmark_matches_every_payment_to_its_case() {
    let (code, out, err) = run(&["bench", "payments", "--payments", "2000"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 wrong"), "{out}");
    assert!(out.contains("goal ≤ 0.1 s"), "{out}");
}
