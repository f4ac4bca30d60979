//! The one error type of the crate: input that is outside what the maths can answer.

/// What went wrong with the values given to a calculation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WfmError {
    /// A value is outside its allowed range (`field` is the input's name, e.g. `sl_target`).
    #[error("{field} = {value} is out of range: {expected}")]
    OutOfRange {
        /// The input's name, as the CSV column or the API argument is called.
        field: &'static str,
        /// The value given.
        value: f64,
        /// What is allowed, in words.
        expected: &'static str,
    },
    /// A target cannot be reached within the limits (e.g. more than [`crate::MAX_AGENTS`]).
    #[error("cannot reach the target: {0}")]
    Unreachable(String),
    /// Input data that is inconsistent or insufficient (forecast history, schedule rules, …).
    #[error("{0}")]
    Invalid(String),
}

/// Checks that `value` is finite and in `[min, max]` (or the open ends where asked).
pub(crate) fn check_range(
    field: &'static str,
    value: f64,
    min: f64,
    max: f64,
    open_min: bool,
    open_max: bool,
    expected: &'static str,
) -> Result<f64, WfmError> {
    let above = if open_min { value > min } else { value >= min };
    let below = if open_max { value < max } else { value <= max };
    if value.is_finite() && above && below {
        Ok(value)
    } else {
        Err(WfmError::OutOfRange {
            field,
            value,
            expected,
        })
    }
}
