//! Checking a type's text and compiling it: states, flags, fields,
//! transitions and the collections' parameters here; triggers and timers in
//! `rules.rs`. Each refusal names the line, the column and the field's path.

use std::ops::Range;
use std::sync::Arc;

use rust_decimal::Decimal;
use toml::Spanned;

use super::doc::{CollectionsDoc, FieldDoc, InterestDoc, StateDoc, TransitionDoc, TypeDoc};
use super::{
    CaseType, Collections, Component, DebtOrder, FieldDef, FieldKind, Guard, Interest, Role,
    RoleSet, StateDef, StateIdx, Transition, TypeError,
};
use crate::calendar::Span;
use crate::limits::*;
use crate::money::DayCount;

/// The text being compiled, to turn byte offsets into lines and columns.
pub(super) struct Src<'a>(pub &'a str);

impl Src<'_> {
    pub fn err(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        msg: impl Into<String>,
    ) -> TypeError {
        let start = span.start.min(self.0.len());
        let before = &self.0[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(start, |n| start - n - 1) + 1;
        TypeError {
            line,
            column,
            field: field.into(),
            message: msg.into(),
        }
    }

    /// The error of the TOML reader, with the key on the line it names.
    fn toml_err(&self, e: &toml::de::Error) -> TypeError {
        let span = e.span().unwrap_or(0..0);
        let line_start = self.0[..span.start.min(self.0.len())]
            .rfind('\n')
            .map_or(0, |n| n + 1);
        let line = self.0[line_start..].lines().next().unwrap_or("");
        let key = line
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['[', ']']);
        let mut err = self.err(span, key, e.message().trim());
        if err.field.is_empty() {
            err.field = "type".into();
        }
        err
    }
}

/// Checks a name: 1 to [`NAME_MAX`] bytes of `a-z`, `0-9` and `_`.
pub(super) fn check_name(
    src: &Src<'_>,
    name: &Spanned<String>,
    field: &str,
) -> Result<Arc<str>, TypeError> {
    let n = name.get_ref();
    let ok = !n.is_empty()
        && n.len() <= NAME_MAX
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(src.err(
            name.span(),
            field,
            format!("{n:?}: a name is 1 to {NAME_MAX} of a-z, 0-9 and _"),
        ));
    }
    Ok(n.as_str().into())
}

fn too_many(src: &Src<'_>, len: usize, max: usize, field: &str) -> Result<(), TypeError> {
    if len > max {
        return Err(src.err(0..0, field, format!("at most {max}, got {len}")));
    }
    Ok(())
}

pub(super) fn compile(name: &str, version: u32, text: &str) -> Result<CaseType, TypeError> {
    let src = Src(text);
    if text.len() > TYPE_TEXT_MAX {
        return Err(src.err(0..0, "type", format!("at most {TYPE_TEXT_MAX} bytes")));
    }
    let type_name = check_name(&src, &Spanned::new(0..0, name.to_string()), "name")?;
    let doc: TypeDoc = toml::from_str(text).map_err(|e| src.toml_err(&e))?;
    let (states, initial) = states(&src, &doc.states)?;
    let flags = flags(&src, &doc.flags)?;
    let fields = fields(&src, &doc.fields)?;
    let mut ty = CaseType {
        name: type_name,
        version,
        description: doc
            .description
            .as_ref()
            .map(|d| d.get_ref().as_str().into()),
        states,
        initial,
        flags,
        fields,
        transitions: Vec::new(),
        triggers: Vec::new(),
        timers: Vec::new(),
        collections: collections(&src, doc.collections.as_ref())?,
        interest: doc
            .interest
            .as_ref()
            .map(|i| interest(&src, i))
            .transpose()?,
        by_event: Default::default(),
    };
    ty.transitions = transitions(&src, &ty, &doc.transitions)?;
    ty.timers = super::rules::timers(&src, &ty, &doc.timers)?;
    ty.triggers = super::rules::triggers(&src, &ty, &doc.triggers)?;
    for (i, t) in ty.triggers.iter().enumerate() {
        ty.by_event[t.on.kind()].push(i as u16);
    }
    Ok(ty)
}

fn states(src: &Src<'_>, docs: &[StateDoc]) -> Result<(Vec<StateDef>, StateIdx), TypeError> {
    too_many(src, docs.len(), STATES_MAX, "states")?;
    let mut out: Vec<StateDef> = Vec::with_capacity(docs.len());
    let mut initial = None;
    for (i, s) in docs.iter().enumerate() {
        let name = check_name(src, &s.name, &format!("states[{i}].name"))?;
        if out.iter().any(|o| o.name == name) {
            return Err(src.err(
                s.name.span(),
                format!("states[{i}].name"),
                format!("{name:?} is declared twice"),
            ));
        }
        if s.initial {
            if initial.is_some() {
                return Err(src.err(
                    s.name.span(),
                    format!("states[{i}].initial"),
                    "only one state is initial",
                ));
            }
            if s.is_final {
                return Err(src.err(
                    s.name.span(),
                    format!("states[{i}].final"),
                    "the initial state cannot be final",
                ));
            }
            initial = Some(i as StateIdx);
        }
        let sla = match &s.sla {
            Some(sla) => Some(
                Span::parse(sla.get_ref())
                    .map_err(|m| src.err(sla.span(), format!("states[{i}].sla"), m))?,
            ),
            None => None,
        };
        out.push(StateDef {
            name,
            is_final: s.is_final,
            sla,
        });
    }
    let initial =
        initial.ok_or_else(|| src.err(0..0, "states", "one state must be `initial = true`"))?;
    if !out.iter().any(|s| s.is_final) {
        return Err(src.err(0..0, "states", "at least one state must be `final = true`"));
    }
    Ok((out, initial))
}

fn flags(src: &Src<'_>, docs: &[Spanned<String>]) -> Result<Vec<Arc<str>>, TypeError> {
    too_many(src, docs.len(), FLAGS_MAX, "flags")?;
    let mut out: Vec<Arc<str>> = Vec::with_capacity(docs.len());
    for (i, f) in docs.iter().enumerate() {
        let name = check_name(src, f, &format!("flags[{i}]"))?;
        if out.contains(&name) {
            return Err(src.err(
                f.span(),
                format!("flags[{i}]"),
                format!("{name:?} is declared twice"),
            ));
        }
        out.push(name);
    }
    Ok(out)
}

fn fields(src: &Src<'_>, docs: &[FieldDoc]) -> Result<Vec<FieldDef>, TypeError> {
    too_many(src, docs.len(), FIELDS_MAX, "fields")?;
    let mut out: Vec<FieldDef> = Vec::with_capacity(docs.len());
    for (i, f) in docs.iter().enumerate() {
        let name = check_name(src, &f.name, &format!("fields[{i}].name"))?;
        if out.iter().any(|o| o.name == name) {
            return Err(src.err(
                f.name.span(),
                format!("fields[{i}].name"),
                format!("{name:?} is declared twice"),
            ));
        }
        let kind = match f.kind.get_ref().as_str() {
            "text" => FieldKind::Text,
            "number" | "decimal" => FieldKind::Number,
            "date" => FieldKind::Date,
            "bool" => FieldKind::Bool,
            "enum" => FieldKind::Enum(options(src, i, &f.options)?),
            other => {
                return Err(src.err(
                    f.kind.span(),
                    format!("fields[{i}].type"),
                    format!("{other:?}: a field is text, number, date, bool or enum"),
                ));
            }
        };
        if !matches!(kind, FieldKind::Enum(_)) && !f.options.is_empty() {
            return Err(src.err(
                f.kind.span(),
                format!("fields[{i}].options"),
                "only an enum has options",
            ));
        }
        out.push(FieldDef { name, kind });
    }
    Ok(out)
}

fn options(src: &Src<'_>, i: usize, docs: &[Spanned<String>]) -> Result<Vec<Arc<str>>, TypeError> {
    let field = format!("fields[{i}].options");
    if docs.is_empty() || docs.len() > ENUM_OPTIONS_MAX {
        return Err(src.err(
            0..0,
            field,
            format!("an enum has 1 to {ENUM_OPTIONS_MAX} options"),
        ));
    }
    let mut out: Vec<Arc<str>> = Vec::with_capacity(docs.len());
    for (j, o) in docs.iter().enumerate() {
        let v = o.get_ref();
        if v.is_empty()
            || v.len() > NAME_MAX
            || v.chars().any(char::is_control)
            || out.iter().any(|x| **x == **v)
        {
            return Err(src.err(
                o.span(),
                format!("{field}[{j}]"),
                "1 to 64 bytes, no control characters, no repeats",
            ));
        }
        out.push(v.as_str().into());
    }
    Ok(out)
}

/// A list of state names as a bit set; `"*"` is every state that is not final.
pub(super) fn state_set(
    src: &Src<'_>,
    ty: &CaseType,
    names: &Spanned<Vec<String>>,
    field: &str,
) -> Result<u64, TypeError> {
    let mut set = 0u64;
    for n in names.get_ref() {
        if n == "*" {
            for (i, s) in ty.states.iter().enumerate() {
                if !s.is_final {
                    set |= 1 << i;
                }
            }
            continue;
        }
        let i = ty
            .state(n)
            .ok_or_else(|| src.err(names.span(), field, format!("no state named {n:?}")))?;
        set |= 1 << i;
    }
    if set == 0 {
        return Err(src.err(names.span(), field, "name at least one state"));
    }
    Ok(set)
}

fn transitions(
    src: &Src<'_>,
    ty: &CaseType,
    docs: &[TransitionDoc],
) -> Result<Vec<Transition>, TypeError> {
    too_many(src, docs.len(), TRANSITIONS_MAX, "transitions")?;
    let mut out = Vec::with_capacity(docs.len());
    for (i, t) in docs.iter().enumerate() {
        let from = state_set(src, ty, &t.from, &format!("transitions[{i}].from"))?;
        let to = ty.state(t.to.get_ref()).ok_or_else(|| {
            src.err(
                t.to.span(),
                format!("transitions[{i}].to"),
                format!("no state named {:?}", t.to.get_ref()),
            )
        })?;
        let finals = ty.states.iter().enumerate().filter(|(_, s)| s.is_final);
        if let Some((_, s)) = finals.into_iter().find(|(j, _)| from & (1 << j) != 0) {
            return Err(src.err(
                t.from.span(),
                format!("transitions[{i}].from"),
                format!("{:?} is final: nothing leaves it", s.name),
            ));
        }
        let mut roles = RoleSet::default();
        for r in t.roles.get_ref() {
            let role = Role::parse(r).ok_or_else(|| {
                src.err(
                    t.roles.span(),
                    format!("transitions[{i}].roles"),
                    format!("{r:?}: roles are agent, supervisor, admin and system"),
                )
            })?;
            roles.insert(role);
        }
        if t.roles.get_ref().is_empty() {
            return Err(src.err(
                t.roles.span(),
                format!("transitions[{i}].roles"),
                "name at least one role",
            ));
        }
        let guard = match &t.guard {
            Some(g) => Some(
                Guard::parse(g.get_ref(), &ty.flags, &ty.fields)
                    .map_err(|m| src.err(g.span(), format!("transitions[{i}].guard"), m))?,
            ),
            None => None,
        };
        out.push(Transition {
            from,
            to,
            roles,
            guard,
        });
    }
    Ok(out)
}

fn collections(src: &Src<'_>, doc: Option<&CollectionsDoc>) -> Result<Collections, TypeError> {
    let mut c = Collections {
        grace_days: 0,
        allocation: [Component::Fees, Component::Interest, Component::Principal],
        debt_order: DebtOrder::OldestFirst,
        campaign: None,
    };
    let Some(doc) = doc else { return Ok(c) };
    if let Some(g) = &doc.grace_days {
        c.grace_days = u32::try_from(*g.get_ref())
            .ok()
            .filter(|d| *d <= GRACE_DAYS_MAX)
            .ok_or_else(|| {
                src.err(
                    g.span(),
                    "collections.grace_days",
                    format!("0 to {GRACE_DAYS_MAX} days"),
                )
            })?;
    }
    if let Some(a) = &doc.allocation {
        c.allocation = allocation(a).ok_or_else(|| {
            src.err(
                a.span(),
                "collections.allocation",
                "each of fees, interest and principal once, in the order payments cover them",
            )
        })?;
    }
    if let Some(o) = &doc.debt_order {
        c.debt_order = match o.get_ref().as_str() {
            "oldest_first" => DebtOrder::OldestFirst,
            "newest_first" => DebtOrder::NewestFirst,
            _ => {
                return Err(src.err(
                    o.span(),
                    "collections.debt_order",
                    "oldest_first or newest_first",
                ));
            }
        };
    }
    if let Some(camp) = &doc.campaign {
        c.campaign = Some(check_name(src, camp, "collections.campaign")?);
    }
    Ok(c)
}

fn allocation(a: &Spanned<Vec<String>>) -> Option<[Component; 3]> {
    let parts: Vec<Component> = a
        .get_ref()
        .iter()
        .map(|s| match s.as_str() {
            "fees" => Some(Component::Fees),
            "interest" => Some(Component::Interest),
            "principal" => Some(Component::Principal),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let all = [Component::Fees, Component::Interest, Component::Principal];
    if parts.len() != 3 || !all.iter().all(|c| parts.contains(c)) {
        return None;
    }
    Some([parts[0], parts[1], parts[2]])
}

fn interest(src: &Src<'_>, doc: &InterestDoc) -> Result<Interest, TypeError> {
    let r = &doc.annual_rate_percent;
    let rate = Decimal::from_str_exact(r.get_ref())
        .ok()
        .filter(|d| !d.is_sign_negative() && *d <= Decimal::from(RATE_PERCENT_MAX))
        .ok_or_else(|| {
            src.err(
                r.span(),
                "interest.annual_rate_percent",
                format!("a decimal from 0 to {RATE_PERCENT_MAX}, as a string (\"8.5\")"),
            )
        })?;
    let dc = &doc.day_count;
    let day_count = DayCount::parse(dc.get_ref()).ok_or_else(|| {
        src.err(
            dc.span(),
            "interest.day_count",
            "act/365, act/360 or 30/360",
        )
    })?;
    Ok(Interest {
        annual_rate_percent: rate,
        day_count,
    })
}
