//! The routing plan's document again from the form: the stored document
//! with the form's rules, steps and hours put back in it ([`build`]), and a
//! validator's message put next to the input it names ([`place`]).

use i18n::{Catalog, Lang};
use toml::Value;

use super::{Mistakes, PlanForm, WHEN_LISTS, array};

fn list(s: &str) -> Vec<Value> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| Value::String(x.to_string()))
        .collect()
}

/// `skill:level, skill:level` as a table; a mistake names the input.
fn skills(s: &str, id: &str, lang: Lang, m: &mut Mistakes) -> toml::Table {
    let mut t = toml::Table::new();
    for part in s.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        match part
            .split_once(':')
            .map(|(k, v)| (k.trim(), v.trim().parse::<u8>()))
        {
            Some((k, Ok(level))) if !k.is_empty() => {
                t.insert(k.to_string(), Value::Integer(i64::from(level)));
            }
            _ => {
                m.0.insert(
                    id.to_string(),
                    format!(
                        "{part:?}: {}",
                        Catalog::global().t(lang, "form-skill-level")
                    ),
                );
            }
        }
    }
    t
}

/// Builds the document from the stored one and the form. Blank new rows are
/// skipped; removed rows are left out.
pub(super) fn build(
    stored: &toml::Table,
    f: &PlanForm,
    lang: Lang,
    m: &mut Mistakes,
) -> (toml::Table, Vec<usize>) {
    let say = |id: &str| Catalog::global().t(lang, id);
    let mut doc = stored.clone();
    let old_rules = array(stored, "rule");
    let mut rules = Vec::new();
    // The form row of each rule in the document, for messages.
    let mut rows = Vec::new();
    for (i, r) in f.rules.iter().enumerate() {
        let blank = r.orig.is_none()
            && r.name.trim().is_empty()
            && r.when.iter().all(|w| w.trim().is_empty())
            && r.queue.trim().is_empty()
            && r.priority_add.trim().is_empty()
            && r.skills.trim().is_empty();
        if r.remove || blank {
            continue;
        }
        if r.name.trim().is_empty() {
            m.0.insert(format!("r-{i}-name"), say("form-required"));
        }
        let mut t = r
            .orig
            .and_then(|o| old_rules.get(o))
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        t.insert("name".into(), Value::String(r.name.trim().to_string()));
        let mut when = t
            .get("when")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        for (j, (key, _)) in WHEN_LISTS.iter().enumerate() {
            let l = list(&r.when[j]);
            if l.is_empty() {
                when.remove(*key);
            } else {
                when.insert((*key).to_string(), Value::Array(l));
            }
        }
        set_table(&mut t, "when", when);
        let mut then = t
            .get("then")
            .and_then(Value::as_table)
            .cloned()
            .unwrap_or_default();
        match r.queue.trim() {
            "" => then.remove("queue"),
            q => then.insert("queue".into(), Value::String(q.to_string())),
        };
        match r.priority_add.trim() {
            "" => {
                then.remove("priority_add");
            }
            p => match p.parse::<i32>() {
                Ok(n) => {
                    then.insert("priority_add".into(), Value::Integer(i64::from(n)));
                }
                Err(_) => {
                    m.0.insert(format!("r-{i}-priority_add"), say("form-whole-number"));
                }
            },
        }
        let sk = skills(&r.skills, &format!("r-{i}-skills"), lang, m);
        if sk.is_empty() {
            then.remove("add_skills");
        } else {
            then.insert("add_skills".into(), Value::Table(sk));
        }
        set_table(&mut t, "then", then);
        rules.push(Value::Table(t));
        rows.push(i);
    }
    set_array(&mut doc, "rule", rules);
    if let Some(Value::Array(queues)) = doc.get_mut("queue") {
        for (qi, (name, steps)) in f.queues.iter().enumerate() {
            let Some(q) = queues
                .iter_mut()
                .filter_map(Value::as_table_mut)
                .find(|q| q.get("name").and_then(Value::as_str) == Some(name.as_str()))
            else {
                m.0.insert(
                    "plan-form".into(),
                    format!("{name:?}: {}", say("form-queue-gone")),
                );
                continue;
            };
            let mut out = Vec::new();
            for (si, s) in steps.iter().enumerate() {
                if !s.kept() {
                    continue;
                }
                let mut t = toml::Table::new();
                if !s.until_s.trim().is_empty() {
                    match s.until_s.trim().parse::<f64>() {
                        Ok(v) => {
                            t.insert("until_s".into(), Value::Float(v));
                        }
                        Err(_) => {
                            m.0.insert(format!("q-{qi}-s-{si}-until_s"), say("form-seconds"));
                        }
                    }
                }
                let sk = skills(&s.skills, &format!("q-{qi}-s-{si}-skills"), lang, m);
                if !sk.is_empty() {
                    t.insert("skills".into(), Value::Table(sk));
                }
                if !s.team.trim().is_empty() {
                    t.insert("team".into(), Value::String(s.team.trim().to_string()));
                }
                out.push(Value::Table(t));
            }
            set_array(q, "step", out);
            let h = f.hours.get(qi).cloned().unwrap_or_default();
            let mut ht = q
                .get("hours")
                .and_then(Value::as_table)
                .cloned()
                .unwrap_or_default();
            if h.is_empty() {
                q.remove("hours");
                continue;
            }
            let mut weekly = toml::Table::new();
            for line in h.weekly.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match line.split_once('=') {
                    Some((d, t)) if !d.trim().is_empty() && !t.trim().is_empty() => {
                        let t = t.trim().trim_matches('"');
                        weekly.insert(d.trim().to_string(), Value::String(t.to_string()));
                    }
                    _ => {
                        m.0.insert(
                            format!("q-{qi}-weekly"),
                            format!("{line:?}: {}", say("form-weekly")),
                        );
                    }
                }
            }
            ht.insert("weekly".into(), Value::Table(weekly));
            let holidays = list(&h.holidays);
            if holidays.is_empty() {
                ht.remove("holidays");
            } else {
                ht.insert("holidays".into(), Value::Array(holidays));
            }
            match h.closed.trim() {
                "" => ht.remove("closed"),
                c => ht.insert("closed".into(), Value::String(c.to_string())),
            };
            q.insert("hours".into(), Value::Table(ht));
        }
    }
    (doc, rows)
}

fn set_table(t: &mut toml::Table, key: &str, v: toml::Table) {
    if v.is_empty() {
        t.remove(key);
    } else {
        t.insert(key.into(), Value::Table(v));
    }
}

fn set_array(t: &mut toml::Table, key: &str, v: Vec<Value>) {
    if v.is_empty() {
        t.remove(key);
    } else {
        t.insert(key.into(), Value::Array(v));
    }
}

/// Puts the validator's message on the input it names: `rule "NAME".KEY…`
/// or `queue "NAME".step[S].KEY…`; anything else goes on the whole form.
pub(super) fn place(f: &PlanForm, rows: &[usize], msg: &str, m: &mut Mistakes) {
    // "plan:3:5: FIELD: message" (position when known).
    let rest = msg.strip_prefix("plan").unwrap_or(msg);
    let rest = rest
        .trim_start_matches(|c: char| c == ':' || c.is_ascii_digit())
        .trim_start();
    let target = (|| {
        if let Some(r) = rest.strip_prefix("rule \"") {
            let (name, after) = r.split_once("\".")?;
            let i = *rows.iter().find(|i| f.rules[**i].name.trim() == name)?;
            let key = if let Some(w) = after.strip_prefix("when.") {
                WHEN_LISTS
                    .iter()
                    .find(|(k, _)| w.starts_with(k))
                    .map_or("name", |(k, _)| k)
            } else if after.starts_with("then.queue") {
                "queue"
            } else if after.starts_with("then.add_skills") {
                "skills"
            } else if after.starts_with("then.priority_add") {
                "priority_add"
            } else {
                "name"
            };
            return Some(format!("r-{i}-{key}"));
        }
        if let Some(q) = rest.strip_prefix("queue \"") {
            if let Some((name, after)) = q.split_once("\".hours") {
                let qi = f.queues.iter().position(|(n, _)| n == name)?;
                let key = ["holidays", "closed"]
                    .into_iter()
                    .find(|k| after.starts_with(&format!(".{k}")))
                    .unwrap_or("weekly");
                return Some(format!("q-{qi}-{key}"));
            }
            let (name, after) = q.split_once("\".step[")?;
            let qi = f.queues.iter().position(|(n, _)| n == name)?;
            let (s, key) = after.split_once("].")?;
            let s: usize = s.parse().ok()?;
            // The s-th step kept, counted over the form's rows.
            let row = f.queues[qi]
                .1
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kept())
                .nth(s)?
                .0;
            let key = ["until_s", "skills", "team"]
                .into_iter()
                .find(|k| key.starts_with(k))
                .unwrap_or("skills");
            return Some(format!("q-{qi}-s-{row}-{key}"));
        }
        None
    })();
    // Next to a field, the position in the generated document means nothing:
    // the field path and the message say it. On the whole form, all of it.
    match target {
        Some(id) => m.0.insert(id, rest.to_string()),
        None => m.0.insert("plan-form".into(), msg.to_string()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::planform::{HoursRow, document_value};

    const PLAN: &str = r#"default_queue = "support"
[[queue]]
name = "support"
wrap_up_s = 4
[[queue.step]]
until_s = 30
skills = { support = 5 }
[[queue.step]]
skills = { support = 1 }

[[rule]]
name = "vip"
when = { value_tier = ["gold"], caller_prefix = ["+34"] }
then = { queue = "support", priority = 5 }
"#;

    #[test]
    fn the_form_keeps_what_it_does_not_show_and_reads_back_what_it_wrote() {
        let stored = document_value(PLAN).unwrap();
        let mut f = PlanForm::of(&stored);
        assert_eq!(f.rules[0].when[2], "gold");
        assert_eq!(f.queues[0].1[0].skills, "support:5");
        f.rules[0].when[1] = "ca, es".into();
        f.rules[0].skills = "billing:3".into();
        f.queues[0].1[1].remove = true;
        let mut m = Mistakes::default();
        let (doc, rows) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.is_empty(), "{m:?}");
        assert_eq!(rows, [0]);
        let text = toml::to_string(&doc).unwrap();
        crate::tenant::compile_plan(&text, None).unwrap();
        let again = PlanForm::of(&document_value(&text).unwrap());
        assert_eq!(again.rules[0].when[1], "ca, es");
        assert_eq!(again.rules[0].skills, "billing:3");
        assert_eq!(again.queues[0].1.len(), 1);
        // Kept: the caller prefix, the fixed priority, the queue's wrap-up.
        let r = &doc["rule"][0];
        assert_eq!(r["when"]["caller_prefix"][0].as_str(), Some("+34"));
        assert_eq!(r["then"]["priority"].as_integer(), Some(5));
        assert_eq!(doc["queue"][0]["wrap_up_s"].as_integer(), Some(4));
    }

    #[test]
    fn a_mistake_lands_on_the_field_it_names() {
        let stored = document_value(PLAN).unwrap();
        let mut f = PlanForm::of(&stored);
        f.rules[0].queue = "nowhere".into();
        f.queues[0].1[0].skills = "support".into();
        let mut m = Mistakes::default();
        let (doc, rows) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.contains_key("q-0-s-0-skills"), "{m:?}");
        f.queues[0].1[0].skills = "support:5".into();
        let mut m = Mistakes::default();
        let (doc2, rows2) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.is_empty());
        let e = crate::tenant::compile_plan(&toml::to_string(&doc2).unwrap(), None).unwrap_err();
        let msg = e
            .message
            .strip_prefix("document: ")
            .unwrap_or(&e.message)
            .to_string();
        place(&f, &rows2, &msg, &mut m);
        assert!(
            m.0.get("r-0-queue").is_some_and(|x| x.contains("nowhere")),
            "{m:?} {msg}"
        );
        let _ = (doc, rows);
    }

    #[test]
    fn opening_hours_and_holidays_round_trip_and_their_mistakes_are_placed() {
        let stored = document_value(PLAN).unwrap();
        let mut f = PlanForm::of(&stored);
        assert!(f.hours[0].is_empty());
        f.hours[0] = HoursRow {
            weekly: "mon-fri = 08:00-20:00\nsat = 09:00-14:00".into(),
            holidays: "2026-12-25, 2027-01-01".into(),
            closed: "voicemail".into(),
        };
        let mut m = Mistakes::default();
        let (doc, _) = build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.is_empty(), "{m:?}");
        let text = toml::to_string(&doc).unwrap();
        crate::tenant::compile_plan(&text, None).unwrap();
        let again = PlanForm::of(&document_value(&text).unwrap());
        assert_eq!(
            again.hours[0].weekly,
            "mon-fri = 08:00-20:00\nsat = 09:00-14:00"
        );
        assert_eq!(again.hours[0].holidays, "2026-12-25, 2027-01-01");
        // A line without "=", then a date the validator refuses: each next to its field.
        f.hours[0].weekly = "mon-fri 08:00-20:00".into();
        let mut m = Mistakes::default();
        build(&stored, &f, Lang::En, &mut m);
        assert!(m.0.contains_key("q-0-weekly"), "{m:?}");
        f.hours[0].weekly = "mon-fri = 08:00-20:00".into();
        f.hours[0].holidays = "Christmas".into();
        let mut m = Mistakes::default();
        let (doc, rows) = build(&stored, &f, Lang::En, &mut m);
        let e = crate::tenant::compile_plan(&toml::to_string(&doc).unwrap(), None).unwrap_err();
        let msg = e
            .message
            .strip_prefix("document: ")
            .unwrap_or(&e.message)
            .to_string();
        place(&f, &rows, &msg, &mut m);
        assert!(
            m.0.get("q-0-holidays")
                .is_some_and(|x| x.contains("YYYY-MM-DD")),
            "{m:?}"
        );
        // Emptied, the hours go.
        f.hours[0] = HoursRow::default();
        let (doc, _) = build(&stored, &f, Lang::En, &mut Mistakes::default());
        assert!(doc["queue"][0].get("hours").is_none());
    }
}
