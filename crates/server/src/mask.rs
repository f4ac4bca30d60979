//! Personal data masked by role where the role does not need it: analysts
//! (and a client company's users, wherever they may read) see customers'
//! names, cities and countries for their figures, but not their numbers,
//! e-mail addresses or streets, nor the numbers callers rang from. A masked
//! number keeps its first two digits after the `+` and its last two
//! (`+34•••••••78`), an e-mail its first letter and domain
//! (`m•••@example.com`), a postal code its first two characters.

use model::customer::Record;
use serde_json::Value;

use crate::auth::Role;

/// Whether a role sees personal data masked.
pub fn masks(role: Role) -> bool {
    matches!(role, Role::Analyst | Role::Client)
}

/// A number with only its country code and last two digits.
pub fn number(n: &str) -> String {
    let digits: Vec<char> = n.chars().filter(char::is_ascii_digit).collect();
    let keep_end = digits.len().min(2);
    let plus = n.trim_start().starts_with('+');
    let head = if plus {
        digits.len().saturating_sub(keep_end).min(2)
    } else {
        0
    };
    let mut out = String::new();
    if plus {
        out.push('+');
    }
    for (i, d) in digits.iter().enumerate() {
        let shown = i < head || i >= digits.len() - keep_end;
        out.push(if shown { *d } else { '•' });
    }
    out
}

/// An e-mail address with its first letter and domain.
pub fn email(e: &str) -> String {
    match e.split_once('@') {
        Some((user, domain)) => {
            let first: String = user.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

/// A record with its numbers, e-mail addresses and streets masked.
pub fn record(r: &mut Record) {
    for p in &mut r.phones {
        p.number = number(&p.number);
        p.e164 = p.e164.as_deref().map(number);
    }
    for e in &mut r.emails {
        *e = email(e);
    }
    for a in &mut r.addresses {
        if a.street.is_some() {
            a.street = Some("•••".into());
        }
        if let Some(pc) = &a.postal_code {
            a.postal_code = Some(pc.chars().take(2).chain("•••".chars()).collect());
        }
    }
}

/// An interaction's JSON with the caller's number masked.
pub fn interaction(v: &mut Value) {
    if let Some(a) = v.get_mut("attributes") {
        attributes(a);
    }
}

/// An interaction with the caller's number masked.
pub fn interaction_view(v: &mut store::read::InteractionView) {
    if let Some(a) = v.attributes.as_mut() {
        attributes(a);
    }
}

/// Routing attributes (JSON) with the caller's number masked (the
/// dialled number is the tenant's own line, not the person's).
fn attributes(a: &mut Value) {
    if let Some(n) = a["caller_number"].as_str().map(number) {
        a["caller_number"] = Value::String(n);
    }
}

/// Free text with every number of seven digits or more and every e-mail
/// address in it masked.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '+' || c.is_ascii_digit() {
            let start = i;
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_digit() || " -.()".contains(chars[j])) {
                j += 1;
            }
            // Separators at the end belong to the text after the number.
            while j > start + 1 && !chars[j - 1].is_ascii_digit() {
                j -= 1;
            }
            let run: String = chars[start..j].iter().collect();
            let digits = run.chars().filter(char::is_ascii_digit).count();
            out.push_str(&if digits >= 7 { number(&run) } else { run });
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out.split(' ')
        .map(|w| match w.split_once('@') {
            Some((a, b)) if !a.is_empty() && b.contains('.') => email(w),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every string of a JSON value masked as [`text`].
pub fn json(v: &mut Value) {
    match v {
        Value::String(s) => *s = text(s),
        Value::Array(a) => a.iter_mut().for_each(json),
        Value::Object(o) => o.values_mut().for_each(json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_addresses_keep_only_what_identifies_no_one() {
        assert_eq!(number("+34612345678"), "+34•••••••78");
        assert_eq!(number("612 345 678"), "•••••••78");
        assert_eq!(number("5"), "5");
        assert_eq!(email("maria@example.com"), "m•••@example.com");
        let mut v = serde_json::json!({"attributes": {"caller_number": "+420601000001"}});
        interaction(&mut v);
        assert_eq!(v["attributes"]["caller_number"], "+42••••••••01");
        assert_eq!(
            text("call me on +34 612 345 678, or maria@example.com; ref 12345"),
            "call me on +34•••••••78, or m•••@example.com; ref 12345"
        );
        let mut v = serde_json::json!({"at": 1772445600000i64, "phone": "+34612345678"});
        json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"at": 1772445600000i64, "phone": "+34•••••••78"})
        );
    }
}
