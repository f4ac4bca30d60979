//! ISO 20022 camt.053 statements and camt.054 notifications, read as a
//! stream of XML events (no tree): each element's local name (prefixes and
//! namespaces ignored) is mapped to a [`Tag`], the path from the innermost
//! statement (`Stmt`/`Ntfctn`), entry (`Ntry`) or transaction (`TxDtls`)
//! says which [`Field`] a text is, and each entry becomes its payments or
//! skipped transactions when it ends. Elements not listed are skipped over.

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use rust_decimal::Decimal;

use super::text::{self, IdHash};
use super::{
    ID_MAX, PaymentFileError, PaymentFormat, PaymentLine, REMITTANCE_MAX, SkipReason, Skipped,
    Statement, TEXT_MAX, symbols,
};

/// Deepest nesting of elements read.
const DEPTH_MAX: usize = 64;
/// Most bytes of text gathered for one element (values are cut later).
const GATHER_MAX: usize = 4 * REMITTANCE_MAX;

/// The elements that matter, by local name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Report,
    Id,
    Acct,
    Iban,
    Othr,
    Ccy,
    Ntry,
    NtryRef,
    Amt,
    CdtDbtInd,
    RvslInd,
    Sts,
    Cd,
    BookgDt,
    ValDt,
    Dt,
    DtTm,
    AcctSvcrRef,
    AddtlNtryInf,
    TxDtls,
    Refs,
    EndToEndId,
    TxId,
    AmtDtls,
    TxAmt,
    RltdPties,
    Dbtr,
    Pty,
    Nm,
    DbtrAcct,
    RmtInf,
    Ustrd,
    Strd,
    CdtrRefInf,
    Ref,
    AddtlTxInf,
    Other,
}

/// The tag of a local name (by length first: one comparison or a few).
fn tag(name: &str) -> Tag {
    use Tag::*;
    match (name.len(), name) {
        (2, "Id") => Id,
        (2, "Cd") => Cd,
        (2, "Dt") => Dt,
        (2, "Nm") => Nm,
        (3, "Amt") => Amt,
        (3, "Ccy") => Ccy,
        (3, "Sts") => Sts,
        (3, "Pty") => Pty,
        (3, "Ref") => Ref,
        (4, "Stmt") => Report,
        (4, "Acct") => Acct,
        (4, "IBAN") => Iban,
        (4, "Othr") => Othr,
        (4, "Ntry") => Ntry,
        (4, "Refs") => Refs,
        (4, "DtTm") => DtTm,
        (4, "Dbtr") => Dbtr,
        (4, "TxId") => TxId,
        (4, "Strd") => Strd,
        (5, "ValDt") => ValDt,
        (5, "TxAmt") => TxAmt,
        (5, "Ustrd") => Ustrd,
        (6, "Ntfctn") => Report,
        (6, "TxDtls") => TxDtls,
        (6, "RmtInf") => RmtInf,
        (7, "NtryRef") => NtryRef,
        (7, "RvslInd") => RvslInd,
        (7, "BookgDt") => BookgDt,
        (7, "AmtDtls") => AmtDtls,
        (8, "DbtrAcct") => DbtrAcct,
        (9, "CdtDbtInd") => CdtDbtInd,
        (9, "RltdPties") => RltdPties,
        (10, "EndToEndId") => EndToEndId,
        (10, "CdtrRefInf") => CdtrRefInf,
        (10, "AddtlTxInf") => AddtlTxInf,
        (11, "AcctSvcrRef") => AcctSvcrRef,
        (12, "AddtlNtryInf") => AddtlNtryInf,
        _ => Other,
    }
}

/// The values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    ReportId,
    AccountIban,
    AccountOther,
    AccountCurrency,
    EntryRef,
    EntryAmount,
    EntryCreditDebit,
    EntryReversal,
    EntryStatus,
    EntryBooked,
    EntryValue,
    EntryServicerRef,
    EntryInfo,
    TxServicerRef,
    TxEndToEnd,
    TxId,
    TxAmount,
    TxDetailAmount,
    TxCreditDebit,
    TxDebtorName,
    TxDebtorIban,
    TxDebtorOther,
    TxUnstructured,
    TxCreditorRef,
    TxInfo,
}

impl Field {
    /// The element's path, for messages.
    fn path(self) -> &'static str {
        use Field::*;
        match self {
            ReportId => "Stmt/Id",
            AccountIban => "Stmt/Acct/Id/IBAN",
            AccountOther => "Stmt/Acct/Id/Othr/Id",
            AccountCurrency => "Stmt/Acct/Ccy",
            EntryRef => "Ntry/NtryRef",
            EntryAmount => "Ntry/Amt",
            EntryCreditDebit => "Ntry/CdtDbtInd",
            EntryReversal => "Ntry/RvslInd",
            EntryStatus => "Ntry/Sts",
            EntryBooked => "Ntry/BookgDt",
            EntryValue => "Ntry/ValDt",
            EntryServicerRef => "Ntry/AcctSvcrRef",
            EntryInfo => "Ntry/AddtlNtryInf",
            TxServicerRef => "TxDtls/Refs/AcctSvcrRef",
            TxEndToEnd => "TxDtls/Refs/EndToEndId",
            TxId => "TxDtls/Refs/TxId",
            TxAmount => "TxDtls/Amt",
            TxDetailAmount => "TxDtls/AmtDtls/TxAmt/Amt",
            TxCreditDebit => "TxDtls/CdtDbtInd",
            TxDebtorName => "TxDtls/RltdPties/Dbtr/Nm",
            TxDebtorIban => "TxDtls/RltdPties/DbtrAcct/Id/IBAN",
            TxDebtorOther => "TxDtls/RltdPties/DbtrAcct/Id/Othr/Id",
            TxUnstructured => "TxDtls/RmtInf/Ustrd",
            TxCreditorRef => "TxDtls/RmtInf/Strd/CdtrRefInf/Ref",
            TxInfo => "TxDtls/AddtlTxInf",
        }
    }

    /// Whether its element has a `Ccy` attribute.
    fn is_amount(self) -> bool {
        matches!(
            self,
            Self::EntryAmount | Self::TxAmount | Self::TxDetailAmount
        )
    }
}

/// The field an element is, from the path of tags to it.
fn field(stack: &[Tag]) -> Option<Field> {
    use Tag as T;
    let at = stack
        .iter()
        .rposition(|t| matches!(t, T::Report | T::Ntry | T::TxDtls))?;
    let field = match (stack[at], &stack[at + 1..]) {
        (T::Report, [T::Id]) => Field::ReportId,
        (T::Report, [T::Acct, T::Id, T::Iban]) => Field::AccountIban,
        (T::Report, [T::Acct, T::Id, T::Othr, T::Id]) => Field::AccountOther,
        (T::Report, [T::Acct, T::Ccy]) => Field::AccountCurrency,
        (T::Ntry, [T::NtryRef]) => Field::EntryRef,
        (T::Ntry, [T::Amt]) => Field::EntryAmount,
        (T::Ntry, [T::CdtDbtInd]) => Field::EntryCreditDebit,
        (T::Ntry, [T::RvslInd]) => Field::EntryReversal,
        (T::Ntry, [T::Sts] | [T::Sts, T::Cd]) => Field::EntryStatus,
        (T::Ntry, [T::BookgDt, T::Dt | T::DtTm]) => Field::EntryBooked,
        (T::Ntry, [T::ValDt, T::Dt | T::DtTm]) => Field::EntryValue,
        (T::Ntry, [T::AcctSvcrRef]) => Field::EntryServicerRef,
        (T::Ntry, [T::AddtlNtryInf]) => Field::EntryInfo,
        (T::TxDtls, [T::Refs, T::AcctSvcrRef]) => Field::TxServicerRef,
        (T::TxDtls, [T::Refs, T::EndToEndId]) => Field::TxEndToEnd,
        (T::TxDtls, [T::Refs, T::TxId]) => Field::TxId,
        (T::TxDtls, [T::Amt]) => Field::TxAmount,
        (T::TxDtls, [T::AmtDtls, T::TxAmt, T::Amt]) => Field::TxDetailAmount,
        (T::TxDtls, [T::CdtDbtInd]) => Field::TxCreditDebit,
        (T::TxDtls, [T::RltdPties, T::Dbtr, T::Nm] | [T::RltdPties, T::Dbtr, T::Pty, T::Nm]) => {
            Field::TxDebtorName
        }
        (T::TxDtls, [T::RltdPties, T::DbtrAcct, T::Id, T::Iban]) => Field::TxDebtorIban,
        (T::TxDtls, [T::RltdPties, T::DbtrAcct, T::Id, T::Othr, T::Id]) => Field::TxDebtorOther,
        (T::TxDtls, [T::RmtInf, T::Ustrd]) => Field::TxUnstructured,
        (T::TxDtls, [T::RmtInf, T::Strd, T::CdtrRefInf, T::Ref]) => Field::TxCreditorRef,
        (T::TxDtls, [T::AddtlTxInf]) => Field::TxInfo,
        _ => return None,
    };
    Some(field)
}

/// An amount and its currency.
#[derive(Debug, Clone)]
struct Amount {
    value: Decimal,
    currency: Option<String>,
}

/// A statement's or notification's values.
#[derive(Debug, Default)]
struct Report {
    id: Option<String>,
    iban: Option<String>,
    other: Option<String>,
    currency: Option<String>,
}

impl Report {
    /// Its account: the IBAN, else the other id.
    fn account(&self) -> Option<&String> {
        self.iban.as_ref().or(self.other.as_ref())
    }
}

/// An entry's values.
#[derive(Debug, Default)]
struct Entry {
    start: usize,
    reference: Option<String>,
    amount: Option<Amount>,
    credit: Option<bool>,
    reversal: bool,
    status: Option<String>,
    booked: Option<NaiveDate>,
    value: Option<NaiveDate>,
    servicer_ref: Option<String>,
    info: Option<String>,
    txs: Vec<Tx>,
}

/// A transaction's values.
#[derive(Debug, Default)]
struct Tx {
    servicer_ref: Option<String>,
    end_to_end: Option<String>,
    id: Option<String>,
    amount: Option<Amount>,
    detail_amount: Option<Amount>,
    credit: Option<bool>,
    debtor: Option<String>,
    iban: Option<String>,
    other_account: Option<String>,
    unstructured: String,
    creditor_ref: Option<String>,
    info: Option<String>,
}

/// Reads a camt.053 or camt.054 document.
pub(super) fn read(xml: &str, max: usize) -> Result<Statement, PaymentFileError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().expand_empty_elements = true;
    let mut parser = Parser {
        xml,
        reader,
        stack: Vec::with_capacity(DEPTH_MAX),
        current: None,
        gathered: String::new(),
        report: Report::default(),
        reports: 0,
        entry: None,
        ordinal: 0,
        max,
        statement: Statement {
            format: PaymentFormat::Camt053,
            id: None,
            account: None,
            payments: Vec::new(),
            skipped: Vec::new(),
        },
    };
    parser.statement.format = parser.root()?;
    // Banks write some 1 to 2 kB per entry: room for most without growing.
    parser.statement.payments.reserve(xml.len() / 2_000);
    parser.run()?;
    Ok(parser.statement)
}

/// The reader's state.
struct Parser<'a> {
    xml: &'a str,
    reader: Reader<&'a [u8]>,
    stack: Vec<Tag>,
    /// The field being gathered, its depth and its currency attribute.
    current: Option<(Field, usize, Option<String>)>,
    gathered: String,
    report: Report,
    reports: usize,
    entry: Option<Entry>,
    ordinal: u64,
    /// Most payments and skipped transactions.
    max: usize,
    statement: Statement,
}

impl Parser<'_> {
    /// Reads up to the message element, which says the format.
    fn root(&mut self) -> Result<PaymentFormat, PaymentFileError> {
        loop {
            let event = self.reader.read_event().map_err(|e| self.error("", e))?;
            let name = match &event {
                Event::Start(start) => start.local_name().into_inner().to_owned(),
                Event::Eof => return Err(unrecognised("an XML document without elements")),
                _ => continue,
            };
            self.stack.push(Tag::Other);
            match name.as_str() {
                "Document" if self.stack.len() == 1 => continue,
                "BkToCstmrStmt" => return Ok(PaymentFormat::Camt053),
                "BkToCstmrDbtCdtNtfctn" => return Ok(PaymentFormat::Camt054),
                "BkToCstmrAcctRpt" => return Err(unrecognised("a camt.052 account report")),
                _ => {
                    let found = format!("an XML document of <{}>", text::cut(&name, 40));
                    return Err(unrecognised(&found));
                }
            }
        }
    }

    /// Reads the rest of the document.
    fn run(&mut self) -> Result<(), PaymentFileError> {
        loop {
            match self.reader.read_event() {
                Ok(Event::Start(start)) => self.start(&start)?,
                Ok(Event::End(_)) => self.end()?,
                // Text outside the fields read is skipped unread.
                Ok(Event::Text(_) | Event::CData(_) | Event::GeneralRef(_))
                    if self.current.is_none() => {}
                Ok(Event::Text(t)) => self.gather(&t.xml10_content()),
                Ok(Event::CData(t)) => self.gather(&t),
                Ok(Event::GeneralRef(r)) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => entity(&r).ok_or_else(|| {
                            let message = format!("unknown entity &{};", text::cut(&r, 20));
                            self.error("", message)
                        })?,
                        Err(e) => return Err(self.error("", e)),
                    };
                    self.gather(c.encode_utf8(&mut [0; 4]));
                }
                Ok(Event::Eof) if self.stack.is_empty() => return Ok(()),
                Ok(Event::Eof) => return Err(self.error("", "the file ends inside an element")),
                Ok(_) => {}
                Err(e) => return Err(self.error("", e)),
            }
        }
    }

    /// An element starts.
    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), PaymentFileError> {
        if self.stack.len() == DEPTH_MAX {
            return Err(self.error("", format!("elements nested deeper than {DEPTH_MAX}")));
        }
        let tag = tag(start.local_name().into_inner());
        self.stack.push(tag);
        match tag {
            Tag::Report => self.report = Report::default(),
            Tag::Ntry => {
                let start = self.reader.buffer_position() as usize;
                self.entry = Some(Entry {
                    start,
                    ..Entry::default()
                });
            }
            Tag::TxDtls => {
                if let Some(entry) = &mut self.entry {
                    entry.txs.push(Tx::default());
                }
            }
            _ => {}
        }
        if let Some(field) = field(&self.stack) {
            let currency = if field.is_amount() {
                currency_attribute(start).map_err(|m| self.error(field.path(), m))?
            } else {
                None
            };
            self.current = Some((field, self.stack.len(), currency));
            self.gathered.clear();
        }
        Ok(())
    }

    /// Text inside an element.
    fn gather(&mut self, text: &str) {
        if self.current.is_some() && self.gathered.len() < GATHER_MAX {
            self.gathered.push_str(text);
        }
    }

    /// An element ends.
    fn end(&mut self) -> Result<(), PaymentFileError> {
        if let Some((field, depth, _)) = &self.current
            && *depth == self.stack.len()
        {
            let field = *field;
            let currency = self.current.take().and_then(|c| c.2);
            let value = std::mem::take(&mut self.gathered);
            self.set(field, value.trim(), currency)
                .map_err(|message| self.error(field.path(), message))?;
            self.gathered = value;
        }
        match self.stack.pop() {
            Some(Tag::Ntry) => {
                if let Some(entry) = self.entry.take() {
                    self.finish(entry)?;
                }
            }
            Some(Tag::Report) if self.reports == 0 => {
                self.reports = 1;
                self.statement.id = self.report.id.clone();
                self.statement.account = self.report.account().cloned();
            }
            _ => {}
        }
        Ok(())
    }

    /// Keeps a field's value.
    fn set(&mut self, field: Field, value: &str, currency: Option<String>) -> Result<(), String> {
        use Field::*;
        let short = || text::some(value, TEXT_MAX);
        let amount = || -> Result<_, String> {
            let value = text::amount(value)?;
            let currency = currency.clone();
            Ok(Some(Amount { value, currency }))
        };
        let report = &mut self.report;
        match field {
            ReportId => report.id = short(),
            AccountIban => report.iban = short(),
            AccountOther => report.other = short(),
            AccountCurrency => report.currency = Some(text::currency(value)?),
            _ => {}
        }
        let Some(entry) = &mut self.entry else {
            return Ok(());
        };
        match field {
            EntryRef => entry.reference = short(),
            EntryAmount => entry.amount = amount()?,
            EntryCreditDebit => entry.credit = Some(credit(value)?),
            EntryReversal => entry.reversal = value == "true" || value == "1",
            EntryStatus => entry.status = short(),
            EntryBooked => entry.booked = Some(text::date(value)?),
            EntryValue => entry.value = Some(text::date(value)?),
            EntryServicerRef => entry.servicer_ref = short(),
            EntryInfo => entry.info = short(),
            _ => {}
        }
        let Some(tx) = entry.txs.last_mut() else {
            return Ok(());
        };
        match field {
            TxServicerRef => tx.servicer_ref = short(),
            TxEndToEnd => {
                tx.end_to_end = short().filter(|e| !e.eq_ignore_ascii_case("NOTPROVIDED"))
            }
            TxId => tx.id = short(),
            TxAmount => tx.amount = amount()?,
            TxDetailAmount => tx.detail_amount = amount()?,
            TxCreditDebit => tx.credit = Some(credit(value)?),
            TxDebtorName => tx.debtor = short(),
            TxDebtorIban => tx.iban = short(),
            TxDebtorOther => tx.other_account = short(),
            TxUnstructured if tx.unstructured.len() < GATHER_MAX => {
                tx.unstructured.push(' ');
                tx.unstructured.push_str(value);
            }
            TxCreditorRef => tx.creditor_ref = tx.creditor_ref.take().or_else(short),
            TxInfo => tx.info = short(),
            _ => {}
        }
        Ok(())
    }

    /// An entry ends: its transactions become payments or skipped ones.
    fn finish(&mut self, mut entry: Entry) -> Result<(), PaymentFileError> {
        let txs = match std::mem::take(&mut entry.txs) {
            txs if txs.is_empty() => vec![Tx::default()],
            txs => txs,
        };
        let several = txs.len() > 1;
        for (k, tx) in txs.iter().enumerate() {
            if self.statement.payments.len() + self.statement.skipped.len() >= self.max {
                return Err(PaymentFileError::TooManyPayments { max: self.max });
            }
            self.ordinal += 1;
            let line = self.ordinal;
            let position = several.then_some(k + 1);
            match self.transaction(&entry, tx, position) {
                Ok(Ok(payment)) => self.statement.payments.push(payment),
                Ok(Err(reason)) => self.statement.skipped.push(Skipped { line, reason }),
                Err(message) => {
                    let line = text::line_at(self.xml.as_bytes(), entry.start);
                    let element = "Ntry".to_owned();
                    return Err(PaymentFileError::Xml {
                        line,
                        element,
                        message,
                    });
                }
            }
        }
        Ok(())
    }

    /// A transaction as a payment, or why it is not one; an error for a
    /// missing value. `position` is its place in an entry of several.
    fn transaction(
        &self,
        entry: &Entry,
        tx: &Tx,
        position: Option<usize>,
    ) -> Result<Result<PaymentLine, SkipReason>, String> {
        let nth = position.map_or(String::new(), |k| format!("transaction {k}: "));
        let credit = tx.credit.or(entry.credit);
        let credit = credit.ok_or_else(|| format!("{nth}no credit or debit (CdtDbtInd)"))?;
        let status = entry.status.as_deref().unwrap_or_default();
        if !credit {
            return Ok(Err(SkipReason::Debit));
        } else if entry.reversal {
            return Ok(Err(SkipReason::Reversal));
        } else if status != "BOOK" {
            return Ok(Err(SkipReason::NotBooked {
                status: status.to_owned(),
            }));
        }
        let amount = (tx.amount.as_ref().or(tx.detail_amount.as_ref()))
            .or(entry.amount.as_ref().filter(|_| position.is_none()))
            .ok_or_else(|| format!("{nth}no amount (TxDtls/Amt or AmtDtls/TxAmt/Amt)"))?;
        if amount.value <= Decimal::ZERO {
            return Ok(Err(SkipReason::NotPositive {
                amount: amount.value,
            }));
        }
        let currency = (amount.currency.as_ref().or(self.report.currency.as_ref()))
            .ok_or_else(|| format!("{nth}no currency (the amount's Ccy)"))?;
        let date = (entry.booked.or(entry.value))
            .ok_or_else(|| "no booking or value date (BookgDt, ValDt)".to_owned())?;
        let remittance = text::clean(&tx.unstructured, REMITTANCE_MAX);
        let remittance = match remittance.is_empty() {
            true => tx
                .info
                .as_ref()
                .or(entry.info.as_ref())
                .cloned()
                .unwrap_or_default(),
            false => remittance,
        };
        let mut payment = PaymentLine {
            line: self.ordinal,
            id: String::new(),
            date,
            amount: amount.value,
            currency: currency.clone(),
            creditor_reference: tx.creditor_ref.clone(),
            end_to_end_id: tx.end_to_end.clone(),
            variable_symbol: [&tx.end_to_end, &tx.creditor_ref, &Some(remittance.clone())]
                .into_iter()
                .flatten()
                .find_map(|t| symbols::variable_symbol(t)),
            remittance,
            payer_name: tx.debtor.clone(),
            payer_account: tx.iban.as_ref().or(tx.other_account.as_ref()).cloned(),
        };
        payment.id = self.payment_id(entry, tx, position, &payment);
        Ok(Ok(payment))
    }

    /// The payment's id, as [`PaymentLine::id`] says.
    fn payment_id(
        &self,
        entry: &Entry,
        tx: &Tx,
        position: Option<usize>,
        payment: &PaymentLine,
    ) -> String {
        let account = self.report.account().map_or("-", String::as_str);
        let k = position.map_or(String::new(), |k| format!(":{k}"));
        let id = if let Some(reference) = &tx.servicer_ref {
            format!("A:{account}:{reference}")
        } else if let Some(reference) = &entry.servicer_ref {
            format!("A:{account}:{reference}{k}")
        } else if let Some(reference) = &entry.reference {
            let report = self.report.id.as_deref().unwrap_or("-");
            format!("N:{account}:{report}:{reference}{k}")
        } else {
            let mut hash = IdHash::default();
            hash.add(account)
                .add(&payment.date.to_string())
                .add(&payment.amount.normalize().to_string())
                .add(&payment.currency);
            for value in [&tx.end_to_end, &tx.id, &tx.creditor_ref] {
                hash.add(value.as_deref().unwrap_or_default());
            }
            return hash.add(&self.ordinal.to_string()).id("H:");
        };
        if id.len() > ID_MAX {
            return IdHash::default().add(&id).id("H:");
        }
        id
    }

    /// An error at the reader's position.
    fn error(&self, element: &str, message: impl ToString) -> PaymentFileError {
        let at = self
            .reader
            .error_position()
            .max(self.reader.buffer_position());
        let element = match element {
            "" => self
                .stack
                .iter()
                .rev()
                .find(|t| **t != Tag::Other)
                .map_or("the document".to_owned(), |t| {
                    format!("{t:?}").replace("Report", "Stmt")
                }),
            path => path.to_owned(),
        };
        PaymentFileError::Xml {
            line: text::line_at(self.xml.as_bytes(), at as usize),
            element,
            message: message.to_string(),
        }
    }
}

/// The error for a document that is not a statement.
fn unrecognised(found: &str) -> PaymentFileError {
    PaymentFileError::Unrecognised {
        found: found.to_owned(),
    }
}

/// An amount element's `Ccy` attribute.
fn currency_attribute(start: &BytesStart<'_>) -> Result<Option<String>, String> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        if attribute.key.local_name().into_inner() == "Ccy" {
            return text::currency(attribute.value.trim()).map(Some);
        }
    }
    Ok(None)
}

/// `CRDT` or `DBIT`.
fn credit(value: &str) -> Result<bool, String> {
    match value {
        "CRDT" => Ok(true),
        "DBIT" => Ok(false),
        _ => Err(format!(
            "\"{}\" is neither CRDT nor DBIT",
            text::cut(value, 40)
        )),
    }
}

/// The character of a predefined entity.
fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}
