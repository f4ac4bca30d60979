//! The IVR: menus that greet the caller, ask who they are and why they call,
//! and hand the call to routing with what they chose, so the agent never
//! asks again.
//!
//! An IVR is data (TOML or JSON), checked when loaded with errors that name
//! the line and the key:
//!
//! ```toml
//! entry = "welcome"
//!
//! [[menu]]
//! name = "welcome"
//! prompt = "welcome"                # a prompt name, played in the caller's language
//! next = "language"                 # no choices: go on when the prompt ends
//!
//! [[menu]]
//! name = "language"
//! prompt = "choose_language"
//! timeout_s = 5                     # waiting for a key after the prompt
//! retries = 2                       # replays on no key or a wrong key
//! on_fail = { queue = "support" }   # after the retries
//! [menu.choices]
//! "1" = { language = "es", next = "main" }
//! "2" = { language = "ca", next = "main" }
//!
//! [[menu]]
//! name = "main"
//! prompt = "main_menu"
//! [menu.choices]
//! "1" = { queue = "billing" }
//! "2" = { queue = "support", set = { product = "internet" } }
//! "9" = { callback = true }
//! "*" = { next = "main" }
//!
//! [[menu]]
//! name = "account"
//! prompt = "enter_account"
//! collect = { attribute = "customer_id", max_digits = 8, terminator = "#" }
//! next = "main"
//! ```
//!
//! [`IvrSession`] runs one caller through it, sans-IO: it says what to play
//! and when it needs a timer; the switch feeds it keys, prompt ends and time.
//! Keys pressed during a prompt cut it short (barge-in).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::dtmf::Digit;

/// Most menus in one IVR.
pub const MENUS_MAX: usize = 500;
/// Most menus one call may pass through (a loop in the menus ends here).
pub const STEPS_MAX: u32 = 100;

/// An IVR file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IvrSpec {
    /// The first menu.
    pub entry: Spanned<String>,
    /// The prompt played after a wrong key (`invalid` by default).
    pub invalid_prompt: Option<String>,
    /// The menus.
    pub menu: Vec<MenuSpec>,
}

/// One menu as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuSpec {
    /// Its unique name (also the IVR choice's key on the interaction).
    pub name: Spanned<String>,
    /// The prompt to play.
    pub prompt: Spanned<String>,
    /// Seconds to wait for a key after the prompt (5 by default).
    pub timeout_s: Option<Spanned<f64>>,
    /// Replays after no key or a wrong key (2 by default).
    pub retries: Option<Spanned<u32>>,
    /// What happens after the retries (the default queue by default).
    pub on_fail: Option<Spanned<ActionSpec>>,
    /// Key → what it does.
    #[serde(default)]
    pub choices: BTreeMap<Spanned<String>, Spanned<ActionSpec>>,
    /// Collect several digits into an attribute instead of choosing.
    pub collect: Option<Spanned<CollectSpec>>,
    /// Where to go when the prompt ends (menus without choices) or after collecting.
    pub next: Option<Spanned<String>>,
}

/// What a key (or a failure) does, as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// Sets the caller's language (prompts follow it).
    pub language: Option<String>,
    /// Free attributes to set.
    #[serde(default)]
    pub set: BTreeMap<String, String>,
    /// Go to this menu.
    pub next: Option<String>,
    /// End the IVR: queue here.
    pub queue: Option<String>,
    /// End the IVR: the caller wants a callback.
    #[serde(default)]
    pub callback: bool,
    /// End the IVR: hang up (after the prompt, if one is given).
    #[serde(default)]
    pub hangup: bool,
}

/// Digits to collect, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectSpec {
    /// The attribute that receives them.
    pub attribute: String,
    /// Most digits (then it stops by itself).
    pub max_digits: u8,
    /// The key that ends early (`#` by default).
    pub terminator: Option<String>,
    /// Seconds allowed between keys (3 by default).
    pub inter_digit_s: Option<f64>,
}

/// An IVR that failed its checks: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {field}: {message}")]
pub struct IvrError {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The key.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What a key does, checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Action {
    /// New language.
    pub language: Option<String>,
    /// Attributes to set.
    pub set: Vec<(String, String)>,
    /// Where it goes.
    pub then: Then,
}

/// Where an action leads.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Then {
    /// To a menu (by index).
    Menu(usize),
    /// Out of the IVR, to this queue.
    Queue(String),
    /// Out, to routing's default (no queue chosen).
    #[default]
    Default,
    /// Out, as a callback request.
    Callback,
    /// Hang up.
    Hangup,
}

/// What a menu does with keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Keys {
    /// Nothing: the prompt plays and the call goes on.
    None(Action),
    /// One key chooses.
    Choose(Vec<(Digit, Action)>),
    /// Several keys fill an attribute.
    Collect {
        /// Attribute.
        attribute: String,
        /// Most digits.
        max_digits: u8,
        /// Ends early.
        terminator: Digit,
        /// Time allowed between keys, ms.
        inter_digit_ms: u64,
        /// Then.
        then: Action,
    },
}

/// A checked menu.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    /// Name.
    pub name: String,
    /// Prompt.
    pub prompt: String,
    /// Wait for a key, ms.
    pub timeout_ms: u64,
    /// Replays.
    pub retries: u32,
    /// After the retries.
    pub on_fail: Action,
    /// Keys.
    pub keys: Keys,
}

/// A checked IVR.
#[derive(Debug, Clone, PartialEq)]
pub struct Ivr {
    /// Menus; the entry is `menus[entry]`.
    pub menus: Vec<Menu>,
    /// The first menu.
    pub entry: usize,
    /// Played after a wrong key.
    pub invalid_prompt: String,
}

impl Ivr {
    /// Reads and checks an IVR file (TOML, or JSON when `file` ends in `.json`).
    pub fn from_text(file: &str, text: &str) -> Result<Ivr, IvrError> {
        let err_at = |span: std::ops::Range<usize>, field: &str, message: String| {
            let (line, column) = line_col(text, span.start);
            IvrError {
                file: file.to_string(),
                line,
                column,
                field: field.to_string(),
                message,
            }
        };
        let spec: IvrSpec = if file.ends_with(".json") {
            let value: toml::Value = serde_json::from_str(text).map_err(|e| IvrError {
                file: file.to_string(),
                line: e.line(),
                column: e.column(),
                field: String::new(),
                message: e.to_string(),
            })?;
            let as_toml = toml::to_string(&value).map_err(|e| IvrError {
                file: file.to_string(),
                line: 1,
                column: 1,
                field: String::new(),
                message: e.to_string(),
            })?;
            // Positions then refer to the TOML rendering; the field names still say where.
            return Ivr::from_text(&format!("{file} (as TOML)"), &as_toml);
        } else {
            toml::from_str(text).map_err(|e| {
                let span = e.span().unwrap_or(0..0);
                err_at(span, "", e.message().to_string())
            })?
        };
        if spec.menu.is_empty() || spec.menu.len() > MENUS_MAX {
            return Err(err_at(
                spec.entry.span(),
                "menu",
                format!(
                    "an IVR needs 1 to {MENUS_MAX} menus, got {}",
                    spec.menu.len()
                ),
            ));
        }
        let mut index = BTreeMap::new();
        for (i, m) in spec.menu.iter().enumerate() {
            let name = m.name.get_ref();
            if name.trim().is_empty() {
                return Err(err_at(
                    m.name.span(),
                    &format!("menu[{i}].name"),
                    "is empty".into(),
                ));
            }
            if index.insert(name.clone(), i).is_some() {
                return Err(err_at(
                    m.name.span(),
                    &format!("menu[{i}].name"),
                    format!("a second menu named {name:?}"),
                ));
            }
        }
        let menu_ref = |name: &str, span: std::ops::Range<usize>, field: &str| {
            index
                .get(name)
                .copied()
                .ok_or_else(|| err_at(span, field, format!("no menu named {name:?}")))
        };
        let action = |a: &ActionSpec,
                      span: std::ops::Range<usize>,
                      field: &str|
         -> Result<Action, IvrError> {
            let ends = [a.next.is_some(), a.queue.is_some(), a.callback, a.hangup]
                .iter()
                .filter(|b| **b)
                .count();
            if ends > 1 {
                return Err(err_at(
                    span,
                    field,
                    "choose one of next, queue, callback and hangup".into(),
                ));
            }
            let then = if let Some(n) = &a.next {
                Then::Menu(menu_ref(n, span.clone(), &format!("{field}.next"))?)
            } else if let Some(q) = &a.queue {
                if q.trim().is_empty() {
                    return Err(err_at(span, &format!("{field}.queue"), "is empty".into()));
                }
                Then::Queue(q.clone())
            } else if a.callback {
                Then::Callback
            } else if a.hangup {
                Then::Hangup
            } else {
                Then::Default
            };
            Ok(Action {
                language: a.language.clone(),
                set: a.set.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                then,
            })
        };
        let mut menus = Vec::with_capacity(spec.menu.len());
        for (i, m) in spec.menu.iter().enumerate() {
            let f = |k: &str| format!("menu[{i}].{k}");
            let timeout_s = m.timeout_s.as_ref().map_or(5.0, |t| *t.get_ref());
            if !(0.5..=60.0).contains(&timeout_s) {
                let span = m.timeout_s.as_ref().map_or(m.name.span(), |t| t.span());
                return Err(err_at(
                    span,
                    &f("timeout_s"),
                    format!("must be from 0.5 to 60, got {timeout_s}"),
                ));
            }
            let retries = m.retries.as_ref().map_or(2, |r| *r.get_ref());
            if retries > 10 {
                let span = m.retries.as_ref().map_or(m.name.span(), |r| r.span());
                return Err(err_at(
                    span,
                    &f("retries"),
                    format!("must be at most 10, got {retries}"),
                ));
            }
            let on_fail = match &m.on_fail {
                Some(a) => action(a.get_ref(), a.span(), &f("on_fail"))?,
                None => Action::default(),
            };
            let next = match &m.next {
                Some(n) => Some(Action {
                    then: Then::Menu(menu_ref(n.get_ref(), n.span(), &f("next"))?),
                    ..Action::default()
                }),
                None => None,
            };
            let keys = match (&m.collect, m.choices.is_empty()) {
                (Some(c), true) => {
                    let cs = c.get_ref();
                    if cs.max_digits == 0 || cs.max_digits > 32 {
                        return Err(err_at(
                            c.span(),
                            &f("collect.max_digits"),
                            "must be from 1 to 32".into(),
                        ));
                    }
                    if cs.attribute.trim().is_empty() {
                        return Err(err_at(c.span(), &f("collect.attribute"), "is empty".into()));
                    }
                    let term = cs.terminator.as_deref().unwrap_or("#");
                    let terminator = single_key(term).ok_or_else(|| {
                        err_at(
                            c.span(),
                            &f("collect.terminator"),
                            format!("{term:?} is not one key"),
                        )
                    })?;
                    let gap = cs.inter_digit_s.unwrap_or(3.0);
                    if !(0.5..=30.0).contains(&gap) {
                        return Err(err_at(
                            c.span(),
                            &f("collect.inter_digit_s"),
                            format!("must be from 0.5 to 30, got {gap}"),
                        ));
                    }
                    Keys::Collect {
                        attribute: cs.attribute.clone(),
                        max_digits: cs.max_digits,
                        terminator,
                        inter_digit_ms: (gap * 1000.0) as u64,
                        then: next.unwrap_or_default(),
                    }
                }
                (Some(c), false) => {
                    return Err(err_at(
                        c.span(),
                        &f("collect"),
                        "a menu either collects digits or offers choices, not both".into(),
                    ));
                }
                (None, true) => Keys::None(next.unwrap_or_default()),
                (None, false) => {
                    if let Some(n) = &m.next {
                        return Err(err_at(
                            n.span(),
                            &f("next"),
                            "a menu with choices goes where each choice says".into(),
                        ));
                    }
                    let mut choices = Vec::new();
                    for (k, a) in &m.choices {
                        let digit = single_key(k.get_ref()).ok_or_else(|| {
                            err_at(
                                k.span(),
                                &f("choices"),
                                format!("{:?} is not one key (0-9, *, #, A-D)", k.get_ref()),
                            )
                        })?;
                        let act = action(
                            a.get_ref(),
                            a.span(),
                            &f(&format!("choices.{}", k.get_ref())),
                        )?;
                        choices.push((digit, act));
                    }
                    Keys::Choose(choices)
                }
            };
            menus.push(Menu {
                name: m.name.get_ref().clone(),
                prompt: m.prompt.get_ref().clone(),
                timeout_ms: (timeout_s * 1000.0) as u64,
                retries,
                on_fail,
                keys,
            });
        }
        let entry = menu_ref(spec.entry.get_ref(), spec.entry.span(), "entry")?;
        Ok(Ivr {
            menus,
            entry,
            invalid_prompt: spec.invalid_prompt.unwrap_or_else(|| "invalid".into()),
        })
    }
}

fn single_key(s: &str) -> Option<Digit> {
    let mut cs = s.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => Digit::from_char(c),
        _ => None,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// What the session asks of the switch.
#[derive(Debug, Clone, PartialEq)]
pub enum IvrOutput {
    /// Play this prompt in this language (stop whatever plays).
    Play {
        /// Prompt name.
        prompt: String,
        /// Language.
        language: String,
    },
    /// Stop the prompt that plays (a key cut it short).
    StopPlayback,
    /// The IVR is over.
    Done(IvrOutcome),
}

/// Where the caller ends up, with everything they told us.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IvrOutcome {
    /// The queue chosen, if a choice named one.
    pub queue: Option<String>,
    /// They asked to be called back.
    pub callback: bool,
    /// The IVR hung up (or they did).
    pub hangup: bool,
    /// Their language.
    pub language: String,
    /// Menu → key, in the order chosen.
    pub choices: Vec<(String, String)>,
    /// Attributes set by choices and collected digits.
    pub attributes: Vec<(String, String)>,
    /// Why it ended: `chosen`, `failed` (no valid key after the retries),
    /// `caller_hung_up` or `too_many_steps`.
    pub reason: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// The prompt plays; keys barge in.
    Prompting,
    /// Waiting for a key until this time (ms).
    Waiting(u64),
    /// Collecting digits; the next one is due by this time (ms).
    Collecting(u64),
    /// Playing the "invalid" prompt, then the menu again.
    Invalid,
    /// Over.
    Done,
}

/// One caller going through an IVR.
#[derive(Debug, Clone)]
pub struct IvrSession<'a> {
    ivr: &'a Ivr,
    menu: usize,
    phase: Phase,
    tries: u32,
    steps: u32,
    collected: String,
    outcome: IvrOutcome,
    out: std::collections::VecDeque<IvrOutput>,
}

impl<'a> IvrSession<'a> {
    /// Starts at the entry menu in `language`; the first output is its prompt.
    pub fn new(ivr: &'a Ivr, language: &str) -> Self {
        let mut s = IvrSession {
            ivr,
            menu: ivr.entry,
            phase: Phase::Prompting,
            tries: 0,
            steps: 0,
            collected: String::new(),
            outcome: IvrOutcome {
                language: language.to_string(),
                ..IvrOutcome::default()
            },
            out: Default::default(),
        };
        s.enter(ivr.entry);
        s
    }

    /// The next thing to do, if any.
    pub fn poll_output(&mut self) -> Option<IvrOutput> {
        self.out.pop_front()
    }

    /// When [`IvrSession::handle_timeout`] is next needed (ms), if ever.
    pub fn poll_timeout(&self) -> Option<u64> {
        match self.phase {
            Phase::Waiting(t) | Phase::Collecting(t) => Some(t),
            _ => None,
        }
    }

    /// Whether it is over.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The menu the caller is in.
    pub fn menu(&self) -> &str {
        &self.ivr.menus[self.menu].name
    }

    fn enter(&mut self, menu: usize) {
        self.steps += 1;
        if self.steps > STEPS_MAX {
            self.finish(Then::Default, "too_many_steps");
            return;
        }
        self.menu = menu;
        self.tries = 0;
        self.collected.clear();
        self.play_menu();
    }

    fn play_menu(&mut self) {
        self.phase = Phase::Prompting;
        self.out.push_back(IvrOutput::Play {
            prompt: self.ivr.menus[self.menu].prompt.clone(),
            language: self.outcome.language.clone(),
        });
    }

    fn finish(&mut self, then: Then, reason: &'static str) {
        match then {
            Then::Queue(q) => self.outcome.queue = Some(q),
            Then::Callback => self.outcome.callback = true,
            Then::Hangup => self.outcome.hangup = true,
            Then::Default | Then::Menu(_) => {}
        }
        self.outcome.reason = reason;
        self.phase = Phase::Done;
        self.out.push_back(IvrOutput::Done(self.outcome.clone()));
    }

    fn apply(&mut self, action: Action, reason: &'static str) {
        if let Some(l) = action.language {
            self.outcome.language = l;
        }
        self.outcome.attributes.extend(action.set);
        match action.then {
            Then::Menu(m) => self.enter(m),
            other => self.finish(other, reason),
        }
    }

    /// The prompt that was playing ended (at `now`, ms).
    pub fn prompt_done(&mut self, now: u64) {
        let menu = &self.ivr.menus[self.menu];
        match self.phase {
            Phase::Prompting => match &menu.keys {
                Keys::None(then) => {
                    let then = then.clone();
                    self.apply(then, "chosen");
                }
                Keys::Choose(_) => self.phase = Phase::Waiting(now + menu.timeout_ms),
                Keys::Collect { .. } => self.phase = Phase::Collecting(now + menu.timeout_ms),
            },
            Phase::Invalid => self.play_menu(),
            _ => {}
        }
    }

    /// The caller pressed a key (at `now`, ms).
    pub fn digit(&mut self, now: u64, d: Digit) {
        if matches!(self.phase, Phase::Done) {
            return;
        }
        if matches!(self.phase, Phase::Prompting | Phase::Invalid) {
            self.out.push_back(IvrOutput::StopPlayback);
        }
        let menu = &self.ivr.menus[self.menu];
        match &menu.keys {
            Keys::None(_) => {
                // No choices here: a key only skips the prompt.
                self.prompt_done(now);
            }
            Keys::Choose(choices) => match choices.iter().find(|(k, _)| *k == d) {
                Some((_, action)) => {
                    let action = action.clone();
                    self.outcome
                        .choices
                        .push((menu.name.clone(), d.to_string()));
                    self.apply(action, "chosen");
                }
                None => self.wrong(),
            },
            Keys::Collect {
                attribute,
                max_digits,
                terminator,
                inter_digit_ms,
                then,
            } => {
                if d == *terminator {
                    if self.collected.is_empty() {
                        return self.wrong();
                    }
                } else {
                    self.collected.push(d.as_char());
                    if self.collected.len() < usize::from(*max_digits) {
                        self.phase = Phase::Collecting(now + inter_digit_ms);
                        return;
                    }
                }
                let (attribute, then) = (attribute.clone(), then.clone());
                let value = std::mem::take(&mut self.collected);
                self.outcome.attributes.push((attribute, value));
                self.apply(then, "chosen");
            }
        }
    }

    fn wrong(&mut self) {
        self.tries += 1;
        self.collected.clear();
        let menu = &self.ivr.menus[self.menu];
        if self.tries > menu.retries {
            let fail = menu.on_fail.clone();
            return self.apply(fail, "failed");
        }
        self.phase = Phase::Invalid;
        self.out.push_back(IvrOutput::Play {
            prompt: self.ivr.invalid_prompt.clone(),
            language: self.outcome.language.clone(),
        });
    }

    /// Time passed (ms): a wait for a key may have run out.
    pub fn handle_timeout(&mut self, now: u64) {
        match self.phase {
            Phase::Waiting(t) if now >= t => self.no_key(),
            Phase::Collecting(t) if now >= t => {
                let menu = &self.ivr.menus[self.menu];
                if let Keys::Collect {
                    attribute, then, ..
                } = &menu.keys
                    && !self.collected.is_empty()
                {
                    // A pause after some digits ends the entry.
                    let (attribute, then) = (attribute.clone(), then.clone());
                    let value = std::mem::take(&mut self.collected);
                    self.outcome.attributes.push((attribute, value));
                    return self.apply(then, "chosen");
                }
                self.no_key();
            }
            _ => {}
        }
    }

    fn no_key(&mut self) {
        self.tries += 1;
        let menu = &self.ivr.menus[self.menu];
        if self.tries > menu.retries {
            let fail = menu.on_fail.clone();
            return self.apply(fail, "failed");
        }
        self.play_menu();
    }

    /// The caller hung up.
    pub fn hung_up(&mut self) {
        if !self.is_done() {
            self.finish(Then::Hangup, "caller_hung_up");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IVR: &str = r##"
entry = "welcome"

[[menu]]
name = "welcome"
prompt = "welcome"
next = "language"

[[menu]]
name = "language"
prompt = "choose_language"
timeout_s = 4
retries = 1
on_fail = { queue = "support" }
[menu.choices]
"1" = { language = "es", next = "main" }
"2" = { language = "ca", next = "main" }

[[menu]]
name = "main"
prompt = "main_menu"
[menu.choices]
"1" = { queue = "billing" }
"2" = { queue = "support", set = { product = "internet" } }
"3" = { next = "account" }
"9" = { callback = true }

[[menu]]
name = "account"
prompt = "enter_account"
collect = { attribute = "customer_id", max_digits = 6 }
next = "main"
"##;

    fn ivr() -> Ivr {
        Ivr::from_text("ivr.toml", IVR).unwrap()
    }

    fn drain(s: &mut IvrSession<'_>) -> Vec<IvrOutput> {
        std::iter::from_fn(|| s.poll_output()).collect()
    }

    fn key(c: char) -> Digit {
        Digit::from_char(c).unwrap()
    }

    fn play(p: &str, l: &str) -> IvrOutput {
        IvrOutput::Play {
            prompt: p.into(),
            language: l.into(),
        }
    }

    #[test]
    fn a_caller_chooses_language_then_billing() {
        let ivr = ivr();
        let mut s = IvrSession::new(&ivr, "en");
        assert_eq!(drain(&mut s), vec![play("welcome", "en")]);
        s.prompt_done(3_000);
        assert_eq!(drain(&mut s), vec![play("choose_language", "en")]);
        s.digit(3_500, key('2')); // barge-in during the prompt
        assert_eq!(
            drain(&mut s),
            vec![IvrOutput::StopPlayback, play("main_menu", "ca")]
        );
        s.prompt_done(6_000);
        assert_eq!(s.poll_timeout(), Some(11_000));
        s.digit(7_000, key('1'));
        let out = drain(&mut s);
        let IvrOutput::Done(o) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(o.queue.as_deref(), Some("billing"));
        assert_eq!(o.language, "ca");
        assert_eq!(
            o.choices,
            vec![("language".into(), "2".into()), ("main".into(), "1".into())]
        );
        assert_eq!(o.reason, "chosen");
        assert!(s.is_done());
    }

    #[test]
    fn no_key_replays_then_fails_over() {
        let ivr = ivr();
        let mut s = IvrSession::new(&ivr, "es");
        s.prompt_done(1_000);
        drain(&mut s);
        s.prompt_done(2_000);
        s.handle_timeout(5_999);
        assert!(drain(&mut s).is_empty(), "not yet");
        s.handle_timeout(6_000);
        assert_eq!(drain(&mut s), vec![play("choose_language", "es")]);
        s.prompt_done(7_000);
        s.handle_timeout(11_000);
        let out = drain(&mut s);
        let IvrOutput::Done(o) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!((o.queue.as_deref(), o.reason), (Some("support"), "failed"));
    }

    #[test]
    fn a_wrong_key_plays_invalid_then_the_menu() {
        let ivr = ivr();
        let mut s = IvrSession::new(&ivr, "es");
        s.prompt_done(0);
        s.prompt_done(1_000);
        drain(&mut s);
        s.digit(1_500, key('7'));
        assert_eq!(drain(&mut s), vec![play("invalid", "es")]);
        s.prompt_done(2_000);
        assert_eq!(drain(&mut s), vec![play("choose_language", "es")]);
        s.digit(2_100, key('1'));
        assert_eq!(
            drain(&mut s),
            vec![IvrOutput::StopPlayback, play("main_menu", "es")]
        );
    }

    #[test]
    fn digits_are_collected_until_the_terminator_or_a_pause() {
        let ivr = ivr();
        let mut s = IvrSession::new(&ivr, "es");
        s.prompt_done(0);
        s.digit(10, key('1'));
        s.digit(20, key('3')); // main → account
        drain(&mut s);
        s.prompt_done(1_000);
        for (t, c) in [(1_100, '4'), (1_200, '2'), (1_300, '#')] {
            s.digit(t, key(c));
        }
        assert_eq!(drain(&mut s), vec![play("main_menu", "es")]);
        s.digit(2_000, key('2'));
        let out = drain(&mut s);
        let IvrOutput::Done(o) = out.last().unwrap() else {
            panic!("{out:?}")
        };
        assert_eq!(
            o.attributes,
            vec![
                ("customer_id".into(), "42".into()),
                ("product".into(), "internet".into())
            ]
        );

        let mut s = IvrSession::new(&ivr, "es");
        s.prompt_done(0);
        s.digit(10, key('1'));
        s.digit(20, key('3'));
        s.prompt_done(1_000);
        s.digit(1_100, key('9'));
        s.handle_timeout(4_100); // 3 s pause ends the entry
        let out = drain(&mut s);
        assert_eq!(out.last(), Some(&play("main_menu", "es")));
    }

    #[test]
    fn hang_up_ends_it_once() {
        let ivr = ivr();
        let mut s = IvrSession::new(&ivr, "es");
        s.hung_up();
        s.hung_up();
        s.digit(5, key('1'));
        let done: Vec<_> = drain(&mut s)
            .into_iter()
            .filter(|o| matches!(o, IvrOutput::Done(_)))
            .collect();
        assert_eq!(done.len(), 1);
    }

    #[test]
    fn loops_end() {
        let text = "entry = \"a\"\n[[menu]]\nname = \"a\"\nprompt = \"p\"\nnext = \"b\"\n[[menu]]\nname = \"b\"\nprompt = \"p\"\nnext = \"a\"\n";
        let ivr = Ivr::from_text("loop.toml", text).unwrap();
        let mut s = IvrSession::new(&ivr, "es");
        for t in 0..(STEPS_MAX as u64 + 5) {
            s.prompt_done(t);
        }
        assert!(s.is_done());
        let last = drain(&mut s).pop();
        assert!(matches!(
            last,
            Some(IvrOutput::Done(IvrOutcome {
                reason: "too_many_steps",
                ..
            }))
        ));
    }

    #[test]
    fn errors_name_line_and_key() {
        let cases = [
            (
                IVR.replace("entry = \"welcome\"", "entry = \"nowhere\""),
                "entry",
                "no menu named",
            ),
            (
                IVR.replace("next = \"account\" }", "next = \"acount\" }"),
                "menu[2].choices.3.next",
                "no menu named",
            ),
            (
                IVR.replace("\"9\" = { callback", "\"99\" = { callback"),
                "menu[2].choices",
                "not one key",
            ),
            (
                IVR.replace("timeout_s = 4", "timeout_s = 400"),
                "menu[1].timeout_s",
                "0.5 to 60",
            ),
            (
                IVR.replace("name = \"main\"", "name = \"language\""),
                "menu[2].name",
                "second menu",
            ),
            (
                IVR.replace("retries = 1", "retries = 1\ncolour = 3"),
                "",
                "unknown field",
            ),
            (
                IVR.replace(
                    "{ queue = \"billing\" }",
                    "{ queue = \"billing\", callback = true }",
                ),
                "menu[2].choices.1",
                "choose one",
            ),
        ];
        for (text, field, msg) in cases {
            let e = Ivr::from_text("ivr.toml", &text).unwrap_err();
            assert_eq!(e.field, field, "{e}");
            assert!(e.message.contains(msg), "{e}");
            assert!(e.line > 1, "{e}");
            assert!(e.to_string().starts_with("ivr.toml:"), "{e}");
        }
    }

    #[test]
    fn json_reads_too() {
        let json = r#"{"entry": "m", "menu": [{"name": "m", "prompt": "p", "choices": {"1": {"queue": "q"}}}]}"#;
        let ivr = Ivr::from_text("ivr.json", json).unwrap();
        assert_eq!(
            ivr.menus[0].keys,
            Keys::Choose(vec![(
                key('1'),
                Action {
                    then: Then::Queue("q".into()),
                    ..Action::default()
                }
            )])
        );
        assert!(Ivr::from_text("ivr.json", "{").is_err());
    }
}
