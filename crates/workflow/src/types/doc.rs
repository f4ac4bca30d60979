//! The case type as written in TOML, before it is checked: every value that a
//! check may refuse keeps its place in the text ([`Spanned`]), so the error
//! names its line. Unknown keys are refused by the TOML reader itself.

use serde::Deserialize;
use toml::Spanned;

/// A whole case type file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TypeDoc {
    /// What the type is for (shown to administrators).
    #[serde(default)]
    pub description: Option<Spanned<String>>,
    /// Collections' parameters.
    #[serde(default)]
    pub collections: Option<CollectionsDoc>,
    /// Interest accrual, if the type accrues interest.
    #[serde(default)]
    pub interest: Option<InterestDoc>,
    pub states: Vec<StateDoc>,
    #[serde(default)]
    pub flags: Vec<Spanned<String>>,
    #[serde(default)]
    pub fields: Vec<FieldDoc>,
    #[serde(default)]
    pub transitions: Vec<TransitionDoc>,
    #[serde(default)]
    pub triggers: Vec<TriggerDoc>,
    #[serde(default)]
    pub timers: Vec<TimerDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CollectionsDoc {
    #[serde(default)]
    pub grace_days: Option<Spanned<i64>>,
    #[serde(default)]
    pub allocation: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub debt_order: Option<Spanned<String>>,
    #[serde(default)]
    pub campaign: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterestDoc {
    pub annual_rate_percent: Spanned<String>,
    pub day_count: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateDoc {
    pub name: Spanned<String>,
    #[serde(default)]
    pub initial: bool,
    #[serde(default, rename = "final")]
    pub is_final: bool,
    #[serde(default)]
    pub sla: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldDoc {
    pub name: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: Spanned<String>,
    #[serde(default)]
    pub options: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransitionDoc {
    pub from: Spanned<Vec<String>>,
    pub to: Spanned<String>,
    pub roles: Spanned<Vec<String>>,
    #[serde(default)]
    pub guard: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TriggerDoc {
    pub name: Spanned<String>,
    pub on: Spanned<String>,
    /// For `disposition`: the code.
    #[serde(default)]
    pub code: Option<Spanned<String>>,
    /// For `state_entered` and `sla_passed`: the state.
    #[serde(default)]
    pub state: Option<Spanned<String>>,
    /// For `field_changed`: the field.
    #[serde(default)]
    pub field: Option<Spanned<String>>,
    /// For `timer`: the timer.
    #[serde(default)]
    pub timer: Option<Spanned<String>>,
    #[serde(default)]
    pub in_states: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    #[serde(rename = "do")]
    pub actions: Spanned<Vec<Spanned<ActionDoc>>>,
}

/// One action, `{ action = "…", … }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ActionDoc {
    pub action: String,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub flag: Option<String>,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub value: Option<toml::Value>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub skill: Option<String>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub due_in: Option<String>,
    #[serde(default)]
    pub template: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimerDoc {
    pub name: Spanned<String>,
    /// Relative: how long after its anchor.
    #[serde(default)]
    pub after: Option<Spanned<String>>,
    /// Relative: `created`, `state_entered` or `promise_date`.
    #[serde(default)]
    pub from: Option<Spanned<String>>,
    /// Relative from `state_entered`: which state.
    #[serde(default)]
    pub state: Option<Spanned<String>>,
    /// Calendar: `day`, `weekday`, or weekday names (`mon,wed,fri`).
    #[serde(default)]
    pub every: Option<Spanned<String>>,
    /// Calendar: the local time, `HH:MM`.
    #[serde(default)]
    pub at: Option<Spanned<String>>,
    /// Calendar: skip the tenant's holidays (default true).
    #[serde(default)]
    pub skip_holidays: Option<bool>,
    /// Calendar: only cases in these states (default: every open case).
    #[serde(default)]
    pub in_states: Option<Spanned<Vec<String>>>,
}
