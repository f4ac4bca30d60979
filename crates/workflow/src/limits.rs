//! Every resource the engine keeps has a limit, named here with its unit.
//! An input that would pass one is refused with an error naming the limit;
//! a case type that declares more is refused when it is loaded.

/// Most cases one engine (one tenant) keeps open in memory.
pub const CASES_MAX: usize = 4_000_000;
/// Most debts on one case.
pub const DEBTS_PER_CASE_MAX: usize = 64;
/// Most payments recorded on one case.
pub const PAYMENTS_PER_CASE_MAX: usize = 1_024;
/// Most promises (instalments included) on one case.
pub const PROMISES_PER_CASE_MAX: usize = 256;
/// Most instalments in one payment plan.
pub const INSTALMENTS_MAX: usize = 120;
/// History entries kept in memory per case (the log keeps them all; older
/// ones are dropped from memory first and counted).
pub const HISTORY_KEPT_MAX: usize = 32;
/// Longest name (state, flag, field, trigger, timer, template, skill, user,
/// type, disposition code, owner), in bytes.
pub const NAME_MAX: usize = 64;
/// Longest case reference, debtor name, creditor or payment id, in bytes.
pub const REFERENCE_MAX: usize = 128;
/// Longest free text (a note, a text field, a task title, a reason), in bytes.
pub const TEXT_MAX: usize = 2_048;
/// Most states in a case type (states are a bit set of this width).
pub const STATES_MAX: usize = 64;
/// Most flags in a case type (flags are a bit set of this width).
pub const FLAGS_MAX: usize = 64;
/// Most fields in a case type.
pub const FIELDS_MAX: usize = 128;
/// Most options of an enum field.
pub const ENUM_OPTIONS_MAX: usize = 256;
/// Most transitions in a case type.
pub const TRANSITIONS_MAX: usize = 512;
/// Most triggers in a case type.
pub const TRIGGERS_MAX: usize = 256;
/// Most actions in one trigger.
pub const ACTIONS_PER_TRIGGER_MAX: usize = 16;
/// Most timers in a case type.
pub const TIMERS_MAX: usize = 64;
/// Most comparisons in one guard.
pub const GUARD_TERMS_MAX: usize = 16;
/// Most case types (names) in one engine.
pub const TYPES_MAX: usize = 256;
/// Most versions of one case type.
pub const VERSIONS_MAX: usize = 1_000;
/// Longest case type text, in bytes.
pub const TYPE_TEXT_MAX: usize = 256 * 1024;
/// Most events one input may cause through triggers reacting to each other
/// (a type whose triggers loop stops here, with a fact saying so).
pub const CASCADE_MAX: usize = 64;
/// Longest duration in a type (an SLA, a timer, a task's due time), in days.
pub const SPAN_DAYS_MAX: u32 = 3_660;
/// Most grace days after a promise's date.
pub const GRACE_DAYS_MAX: u32 = 60;
/// Most decimals an amount may have.
pub const AMOUNT_SCALE_MAX: u32 = 4;
/// Largest amount, in currency units (a trillion).
pub const AMOUNT_MAX_UNITS: i64 = 1_000_000_000_000;
/// Highest annual interest rate, in percent.
pub const RATE_PERCENT_MAX: i64 = 1_000;
/// Most holidays in a calendar (five years of every day).
pub const HOLIDAYS_MAX: usize = 366 * 5;
/// Most timer entries pending in one engine (an SLA, a relative timer, a
/// promise's dates: a few per case). Past it, inputs other than payments and
/// recalls are refused until timers come due.
pub const TIMERS_PENDING_MAX: usize = 16_000_000;
/// Most outputs waiting to be drained (a driver that never drains is a bug;
/// past this, outputs are dropped and counted).
pub const OUTPUTS_MAX: usize = 4_000_000;
