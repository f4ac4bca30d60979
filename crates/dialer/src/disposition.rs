//! Disposition codes and their effects on the contact and its numbers.
//!
//! Each campaign has its own set of codes; each code carries effects. After
//! the effects, the contact's next step is decided in this order:
//! an opt-out or a final outcome closes it as reached; a callback schedules
//! it; a wrong or new number sends it back to be dialled on its other
//! numbers; a code with none of these (only history, such as `interested`)
//! closes it as reached with the code as the reason.

/// Longest disposition code, in bytes.
pub const CODE_LEN_MAX: usize = 32;
/// Most codes per campaign.
pub const CODES_MAX: usize = 64;

pub use model::customer::RecordEffect;

/// What a disposition does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DispositionEffect {
    /// The number dialled is wrong: mark it invalid.
    MarkPhoneInvalid,
    /// The person gave another number: add it (the input carries it).
    AddPhone,
    /// The person asked not to be called: put every number on the internal list.
    OptOut,
    /// Call again at the time the input gives, by the agent it names or anyone.
    ScheduleCallback,
    /// The business outcome is final (sale, promise to pay, refusal).
    Final,
    /// Keep the code on the contact's history (`interested`, `annoyed`).
    History,
}

/// A code an agent can pick and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DispositionCode {
    /// The code (`sale`, `wrong_number`…).
    pub code: Box<str>,
    /// Its effects.
    pub effects: Vec<DispositionEffect>,
    /// What it does to the customer's record (beyond the called number's
    /// last outcome, which every code sets).
    pub record: Vec<RecordEffect>,
}

impl DispositionCode {
    /// A code with effects.
    pub fn new(code: &str, effects: &[DispositionEffect]) -> Self {
        DispositionCode {
            code: code.into(),
            effects: effects.to_vec(),
            record: Vec::new(),
        }
    }

    /// The same code with effects on the customer's record.
    pub fn on_record(mut self, record: &[RecordEffect]) -> Self {
        self.record = record.to_vec();
        self
    }

    /// Whether the code has an effect.
    pub fn has(&self, e: DispositionEffect) -> bool {
        self.effects.contains(&e)
    }
}

/// The set a campaign gets unless it configures its own.
pub fn default_codes() -> Vec<DispositionCode> {
    use DispositionEffect::*;
    use RecordEffect as R;
    let c = DispositionCode::new;
    vec![
        c("sale", &[Final]),
        c("promise", &[Final]),
        c("refusal", &[Final]),
        c("do_not_call", &[OptOut]).on_record(&[R::WithdrawCalls]),
        c("wrong_number", &[MarkPhoneInvalid]).on_record(&[R::PhoneInvalid]),
        c("new_number", &[AddPhone]).on_record(&[R::AddPhone]),
        c("callback", &[ScheduleCallback]),
        c("interested", &[History, ScheduleCallback]),
        c("annoyed", &[History]),
        c("deceased", &[OptOut, Final]).on_record(&[R::Deceased]),
        c("moved", &[History]).on_record(&[R::Moved]),
        c("not_the_person", &[MarkPhoneInvalid]).on_record(&[R::NotThePerson]),
    ]
}

/// The record effects of a default code (none for a code not among them):
/// what a disposition outside any campaign does to the record.
pub fn default_record_effects(code: &str) -> Vec<RecordEffect> {
    default_codes()
        .into_iter()
        .find(|d| &*d.code == code)
        .map(|d| d.record)
        .unwrap_or_default()
}

/// The contact's next step after a disposition's effects (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterDisposition {
    /// Closed as reached.
    CloseReached,
    /// A callback is scheduled.
    Callback,
    /// Dial again now on the remaining numbers.
    RedialOtherNumbers,
}

/// Decides the next step from a code's effects.
pub fn after(code: &DispositionCode) -> AfterDisposition {
    use DispositionEffect::*;
    if code.has(OptOut) || code.has(Final) {
        AfterDisposition::CloseReached
    } else if code.has(ScheduleCallback) {
        AfterDisposition::Callback
    } else if code.has(MarkPhoneInvalid) || code.has(AddPhone) {
        AfterDisposition::RedialOtherNumbers
    } else {
        AfterDisposition::CloseReached
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_default_code_leads_where_the_issue_says() {
        let codes = default_codes();
        let step = |c: &str| after(codes.iter().find(|d| &*d.code == c).unwrap());
        assert_eq!(step("sale"), AfterDisposition::CloseReached);
        assert_eq!(step("do_not_call"), AfterDisposition::CloseReached);
        assert_eq!(step("wrong_number"), AfterDisposition::RedialOtherNumbers);
        assert_eq!(step("new_number"), AfterDisposition::RedialOtherNumbers);
        assert_eq!(step("callback"), AfterDisposition::Callback);
        assert_eq!(step("annoyed"), AfterDisposition::CloseReached);
    }
}
