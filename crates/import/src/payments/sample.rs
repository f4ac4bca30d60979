//! A made-up camt.053.001.08 statement and the cases its payments are for,
//! the same for the same seed: the benchmark's and the tests' data.
//!
//! Of the credit entries, about 40 % quote an `RF` creditor reference, 20 %
//! the case reference as end-to-end id, 15 % a variable symbol (Czech
//! style, in the end-to-end id and the text), 15 % the case reference in
//! the remittance text, 5 % only the debtor's name and an amount owed, and
//! 5 % are noise that matches no case. Half as many cases again receive no
//! payment.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::MatchedBy;
use super::matching::CaseKey;
use super::symbols::creditor_reference;

/// The statement's account.
const ACCOUNT: &str = "CZ6508000000192000145399";
/// Debtors' first names.
const FIRST: [&str; 12] = [
    "Jan",
    "Petr",
    "Jana",
    "Marie",
    "Tomáš",
    "Lucie",
    "Jiří",
    "Eva",
    "Pavel",
    "Zuzana",
    "Martin",
    "Kateřina",
];
/// Debtors' last names.
const LAST: [&str; 12] = [
    "Novák",
    "Svoboda",
    "Dvořák",
    "Černý",
    "Procházka",
    "Kučera",
    "Veselý",
    "Horák",
    "Němec",
    "Marek",
    "Pokorný",
    "Král",
];

/// Amounts owed (balances and instalments, in cents) by debtor name.
type Owed = HashMap<String, HashSet<i64>>;

/// A statement made up for benchmarks and tests.
#[derive(Debug, Clone)]
pub struct SampleStatement {
    /// The camt.053.001.08 document.
    pub xml: Vec<u8>,
    /// The cases (those paid, in payment order, then the others).
    pub cases: Vec<CaseKey>,
    /// For each payment, in order: the case it is for and how it should be
    /// found, `None` for noise.
    pub expected: Vec<Option<(u64, MatchedBy)>>,
}

/// A camt.053.001.08 statement of `n` credit entries and the cases they are
/// for (the module's documentation says which), the same for a seed.
pub fn sample_camt053(n: usize, seed: u64) -> SampleStatement {
    let mut rng = SplitMix(seed);
    let mut xml = String::with_capacity(n * 1_100 + 2_000);
    head(&mut xml, n, seed);
    let mut cases = Vec::with_capacity(n + n / 2);
    let mut expected = Vec::with_capacity(n);
    let mut owed = Owed::new();
    for i in 0..n {
        let roll = rng.below(100);
        let kind = match roll {
            0..40 => Some(MatchedBy::CreditorReference),
            40..60 => Some(MatchedBy::EndToEndId),
            60..75 => Some(MatchedBy::VariableSymbol),
            75..90 => Some(MatchedBy::RemittanceText),
            90..95 => Some(MatchedBy::AmountAndDebtor),
            _ => None,
        };
        let case = make_case(cases.len(), kind, &mut rng, &mut owed);
        let amount = match (kind, case.open_amounts.first()) {
            (Some(MatchedBy::AmountAndDebtor), Some(instalment)) if rng.below(2) == 0 => {
                *instalment
            }
            (Some(MatchedBy::AmountAndDebtor), _) => case.balance,
            _ => Decimal::new(rng.between(100, 2_000_000) as i64, 2),
        };
        entry(&mut xml, i, kind, &case, amount, &mut rng);
        expected.push(kind.map(|by| (case.case, by)));
        if kind.is_some() {
            cases.push(case);
        }
    }
    for _ in 0..n / 2 {
        let case = make_case(
            cases.len(),
            Some(MatchedBy::CreditorReference),
            &mut rng,
            &mut owed,
        );
        cases.push(case);
    }
    xml.push_str("</Stmt></BkToCstmrStmt></Document>\n");
    SampleStatement {
        xml: xml.into_bytes(),
        cases,
        expected,
    }
}

/// The document up to the first entry.
fn head(xml: &mut String, n: usize, seed: u64) {
    let _ = write!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<BkToCstmrStmt>
<GrpHdr><MsgId>MSG-{seed}</MsgId><CreDtTm>2024-03-31T20:00:00+02:00</CreDtTm></GrpHdr>
<Stmt>
<Id>STMT-{seed}-2024-03</Id><ElctrncSeqNb>3</ElctrncSeqNb><CreDtTm>2024-03-31T20:00:00+02:00</CreDtTm>
<FrToDt><FrDtTm>2024-03-01T00:00:00+01:00</FrDtTm><ToDtTm>2024-03-31T23:59:59+02:00</ToDtTm></FrToDt>
<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>CZK</Ccy><Svcr><FinInstnId><BICFI>GIBACZPX</BICFI></FinInstnId></Svcr></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CZK">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-03-01</Dt></Dt></Bal>
<TxsSummry><TtlNtries><NbOfNtries>{n}</NbOfNtries></TtlNtries></TxsSummry>
"#
    );
}

/// A case, its reference and debtor made up for the way it will be paid.
/// No two cases of one debtor name owe the same amount (balance or
/// instalment), so that a name and an amount point to one case.
fn make_case(seq: usize, kind: Option<MatchedBy>, rng: &mut SplitMix, owed: &mut Owed) -> CaseKey {
    let reference = match kind {
        Some(MatchedBy::VariableSymbol) => format!("{}", 2_024_000_000 + seq),
        Some(MatchedBy::RemittanceText) => format!("K-2024-{seq:06}"),
        _ => format!("C{seq:08}"),
    };
    let first = FIRST[rng.below(FIRST.len() as u64) as usize];
    let last = LAST[rng.below(LAST.len() as u64) as usize];
    let name = format!("{first} {last}");
    let amounts = owed.entry(name.clone()).or_default();
    let (balance, instalment) = loop {
        let balance = rng.between(10_000, 5_000_000) as i64;
        let instalment = balance / 4;
        if !amounts.contains(&balance) && !amounts.contains(&instalment) {
            amounts.extend([balance, instalment]);
            break (balance, instalment);
        }
    };
    let variable_symbol = reference.bytes().all(|b| b.is_ascii_digit());
    CaseKey {
        case: 1_000_000 + seq as u64,
        variable_symbol: variable_symbol.then(|| reference.clone()),
        reference,
        currency: "CZK".into(),
        balance: Decimal::new(balance, 2),
        debtor_names: vec![name],
        open_amounts: vec![Decimal::new(instalment, 2)],
        open: true,
    }
}

/// One credit entry with one transaction.
fn entry(
    xml: &mut String,
    i: usize,
    kind: Option<MatchedBy>,
    case: &CaseKey,
    amount: Decimal,
    rng: &mut SplitMix,
) {
    let day = 1 + i % 28;
    let date = format!("2024-03-{day:02}");
    let reference = &case.reference;
    let (end_to_end, remittance) = match kind {
        Some(MatchedBy::CreditorReference) => {
            let rf = creditor_reference(reference).unwrap_or_default();
            let strd = format!(
                "<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>{rf}</Ref></CdtrRefInf></Strd>"
            );
            ("NOTPROVIDED".to_owned(), strd)
        }
        Some(MatchedBy::EndToEndId) => (reference.clone(), "<Ustrd>Splatka</Ustrd>".to_owned()),
        Some(MatchedBy::VariableSymbol) => (
            format!("VS{reference}/SS/KS0308"),
            format!("<Ustrd>/VS/{reference}/SS//KS/0308</Ustrd>"),
        ),
        Some(MatchedBy::RemittanceText) => (
            "NOTPROVIDED".to_owned(),
            format!("<Ustrd>Platba za pripad {reference}, dekuji</Ustrd>"),
        ),
        Some(MatchedBy::AmountAndDebtor) => (
            "NOTPROVIDED".to_owned(),
            "<Ustrd>splatka dluhu</Ustrd>".to_owned(),
        ),
        None => (
            format!("E2E{}", rng.next()),
            "<Ustrd>Vratka preplatku</Ustrd>".to_owned(),
        ),
    };
    let name = match kind {
        Some(MatchedBy::AmountAndDebtor) => reversed(&case.debtor_names[0]),
        None => format!("Acme Trading {i} s.r.o."),
        _ => case.debtor_names[0].clone(),
    };
    let n = i + 1;
    let _ = write!(
        xml,
        r#"<Ntry><NtryRef>{n}</NtryRef><Amt Ccy="CZK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>{date}</Dt></BookgDt><ValDt><Dt>{date}</Dt></ValDt><AcctSvcrRef>ASR{n:010}</AcctSvcrRef>
<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>ASR{n:010}</AcctSvcrRef><EndToEndId>{end_to_end}</EndToEndId><TxId>TX{n:012}</TxId></Refs>
<Amt Ccy="CZK">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr><DbtrAcct><Id><Othr><Id>{account}/0100</Id></Othr></Id></DbtrAcct></RltdPties>
<RmtInf>{remittance}</RmtInf></TxDtls></NtryDtls></Ntry>
"#,
        account = 100_000_000 + rng.below(900_000_000),
    );
}

/// "Jan Novák" as some banks write it: "NOVAK Jan".
fn reversed(name: &str) -> String {
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    let plain: String = last
        .chars()
        .map(|c| match c {
            'á' => 'a',
            'č' => 'c',
            'ý' => 'y',
            'ř' => 'r',
            'ě' => 'e',
            'í' => 'i',
            'š' => 's',
            'ž' => 'z',
            _ => c,
        })
        .collect();
    format!("{} {first}", plain.to_uppercase())
}

/// SplitMix64: a small deterministic generator (test data, not security).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `low..high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low)
    }
}
