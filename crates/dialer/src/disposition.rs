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

/// What a disposition does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl DispositionCode {
    /// A code with effects.
    pub fn new(code: &str, effects: &[DispositionEffect]) -> Self {
        DispositionCode {
            code: code.into(),
            effects: effects.to_vec(),
        }
    }

    /// Whether the code has an effect.
    pub fn has(&self, e: DispositionEffect) -> bool {
        self.effects.contains(&e)
    }
}

/// The set a campaign gets unless it configures its own.
pub fn default_codes() -> Vec<DispositionCode> {
    use DispositionEffect::*;
    vec![
        DispositionCode::new("sale", &[Final]),
        DispositionCode::new("promise", &[Final]),
        DispositionCode::new("refusal", &[Final]),
        DispositionCode::new("do_not_call", &[OptOut]),
        DispositionCode::new("wrong_number", &[MarkPhoneInvalid]),
        DispositionCode::new("new_number", &[AddPhone]),
        DispositionCode::new("callback", &[ScheduleCallback]),
        DispositionCode::new("interested", &[History, ScheduleCallback]),
        DispositionCode::new("annoyed", &[History]),
        DispositionCode::new("deceased", &[OptOut, Final]),
        DispositionCode::new("moved", &[History]),
        DispositionCode::new("not_the_person", &[MarkPhoneInvalid]),
    ]
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
