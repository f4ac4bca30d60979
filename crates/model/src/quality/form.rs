//! Evaluation forms: a tenant's settings document named [`NAME`] holds
//! several forms (`calls`, `chats`…), each made of sections of questions.
//! A question has a weight, a kind (yes/no, or a 0–N scale), whether "not
//! applicable" may be answered, and whether it is critical (a critical
//! yes/no question answered "no" fails the whole evaluation: score 0).
//!
//! ```json
//! {"forms": [{"id": "calls", "name": "Calls", "sections": [
//!   {"title": "Opening", "questions": [
//!     {"id": "greet", "text": "Greeted by name", "weight": 2, "kind": "yes_no", "na": true},
//!     {"id": "id_check", "text": "Verified identity", "weight": 5, "kind": "yes_no", "critical": true},
//!     {"id": "tone", "text": "Tone", "weight": 3, "kind": "scale", "max": 5}]}]}]}
//! ```
//!
//! [`Forms::from_doc`] checks a document whole; a mistake names its part
//! (`forms[0].sections[1].questions[2].max`). Pure.

use serde::{Deserialize, Serialize};

/// The settings document's name.
pub const NAME: &str = "quality_forms";
/// Most forms per tenant.
pub const FORMS_MAX: usize = 20;
/// Most sections per form.
pub const SECTIONS_MAX: usize = 20;
/// Most questions per section.
pub const QUESTIONS_MAX: usize = 50;
/// Highest top of a scale.
pub const SCALE_MAX: u8 = 10;
/// Highest weight of a question.
pub const WEIGHT_MAX: u32 = 100;
/// Longest text (a question, a title), in bytes.
pub const TEXT_MAX: usize = 500;

/// A mistake: the part it concerns and what is wrong.
pub type FormError = (String, String);

fn bad<T>(part: impl Into<String>, why: impl Into<String>) -> Result<T, FormError> {
    Err((part.into(), why.into()))
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Yes (full points) or no (none).
    #[default]
    YesNo,
    /// 0 to `max` (points in proportion).
    Scale,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Its key in the answers (letters, digits, `_`; unique in the form).
    pub id: String,
    /// What the evaluator reads.
    pub text: String,
    /// Its weight in the score (1 to [`WEIGHT_MAX`]).
    pub weight: u32,
    /// How it is answered.
    #[serde(default)]
    pub kind: QuestionKind,
    /// The top of a scale (1 to [`SCALE_MAX`]; scales only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u8>,
    /// "Not applicable" may be answered (it leaves the question out of the score).
    #[serde(default)]
    pub na: bool,
    /// A "no" fails the whole evaluation (yes/no questions only).
    #[serde(default)]
    pub critical: bool,
}

/// A titled group of questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its title.
    pub title: String,
    /// Its questions, in order.
    pub questions: Vec<Question>,
}

/// One evaluation form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// Its key (letters, digits, `_`, `-`; unique in the tenant).
    pub id: String,
    /// What people read.
    pub name: String,
    /// Its sections, in order.
    pub sections: Vec<Section>,
}

impl Form {
    /// Every question, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// A question by id.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }
}

/// The document as sent and stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormsDoc {
    /// The forms, in the order pages offer them.
    #[serde(default)]
    pub forms: Vec<Form>,
}

/// A tenant's forms, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forms {
    forms: Vec<Form>,
}

fn plain(s: &str, dash: bool) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || (dash && c == '-'))
}

fn text(part: String, s: &str) -> Result<(), FormError> {
    if s.trim().is_empty() || s.len() > TEXT_MAX {
        return bad(part, format!("1 to {TEXT_MAX} bytes"));
    }
    Ok(())
}

fn check_question(part: &str, q: &Question) -> Result<(), FormError> {
    if !plain(&q.id, false) {
        return bad(format!("{part}.id"), "1 to 64 letters, digits or _");
    }
    text(format!("{part}.text"), &q.text)?;
    if q.weight == 0 || q.weight > WEIGHT_MAX {
        return bad(format!("{part}.weight"), format!("1 to {WEIGHT_MAX}"));
    }
    match (q.kind, q.max) {
        (QuestionKind::Scale, Some(m)) if (1..=SCALE_MAX).contains(&m) => {}
        (QuestionKind::Scale, _) => {
            return bad(
                format!("{part}.max"),
                format!("a scale's top: 1 to {SCALE_MAX}"),
            );
        }
        (QuestionKind::YesNo, None) => {}
        (QuestionKind::YesNo, Some(_)) => {
            return bad(format!("{part}.max"), "only a scale has a top");
        }
    }
    if q.critical && q.kind != QuestionKind::YesNo {
        return bad(
            format!("{part}.critical"),
            "only a yes/no question can be critical",
        );
    }
    Ok(())
}

fn check_form(part: &str, f: &Form) -> Result<(), FormError> {
    if !plain(&f.id, true) {
        return bad(format!("{part}.id"), "1 to 64 letters, digits, _ or -");
    }
    text(format!("{part}.name"), &f.name)?;
    if f.sections.is_empty() || f.sections.len() > SECTIONS_MAX {
        return bad(format!("{part}.sections"), format!("1 to {SECTIONS_MAX}"));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, s) in f.sections.iter().enumerate() {
        let sp = format!("{part}.sections[{i}]");
        text(format!("{sp}.title"), &s.title)?;
        if s.questions.is_empty() || s.questions.len() > QUESTIONS_MAX {
            return bad(format!("{sp}.questions"), format!("1 to {QUESTIONS_MAX}"));
        }
        for (j, q) in s.questions.iter().enumerate() {
            let qp = format!("{sp}.questions[{j}]");
            check_question(&qp, q)?;
            if seen.contains(&q.id.as_str()) {
                return bad(format!("{qp}.id"), format!("{} is asked twice", q.id));
            }
            seen.push(&q.id);
        }
    }
    Ok(())
}

impl Forms {
    /// Parses and checks a stored JSON document.
    pub fn parse(json: &str) -> Result<Forms, FormError> {
        let doc: FormsDoc =
            serde_json::from_str(json).map_err(|e| ("forms".to_string(), e.to_string()))?;
        Forms::from_doc(doc)
    }

    /// Checks a document: at most [`FORMS_MAX`] forms with unique ids,
    /// each with sections of questions, ids unique in their form, weights
    /// and scales in range, critical questions yes/no.
    pub fn from_doc(doc: FormsDoc) -> Result<Forms, FormError> {
        if doc.forms.len() > FORMS_MAX {
            return bad("forms", format!("at most {FORMS_MAX}"));
        }
        for (i, f) in doc.forms.iter().enumerate() {
            check_form(&format!("forms[{i}]"), f)?;
            if doc.forms[..i].iter().any(|o| o.id == f.id) {
                return bad(
                    format!("forms[{i}].id"),
                    format!("{} is defined twice", f.id),
                );
            }
        }
        Ok(Forms { forms: doc.forms })
    }

    /// The document that says the same.
    pub fn to_doc(&self) -> FormsDoc {
        FormsDoc {
            forms: self.forms.clone(),
        }
    }

    /// The forms, in order.
    pub fn forms(&self) -> &[Form] {
        &self.forms
    }

    /// A form by id.
    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: serde_json::Value) -> Result<Forms, FormError> {
        Forms::from_doc(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn mistakes_name_their_part() {
        let q = |extra: serde_json::Value| {
            let mut q = serde_json::json!({"id": "a", "text": "A?", "weight": 1});
            q.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            serde_json::json!({"forms": [{"id": "calls", "name": "Calls",
                "sections": [{"title": "S", "questions": [q]}]}]})
        };
        assert!(doc(q(serde_json::json!({}))).is_ok());
        let part = |e: serde_json::Value| doc(q(e)).unwrap_err().0;
        let p = "forms[0].sections[0].questions[0]";
        assert_eq!(
            part(serde_json::json!({"weight": 0})),
            format!("{p}.weight")
        );
        assert_eq!(
            part(serde_json::json!({"kind": "scale"})),
            format!("{p}.max")
        );
        assert_eq!(
            part(serde_json::json!({"kind": "scale", "max": 5, "critical": true})),
            format!("{p}.critical")
        );
        assert_eq!(part(serde_json::json!({"max": 3})), format!("{p}.max"));
        assert_eq!(part(serde_json::json!({"id": "a b"})), format!("{p}.id"));
    }
}
