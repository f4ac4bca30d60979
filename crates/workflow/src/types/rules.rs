//! Checking and compiling a type's timers and triggers (with their actions).

use std::sync::Arc;

use chrono::NaiveTime;
use toml::Spanned;

use super::compile::{Src, check_name, state_set};
use super::doc::{ActionDoc, TimerDoc, TriggerDoc};
use super::{
    ActionSpec, Anchor, CaseType, Guard, On, Role, TimerDef, TimerForm, TimerIdx, Trigger,
    TypeError,
};
use crate::calendar::Span;
use crate::case::FieldValue;
use crate::limits::*;

pub(super) fn timers(
    src: &Src<'_>,
    ty: &CaseType,
    docs: &[TimerDoc],
) -> Result<Vec<TimerDef>, TypeError> {
    if docs.len() > TIMERS_MAX {
        return Err(src.err(0..0, "timers", format!("at most {TIMERS_MAX}")));
    }
    let mut out: Vec<TimerDef> = Vec::with_capacity(docs.len());
    for (i, t) in docs.iter().enumerate() {
        let path = format!("timers[{i}]");
        let name = check_name(src, &t.name, &format!("{path}.name"))?;
        if out.iter().any(|o| o.name == name) {
            return Err(src.err(
                t.name.span(),
                format!("{path}.name"),
                format!("{name:?} is declared twice"),
            ));
        }
        let form = match (&t.after, &t.every) {
            (Some(after), None) => relative(src, ty, t, after, &path)?,
            (None, Some(every)) => calendar(src, ty, t, every, &path)?,
            _ => {
                return Err(src.err(
                    t.name.span(),
                    path,
                    "a timer has either `after` (relative) or `every` (calendar)",
                ));
            }
        };
        out.push(TimerDef { name, form });
    }
    Ok(out)
}

fn relative(
    src: &Src<'_>,
    ty: &CaseType,
    t: &TimerDoc,
    after: &Spanned<String>,
    path: &str,
) -> Result<TimerForm, TypeError> {
    let span = Span::parse(after.get_ref())
        .map_err(|m| src.err(after.span(), format!("{path}.after"), m))?;
    let from = t.from.as_ref().ok_or_else(|| {
        src.err(
            after.span(),
            format!("{path}.from"),
            "a relative timer says `from`: created, state_entered or promise_date",
        )
    })?;
    let anchor = match from.get_ref().as_str() {
        "created" => Anchor::Created,
        "promise_date" => Anchor::PromiseDate,
        "state_entered" => {
            let s = t.state.as_ref().ok_or_else(|| {
                src.err(
                    from.span(),
                    format!("{path}.state"),
                    "`from = \"state_entered\"` needs `state`",
                )
            })?;
            let i = ty.state(s.get_ref()).ok_or_else(|| {
                src.err(
                    s.span(),
                    format!("{path}.state"),
                    format!("no state named {:?}", s.get_ref()),
                )
            })?;
            Anchor::StateEntered(i)
        }
        other => {
            return Err(src.err(
                from.span(),
                format!("{path}.from"),
                format!("{other:?}: created, state_entered or promise_date"),
            ));
        }
    };
    if t.at.is_some() || t.in_states.is_some() || t.skip_holidays.is_some() {
        return Err(src.err(
            after.span(),
            path,
            "`at`, `in_states` and `skip_holidays` are for calendar timers (`every`)",
        ));
    }
    Ok(TimerForm::After { span, anchor })
}

fn weekdays(s: &str) -> Option<u8> {
    match s {
        "day" => return Some(0x7f),
        "weekday" => return Some(0x1f),
        _ => {}
    }
    let mut set = 0u8;
    for d in s.split(',') {
        let i = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .position(|n| *n == d.trim())?;
        set |= 1 << i;
    }
    Some(set)
}

fn calendar(
    src: &Src<'_>,
    ty: &CaseType,
    t: &TimerDoc,
    every: &Spanned<String>,
    path: &str,
) -> Result<TimerForm, TypeError> {
    let days = weekdays(every.get_ref()).ok_or_else(|| {
        src.err(
            every.span(),
            format!("{path}.every"),
            "day, weekday, or days as mon,wed,fri",
        )
    })?;
    let at = t.at.as_ref().ok_or_else(|| {
        src.err(
            every.span(),
            format!("{path}.at"),
            "a calendar timer says `at = \"HH:MM\"`",
        )
    })?;
    let time = NaiveTime::parse_from_str(at.get_ref(), "%H:%M")
        .map_err(|_| src.err(at.span(), format!("{path}.at"), "a local time HH:MM"))?;
    let in_states = match &t.in_states {
        Some(s) => state_set(src, ty, s, &format!("{path}.in_states"))?,
        None => !0,
    };
    if t.from.is_some() || t.state.is_some() {
        return Err(src.err(
            every.span(),
            path,
            "`from` and `state` are for relative timers (`after`)",
        ));
    }
    Ok(TimerForm::Every {
        weekdays: days,
        at: time,
        skip_holidays: t.skip_holidays.unwrap_or(true),
        in_states,
    })
}

pub(super) fn triggers(
    src: &Src<'_>,
    ty: &CaseType,
    docs: &[TriggerDoc],
) -> Result<Vec<Trigger>, TypeError> {
    if docs.len() > TRIGGERS_MAX {
        return Err(src.err(0..0, "triggers", format!("at most {TRIGGERS_MAX}")));
    }
    let mut out: Vec<Trigger> = Vec::with_capacity(docs.len());
    for (i, t) in docs.iter().enumerate() {
        let path = format!("triggers[{i}]");
        let name = check_name(src, &t.name, &format!("{path}.name"))?;
        if out.iter().any(|o| o.name == name) {
            return Err(src.err(
                t.name.span(),
                format!("{path}.name"),
                format!("{name:?} is declared twice"),
            ));
        }
        let on = on(src, ty, t, &path)?;
        let in_states = match &t.in_states {
            Some(s) => state_set(src, ty, s, &format!("{path}.in_states"))?,
            None => !0,
        };
        let guard = match &t.when {
            Some(g) => Some(
                Guard::parse(g.get_ref(), &ty.flags, &ty.fields)
                    .map_err(|m| src.err(g.span(), format!("{path}.when"), m))?,
            ),
            None => None,
        };
        let actions = actions(src, ty, t, &path)?;
        let transition = actions.iter().find_map(|a| match a {
            ActionSpec::Transition(s) => Some(*s),
            _ => None,
        });
        out.push(Trigger {
            name,
            on,
            in_states,
            guard,
            actions,
            transition,
        });
    }
    Ok(out)
}

fn param<'a>(
    src: &Src<'_>,
    t: &'a TriggerDoc,
    p: &'a Option<Spanned<String>>,
    key: &str,
    path: &str,
) -> Result<&'a Spanned<String>, TypeError> {
    p.as_ref().ok_or_else(|| {
        src.err(
            t.on.span(),
            format!("{path}.{key}"),
            format!("`on = {:?}` needs `{key}`", t.on.get_ref()),
        )
    })
}

fn on(src: &Src<'_>, ty: &CaseType, t: &TriggerDoc, path: &str) -> Result<On, TypeError> {
    let state = |key: &str| -> Result<u8, TypeError> {
        let s = param(src, t, &t.state, key, path)?;
        ty.state(s.get_ref()).ok_or_else(|| {
            src.err(
                s.span(),
                format!("{path}.state"),
                format!("no state named {:?}", s.get_ref()),
            )
        })
    };
    let on = match t.on.get_ref().as_str() {
        "state_entered" => On::StateEntered(state("state")?),
        "sla_passed" => On::SlaPassed(state("state")?),
        "field_changed" => {
            let f = param(src, t, &t.field, "field", path)?;
            On::FieldChanged(ty.field(f.get_ref()).ok_or_else(|| {
                src.err(
                    f.span(),
                    format!("{path}.field"),
                    format!("no field named {:?}", f.get_ref()),
                )
            })?)
        }
        "timer" => {
            let n = param(src, t, &t.timer, "timer", path)?;
            let i = ty
                .timers
                .iter()
                .position(|d| *d.name == **n.get_ref())
                .ok_or_else(|| {
                    src.err(
                        n.span(),
                        format!("{path}.timer"),
                        format!("no timer named {:?}", n.get_ref()),
                    )
                })?;
            On::Timer(i as TimerIdx)
        }
        "disposition" => On::Disposition(check_name(
            src,
            param(src, t, &t.code, "code", path)?,
            &format!("{path}.code"),
        )?),
        "payment" => On::Payment,
        "promise_made" => On::PromiseMade,
        "promise_due" => On::PromiseDue,
        "promise_kept" => On::PromiseKept,
        "promise_broken" => On::PromiseBroken,
        "plan_made" => On::PlanMade,
        "dispute_opened" => On::DisputeOpened,
        "dispute_resolved" => On::DisputeResolved,
        "settled" => On::Settled,
        "written_off" => On::WrittenOff,
        other => {
            return Err(src.err(
                t.on.span(),
                format!("{path}.on"),
                format!("{other:?} is not an event (see docs/workflow.md)"),
            ));
        }
    };
    Ok(on)
}

fn actions(
    src: &Src<'_>,
    ty: &CaseType,
    t: &TriggerDoc,
    path: &str,
) -> Result<Vec<ActionSpec>, TypeError> {
    let docs = t.actions.get_ref();
    if docs.is_empty() || docs.len() > ACTIONS_PER_TRIGGER_MAX {
        return Err(src.err(
            t.actions.span(),
            format!("{path}.do"),
            format!("1 to {ACTIONS_PER_TRIGGER_MAX} actions"),
        ));
    }
    let mut out = Vec::with_capacity(docs.len());
    for (j, a) in docs.iter().enumerate() {
        let apath = format!("{path}.do[{j}]");
        let at = |field: &str, m: String| src.err(a.span(), format!("{apath}.{field}"), m);
        out.push(action(ty, a.get_ref(), &at)?);
    }
    Ok(out)
}

fn need<'a>(
    v: &'a Option<String>,
    key: &str,
    at: &dyn Fn(&str, String) -> TypeError,
) -> Result<&'a str, TypeError> {
    v.as_deref()
        .ok_or_else(|| at(key, format!("this action needs `{key}`")))
}

fn name_of(
    v: &Option<String>,
    key: &str,
    at: &dyn Fn(&str, String) -> TypeError,
) -> Result<Arc<str>, TypeError> {
    let s = need(v, key, at)?;
    let ok = !s.is_empty()
        && s.len() <= NAME_MAX
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(at(
            key,
            format!("{s:?}: a name is 1 to {NAME_MAX} of a-z, 0-9 and _"),
        ));
    }
    Ok(s.into())
}

fn action(
    ty: &CaseType,
    a: &ActionDoc,
    at: &dyn Fn(&str, String) -> TypeError,
) -> Result<ActionSpec, TypeError> {
    let flag = |a: &ActionDoc| -> Result<u8, TypeError> {
        let f = need(&a.flag, "flag", at)?;
        ty.flag(f)
            .ok_or_else(|| at("flag", format!("no flag named {f:?}")))
    };
    Ok(match a.action.as_str() {
        "transition" => {
            let to = need(&a.to, "to", at)?;
            let s = ty
                .state(to)
                .ok_or_else(|| at("to", format!("no state named {to:?}")))?;
            let by_system = ty
                .transitions
                .iter()
                .any(|t| t.to == s && t.roles.contains(Role::System));
            if !by_system {
                return Err(at(
                    "to",
                    format!("no transition to {to:?} allows the role system"),
                ));
            }
            ActionSpec::Transition(s)
        }
        "set_flag" => ActionSpec::SetFlag(flag(a)?),
        "clear_flag" => ActionSpec::ClearFlag(flag(a)?),
        "set_field" => set_field(ty, a, at)?,
        "task" => task(a, at)?,
        "start_contact" => ActionSpec::StartContact,
        "stop_contact" => ActionSpec::StopContact,
        "letter" => ActionSpec::Letter(name_of(&a.template, "template", at)?),
        "email" => ActionSpec::Email(name_of(&a.template, "template", at)?),
        other => {
            return Err(at(
                "action",
                format!(
                    "{other:?}: transition, set_flag, clear_flag, set_field, task, start_contact, stop_contact, letter or email"
                ),
            ));
        }
    })
}

fn set_field(
    ty: &CaseType,
    a: &ActionDoc,
    at: &dyn Fn(&str, String) -> TypeError,
) -> Result<ActionSpec, TypeError> {
    let f = need(&a.field, "field", at)?;
    let i = ty
        .field(f)
        .ok_or_else(|| at("field", format!("no field named {f:?}")))?;
    let kind = &ty.fields[usize::from(i)].kind;
    let value = match &a.value {
        None => None,
        Some(toml::Value::String(s)) => {
            Some(FieldValue::parse(kind, s).map_err(|m| at("value", m))?)
        }
        Some(toml::Value::Boolean(b)) => Some(
            FieldValue::parse(kind, if *b { "true" } else { "false" })
                .map_err(|m| at("value", m))?,
        ),
        Some(toml::Value::Integer(n)) => {
            Some(FieldValue::parse(kind, &n.to_string()).map_err(|m| at("value", m))?)
        }
        Some(_) => {
            return Err(at(
                "value",
                "a string, an integer or a bool (write decimals as strings: \"12.50\")".into(),
            ));
        }
    };
    Ok(ActionSpec::SetField(i, value))
}

fn task(a: &ActionDoc, at: &dyn Fn(&str, String) -> TypeError) -> Result<ActionSpec, TypeError> {
    let title = need(&a.title, "title", at)?;
    if title.is_empty() || title.len() > TEXT_MAX || title.chars().any(char::is_control) {
        return Err(at(
            "title",
            format!("1 to {TEXT_MAX} bytes, no control characters"),
        ));
    }
    let skill = match &a.skill {
        Some(_) => Some(name_of(&a.skill, "skill", at)?),
        None => None,
    };
    let priority = a.priority.unwrap_or(5);
    if !(1..=10).contains(&priority) {
        return Err(at("priority", "1 (lowest) to 10".into()));
    }
    let due_in = Span::parse(need(&a.due_in, "due_in", at)?).map_err(|m| at("due_in", m))?;
    Ok(ActionSpec::Task {
        title: title.into(),
        skill,
        priority: priority as u8,
        due_in,
    })
}
