//! The guard language: a tiny condition on a case, checked against its type
//! when the type is loaded and evaluated without allocating.
//!
//! ```text
//! guard    := all ( "or" all )*
//! all      := term ( "and" term )*
//! term     := [ "not" ] "flag." NAME
//!           | operand OP literal
//! operand  := "balance" | "debt" | "paid" | "flag." NAME | "field." NAME
//! OP       := == | != | < | <= | > | >=
//! literal  := a decimal number (-12.50) | "a string" | true | false
//! ```
//!
//! `balance` is what is still owed, `debt` everything owed (principal, fees,
//! interest), `paid` what payments have covered. Numbers and dates (written
//! `"2026-03-31"`) compare with every operator; text, enums, bools and flags
//! only with `==` and `!=`; an enum's literal must be one of its options.
//! A field with no value makes any comparison on it false.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{FieldDef, FieldIdx, FieldKind, FlagIdx};
use crate::case::FieldValue;
use crate::limits::GUARD_TERMS_MAX;
use crate::money::Amount;

/// A parsed guard: any of several lists of comparisons that must all hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Guard {
    /// As written.
    pub text: Arc<str>,
    any: Vec<Vec<Term>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Balance,
    Debt,
    Paid,
    Flag(FlagIdx),
    Field(FieldIdx),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Num(Decimal),
    Text(Arc<str>),
    Date(NaiveDate),
    Bool(bool),
    Enum(u16),
}

#[derive(Debug, Clone, PartialEq)]
struct Term {
    left: Operand,
    op: Op,
    right: Lit,
}

/// What a guard reads of a case.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    /// Still owed.
    pub balance: Amount,
    /// Everything owed.
    pub debt: Amount,
    /// Covered by payments.
    pub paid: Amount,
    /// The flags set, a bit each.
    pub flags: u64,
    /// The fields' values.
    pub fields: &'a [Option<FieldValue>],
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Num(Decimal),
    Str(String),
    Op(Op),
}

fn tokens(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'"' {
            let end = s[i + 1..].find('"').ok_or("a string is not closed")?;
            out.push(Tok::Str(s[i + 1..i + 1 + end].to_string()));
            i += end + 2;
        } else if matches!(c, b'=' | b'!' | b'<' | b'>') {
            let two = b.get(i + 1) == Some(&b'=');
            let op = match (c, two) {
                (b'=', true) => Op::Eq,
                (b'!', true) => Op::Ne,
                (b'<', true) => Op::Le,
                (b'>', true) => Op::Ge,
                (b'<', false) => Op::Lt,
                (b'>', false) => Op::Gt,
                _ => return Err(format!("unknown operator at {:?}", &s[i..])),
            };
            out.push(Tok::Op(op));
            i += if two { 2 } else { 1 };
        } else {
            let end = s[i..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '_' | '.' | '-')))
                .map_or(s.len(), |e| i + e);
            if end == i {
                return Err(format!("unexpected {:?}", &s[i..]));
            }
            let w = &s[i..end];
            if w.starts_with(|ch: char| ch.is_ascii_digit() || ch == '-') {
                let d = Decimal::from_str_exact(w).map_err(|_| format!("{w:?} is not a number"))?;
                out.push(Tok::Num(d));
            } else {
                out.push(Tok::Word(w.to_string()));
            }
            i = end;
        }
    }
    Ok(out)
}

impl Guard {
    /// Parses a guard against a type's flags and fields.
    pub fn parse(text: &str, flags: &[Arc<str>], fields: &[FieldDef]) -> Result<Guard, String> {
        let toks = tokens(text)?;
        let mut any = Vec::new();
        let mut count = 0;
        for alt in toks.split(|t| *t == Tok::Word("or".into())) {
            let mut all = Vec::new();
            for term in alt.split(|t| *t == Tok::Word("and".into())) {
                count += 1;
                if count > GUARD_TERMS_MAX {
                    return Err(format!("at most {GUARD_TERMS_MAX} comparisons"));
                }
                all.push(term_of(term, flags, fields)?);
            }
            any.push(all);
        }
        Ok(Guard {
            text: text.into(),
            any,
        })
    }

    /// Whether it holds.
    pub fn holds(&self, f: &Facts<'_>) -> bool {
        self.any.iter().any(|all| all.iter().all(|t| t.holds(f)))
    }
}

fn term_of(t: &[Tok], flags: &[Arc<str>], fields: &[FieldDef]) -> Result<Term, String> {
    match t {
        [] => Err("a comparison is missing (around `and`/`or`)".into()),
        [Tok::Word(w)] => Ok(Term {
            left: flag_of(w, flags)?,
            op: Op::Eq,
            right: Lit::Bool(true),
        }),
        [Tok::Word(not), Tok::Word(w)] if not == "not" => Ok(Term {
            left: flag_of(w, flags)?,
            op: Op::Eq,
            right: Lit::Bool(false),
        }),
        [Tok::Word(w), Tok::Op(op), lit] => {
            let left = operand_of(w, flags, fields)?;
            let right = literal_of(&left, *op, lit, fields)?;
            Ok(Term {
                left,
                op: *op,
                right,
            })
        }
        _ => Err("write `operand operator literal` (balance <= 0, field.x == \"y\")".into()),
    }
}

fn flag_of(w: &str, flags: &[Arc<str>]) -> Result<Operand, String> {
    let name = w
        .strip_prefix("flag.")
        .ok_or_else(|| format!("{w:?} is not a flag (flag.NAME)"))?;
    let i = flags
        .iter()
        .position(|f| &**f == name)
        .ok_or_else(|| format!("no flag named {name:?}"))?;
    Ok(Operand::Flag(i as FlagIdx))
}

fn operand_of(w: &str, flags: &[Arc<str>], fields: &[FieldDef]) -> Result<Operand, String> {
    match w {
        "balance" => Ok(Operand::Balance),
        "debt" => Ok(Operand::Debt),
        "paid" => Ok(Operand::Paid),
        _ if w.starts_with("flag.") => flag_of(w, flags),
        _ => {
            let name = w.strip_prefix("field.").ok_or_else(|| {
                format!("{w:?} is not balance, debt, paid, flag.NAME or field.NAME")
            })?;
            let i = fields.iter().position(|f| &*f.name == name);
            let i = i.ok_or_else(|| format!("no field named {name:?}"))?;
            Ok(Operand::Field(i as FieldIdx))
        }
    }
}

fn literal_of(left: &Operand, op: Op, lit: &Tok, fields: &[FieldDef]) -> Result<Lit, String> {
    let ordered = !matches!(op, Op::Eq | Op::Ne);
    let kind = match left {
        Operand::Balance | Operand::Debt | Operand::Paid => &FieldKind::Number,
        Operand::Flag(_) => &FieldKind::Bool,
        Operand::Field(i) => &fields[usize::from(*i)].kind,
    };
    let lit = match (kind, lit) {
        (FieldKind::Number, Tok::Num(d)) => Lit::Num(*d),
        (FieldKind::Date, Tok::Str(s)) => Lit::Date(
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date"))?,
        ),
        (FieldKind::Text, Tok::Str(s)) if !ordered => Lit::Text(s.as_str().into()),
        (FieldKind::Bool, Tok::Word(w)) if !ordered && (w == "true" || w == "false") => {
            Lit::Bool(w == "true")
        }
        (FieldKind::Enum(opts), Tok::Str(s)) if !ordered => {
            let i = opts.iter().position(|o| **o == **s);
            Lit::Enum(i.ok_or_else(|| format!("{s:?} is not one of the field's options"))? as u16)
        }
        _ => {
            return Err(format!(
                "{lit:?} cannot be compared that way with this operand"
            ));
        }
    };
    Ok(lit)
}

impl Term {
    fn holds(&self, f: &Facts<'_>) -> bool {
        use std::cmp::Ordering;
        let ord: Option<Ordering> = match (&self.left, &self.right) {
            (Operand::Balance, Lit::Num(n)) => Some(f.balance.decimal().cmp(n)),
            (Operand::Debt, Lit::Num(n)) => Some(f.debt.decimal().cmp(n)),
            (Operand::Paid, Lit::Num(n)) => Some(f.paid.decimal().cmp(n)),
            (Operand::Flag(i), Lit::Bool(b)) => Some(((f.flags >> i) & 1 == 1).cmp(b)),
            (Operand::Field(i), lit) => match (f.fields.get(usize::from(*i)), lit) {
                (Some(Some(FieldValue::Number(v))), Lit::Num(n)) => Some(v.cmp(n)),
                (Some(Some(FieldValue::Date(v))), Lit::Date(d)) => Some(v.cmp(d)),
                (Some(Some(FieldValue::Text(v))), Lit::Text(t)) => Some(v.cmp(t)),
                (Some(Some(FieldValue::Bool(v))), Lit::Bool(b)) => Some(v.cmp(b)),
                (Some(Some(FieldValue::Enum(v))), Lit::Enum(e)) => Some(v.cmp(e)),
                _ => None,
            },
            _ => None,
        };
        let Some(o) = ord else { return false };
        match self.op {
            Op::Eq => o.is_eq(),
            Op::Ne => o.is_ne(),
            Op::Lt => o.is_lt(),
            Op::Le => o.is_le(),
            Op::Gt => o.is_gt(),
            Op::Ge => o.is_ge(),
        }
    }
}
