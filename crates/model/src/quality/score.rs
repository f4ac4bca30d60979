//! An evaluation's score, and the spread of several evaluators' scores.
//!
//! Every question of the form must be answered. A question answered "not
//! applicable" leaves the score (its weight counts neither way); yes earns
//! its weight, no nothing, a scale `v` of `max` earns `weight · v / max`.
//! The score is the points earned over the weights that count, as a
//! percentage in hundredths (0 to 10 000). A critical question answered
//! "no" fails the whole evaluation: score 0. Pure.

use serde::{Deserialize, Serialize};

use super::form::{Form, FormError, QuestionKind};

/// An answer to one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum AnswerValue {
    /// Yes, no or not applicable.
    Choice(Choice),
    /// A point of a scale (0 to its top).
    Points(u8),
}

/// Yes, no, not applicable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Yes.
    Yes,
    /// No.
    No,
    /// Not applicable.
    Na,
}

/// One question's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The question's id.
    pub question: String,
    /// The answer.
    pub value: AnswerValue,
}

/// What an evaluation scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scored {
    /// Percentage in hundredths (0 to 10 000).
    pub score: u32,
    /// A critical question failed (the score is 0).
    pub critical_failed: bool,
}

/// The fraction of a question's weight an answer earns (none: n.a.).
fn earned(kind: QuestionKind, max: Option<u8>, v: AnswerValue) -> Option<Result<f64, String>> {
    match (kind, v) {
        (_, AnswerValue::Choice(Choice::Na)) => None,
        (QuestionKind::YesNo, AnswerValue::Choice(Choice::Yes)) => Some(Ok(1.0)),
        (QuestionKind::YesNo, AnswerValue::Choice(Choice::No)) => Some(Ok(0.0)),
        (QuestionKind::Scale, AnswerValue::Points(p)) => {
            let top = max.unwrap_or(1).max(1);
            Some(if p <= top {
                Ok(f64::from(p) / f64::from(top))
            } else {
                Err(format!("0 to {top}"))
            })
        }
        (QuestionKind::YesNo, _) => Some(Err("yes, no or na".into())),
        (QuestionKind::Scale, _) => Some(Err("a number of the scale, or na".into())),
    }
}

/// Scores answers against a form: each question answered once, each
/// answer of its kind, n.a. only where allowed.
pub fn score(form: &Form, answers: &[Answer]) -> Result<Scored, FormError> {
    for (i, a) in answers.iter().enumerate() {
        if form.question(&a.question).is_none() {
            return Err((
                format!("answers[{i}].question"),
                format!("{} is not a question of {}", a.question, form.id),
            ));
        }
        if answers[..i].iter().any(|o| o.question == a.question) {
            return Err((
                format!("answers[{i}].question"),
                format!("{} is answered twice", a.question),
            ));
        }
    }
    let (mut points, mut weights, mut failed) = (0.0, 0u32, false);
    for q in form.questions() {
        let Some((i, a)) = answers.iter().enumerate().find(|(_, a)| a.question == q.id) else {
            return Err(("answers".into(), format!("{} is not answered", q.id)));
        };
        let part = format!("answers[{i}].value");
        if a.value == AnswerValue::Choice(Choice::Na) && !q.na {
            return Err((part, format!("{} cannot be n.a.", q.id)));
        }
        let Some(got) = earned(q.kind, q.max, a.value) else {
            continue;
        };
        let got = got.map_err(|why| (part, why))?;
        failed |= q.critical && got == 0.0;
        points += f64::from(q.weight) * got;
        weights += q.weight;
    }
    if weights == 0 {
        return Err((
            "answers".into(),
            "every question is n.a.: nothing to score".into(),
        ));
    }
    let score = if failed {
        0
    } else {
        (points / f64::from(weights) * 10_000.0).round() as u32
    };
    Ok(Scored {
        score,
        critical_failed: failed,
    })
}

/// How far apart several scores are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Spread {
    /// How many scores.
    pub count: usize,
    /// Their mean (percent).
    pub mean: f64,
    /// Highest minus lowest (percentage points).
    pub range: f64,
    /// Population standard deviation (percentage points).
    pub std_dev: f64,
}

/// The spread of scores given in percent (none without a score).
pub fn spread(scores: &[f64]) -> Option<Spread> {
    if scores.is_empty() {
        return None;
    }
    let n = scores.len() as f64;
    let mean = scores.iter().sum::<f64>() / n;
    let var = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n;
    let (lo, hi) = scores
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    let round = |v: f64| (v * 100.0).round() / 100.0;
    Some(Spread {
        count: scores.len(),
        mean: round(mean),
        range: round(hi - lo),
        std_dev: round(var.sqrt()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::form::{Question, Section};

    fn q(id: &str, weight: u32, kind: QuestionKind, max: Option<u8>, critical: bool) -> Question {
        Question {
            id: id.into(),
            text: id.into(),
            weight,
            kind,
            max,
            na: true,
            critical,
        }
    }

    fn form() -> Form {
        Form {
            id: "calls".into(),
            name: "Calls".into(),
            sections: vec![Section {
                title: "All".into(),
                questions: vec![
                    q("greet", 1, QuestionKind::YesNo, None, false),
                    q("verify", 2, QuestionKind::YesNo, None, true),
                    q("tone", 2, QuestionKind::Scale, Some(4), false),
                ],
            }],
        }
    }

    fn a(question: &str, value: AnswerValue) -> Answer {
        Answer {
            question: question.into(),
            value,
        }
    }

    const YES: AnswerValue = AnswerValue::Choice(Choice::Yes);
    const NO: AnswerValue = AnswerValue::Choice(Choice::No);
    const NA: AnswerValue = AnswerValue::Choice(Choice::Na);

    #[test]
    fn weights_na_and_critical() {
        let f = form();
        // 0·1 + 1·2 + 3/4·2 = 3.5 of 5 = 70 %.
        let s = score(
            &f,
            &[
                a("greet", NO),
                a("verify", YES),
                a("tone", AnswerValue::Points(3)),
            ],
        );
        assert_eq!(s.unwrap().score, 7_000);
        // n.a. leaves greet out: 3.5 of 4.
        let s = score(
            &f,
            &[
                a("greet", NA),
                a("verify", YES),
                a("tone", AnswerValue::Points(3)),
            ],
        );
        assert_eq!(s.unwrap().score, 8_750);
        let s = score(
            &f,
            &[
                a("greet", YES),
                a("verify", NO),
                a("tone", AnswerValue::Points(4)),
            ],
        );
        assert_eq!(
            s.unwrap(),
            Scored {
                score: 0,
                critical_failed: true
            }
        );
        let e = score(
            &f,
            &[
                a("greet", YES),
                a("verify", YES),
                a("tone", AnswerValue::Points(5)),
            ],
        );
        assert_eq!(e.unwrap_err().0, "answers[2].value");
        let e = score(&f, &[a("greet", YES)]);
        assert_eq!(e.unwrap_err().0, "answers");
    }

    #[test]
    fn spread_is_range_and_deviation() {
        let s = spread(&[60.0, 80.0, 100.0]).unwrap();
        assert_eq!((s.range, s.mean, s.std_dev), (40.0, 80.0, 16.33));
        assert!(spread(&[]).is_none());
    }
}
