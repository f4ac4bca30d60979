//! What a page shows and what must not be in it: [`visible`] takes a page's
//! text and the attributes people read (`title`, `aria-label`,
//! `placeholder`, `alt`, `hx-confirm`, `hx-prompt`), leaving out scripts,
//! styles and machine attributes (`data-*`, `value`, `class`, `id`…);
//! [`Checker`] finds in it the machine names of the model's enums, message
//! ids that were not translated, and words only English has.

use std::collections::HashSet;

use i18n::{Arg, Catalog, Lang};
use model::consent::ConsentChannel;
use model::customer::PhoneKind;
use model::event::FinalOutcome;
use model::outbound::{CampaignState, DialMode, DialOutcome, GateRule};
use model::state::{AgentStatus, InteractionState};
use store::crm::ImportState;

/// Attributes whose values people read.
const READ: [&str; 6] = [
    "title",
    "aria-label",
    "placeholder",
    "alt",
    "hx-confirm",
    "hx-prompt",
];

/// The text people see in `html`: text between tags (not of scripts, styles,
/// or documents the tenant edits in a `textarea`) and the values of [`READ`] attributes, entities decoded.
pub fn visible(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        for name in READ {
            if let Some(v) = attribute(tag, name) {
                out.push_str(v);
                out.push(' ');
            }
        }
        let name = tag.split_whitespace().next().unwrap_or("");
        if ["script", "style", "textarea", "code"].contains(&name) {
            let end = format!("</{name}>");
            rest = rest.find(&end).map_or("", |i| &rest[i + end.len()..]);
        }
    }
    out.push_str(rest);
    decode(&out)
}

/// The value of attribute `name` in a tag's text (maud quotes with `"`).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let len = tag[at..].find('"')?;
    Some(&tag[at..at + len])
}

fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Families of messages that put a machine name in words (`outcome-abandoned`).
const LABELLED: [&str; 10] = [
    "audit-do-",
    "outcome-",
    "dial-outcome-",
    "contact-reason-",
    "campaign-contact-",
    "campaign-state-",
    "imports-state-",
    "phone-kind-",
    "consent-channel-",
    "channel-",
];

/// Every name of an enum whose values the UI must put in words.
pub fn machine_names() -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |s: &str| names.push(s.to_string());
    model::Channel::ALL.iter().for_each(|c| add(c.as_str()));
    DialOutcome::ALL.iter().for_each(|c| add(c.as_str()));
    DialMode::ALL.iter().for_each(|c| add(c.as_str()));
    model::customer::RecordEffect::ALL
        .iter()
        .for_each(|c| add(&serde(c)));
    server::auth::Role::ALL.iter().for_each(|r| add(r.as_str()));
    interaction_states().iter().for_each(|s| add(s.as_str()));
    agent_statuses().iter().for_each(|s| add(s.as_str()));
    outcomes().iter().for_each(|s| add(&serde(s)));
    campaign_states().iter().for_each(|s| add(s.as_str()));
    gate_rules().iter().for_each(|s| add(s.as_str()));
    import_states().iter().for_each(|s| add(&serde(s)));
    phone_kinds().iter().for_each(|k| add(k.as_str()));
    consent_channels().iter().for_each(|c| add(c.as_str()));
    // Names kept as text (a campaign contact's state and why it closed):
    // the ones the messages label.
    for id in Catalog::ids(Lang::En) {
        if let Some(name) = LABELLED.iter().find_map(|p| id.strip_prefix(p)) {
            add(name);
        }
    }
    names.sort();
    names.dedup();
    names
}

pub fn serde<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

pub fn interaction_states() -> Vec<InteractionState> {
    use InteractionState as S;
    let all = [
        S::Created,
        S::Waiting,
        S::Offered,
        S::Connected,
        S::Transferring,
        S::Ended,
    ];
    // A new state fails to compile here, to be added above.
    all.iter().for_each(|s| match s {
        S::Created | S::Waiting | S::Offered | S::Connected | S::Transferring | S::Ended => {}
    });
    all.to_vec()
}

pub fn agent_statuses() -> Vec<AgentStatus> {
    use AgentStatus as S;
    let all = [
        S::Offline,
        S::Available,
        S::NotReady,
        S::Reserved,
        S::Busy,
        S::WrapUp,
    ];
    all.iter().for_each(|s| match s {
        S::Offline | S::Available | S::NotReady | S::Reserved | S::Busy | S::WrapUp => {}
    });
    all.to_vec()
}

pub fn outcomes() -> Vec<FinalOutcome> {
    use FinalOutcome as O;
    let all = [
        O::Handled,
        O::Abandoned,
        O::Voicemail,
        O::CallbackOffered,
        O::Closed,
        O::Refused,
        O::OutboundAbandoned,
        O::Cancelled,
    ];
    all.iter().for_each(|o| match o {
        O::Handled
        | O::Abandoned
        | O::Voicemail
        | O::CallbackOffered
        | O::Closed
        | O::Refused
        | O::OutboundAbandoned
        | O::Cancelled => {}
    });
    all.to_vec()
}

pub fn campaign_states() -> Vec<CampaignState> {
    use CampaignState as S;
    let all = [S::Ready, S::Running, S::Paused, S::Stopped, S::Finished];
    all.iter().for_each(|s| match s {
        S::Ready | S::Running | S::Paused | S::Stopped | S::Finished => {}
    });
    all.to_vec()
}

pub fn gate_rules() -> Vec<GateRule> {
    use GateRule as G;
    let all = [
        G::PhoneInvalid,
        G::OptedOut,
        G::DoNotCallInternal,
        G::DoNotCallCampaign,
        G::DoNotCallNational,
        G::ConsentMissing,
        G::ConsentWithdrawn,
        G::ConsentExpired,
        G::ZoneUnknown,
        G::Holiday,
        G::OutsideCallingWindow,
        G::PhoneCapLifetime,
        G::PhoneCapWeek,
        G::PhoneCapDay,
        G::ContactCapLifetime,
        G::ContactCapWeek,
        G::ContactCapDay,
        G::PersonCapWeek,
        G::PersonCapDay,
        G::LiveAttemptInProgress,
        G::RedialAfterAbandon,
        G::AbandonRateCap,
        G::RingTimeoutTooShort,
        G::AllRulesPassed,
    ];
    all.to_vec()
}

/// The message families that name each value of an enum, with the
/// values' names (`outcome-` and `abandoned`, `handled`…).
pub fn families() -> Vec<(&'static str, Vec<String>)> {
    let names = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    vec![
        (
            "interaction-",
            names(interaction_states().iter().map(|s| s.as_str()).collect()),
        ),
        ("outcome-", outcomes().iter().map(serde).collect()),
        (
            "state-",
            agent_statuses()
                .iter()
                .map(|s| s.as_str().replace('_', "-"))
                .collect(),
        ),
        (
            "channel-",
            names(model::Channel::ALL.iter().map(|c| c.as_str()).collect()),
        ),
        (
            "dial-outcome-",
            names(
                model::outbound::DialOutcome::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .chain(["abandoned"])
                    .collect(),
            ),
        ),
        (
            "campaign-state-",
            names(campaign_states().iter().map(|s| s.as_str()).collect()),
        ),
        (
            "campaign-mode-",
            names(
                model::outbound::DialMode::ALL
                    .iter()
                    .map(|m| m.as_str())
                    .collect(),
            ),
        ),
        (
            "contact-reason-",
            names(gate_rules().iter().map(|r| r.as_str()).collect()),
        ),
        (
            "imports-state-",
            import_states().iter().map(serde).collect(),
        ),
        (
            "phone-kind-",
            names(phone_kinds().iter().map(|k| k.as_str()).collect()),
        ),
        (
            "consent-channel-",
            names(consent_channels().iter().map(|c| c.as_str()).collect()),
        ),
        (
            "role-",
            names(server::auth::Role::ALL.iter().map(|r| r.as_str()).collect()),
        ),
    ]
}

/// A phone's kinds.
pub fn phone_kinds() -> Vec<PhoneKind> {
    use PhoneKind as K;
    let all = [K::Mobile, K::Landline, K::Work, K::Other];
    all.iter().for_each(|k| match k {
        K::Mobile | K::Landline | K::Work | K::Other => {}
    });
    all.to_vec()
}

/// What a consent covers.
pub fn consent_channels() -> Vec<ConsentChannel> {
    use ConsentChannel as C;
    let all = [C::Voice, C::Sms, C::Email, C::Any];
    all.iter().for_each(|c| match c {
        C::Voice | C::Sms | C::Email | C::Any => {}
    });
    all.to_vec()
}

/// An import's states.
pub fn import_states() -> Vec<ImportState> {
    use ImportState as S;
    let all = [S::Running, S::Done, S::Failed];
    all.iter().for_each(|s| match s {
        S::Running | S::Done | S::Failed => {}
    });
    all.to_vec()
}

/// The words of a language's messages (lower case), arguments filled in.
fn catalog_words(lang: Lang) -> HashSet<String> {
    let c = Catalog::global();
    let args = [
        ("seconds", Arg::Num(3.0)),
        ("count", Arg::Num(2.0)),
        ("n", Arg::Num(3.0)),
        ("id", Arg::Num(7.0)),
        ("first", Arg::Num(1.0)),
        ("last", Arg::Num(2.0)),
    ];
    Catalog::ids(lang)
        .into_iter()
        .flat_map(|id| words(&c.t_args(lang, id, &args)))
        .map(|w| w.to_lowercase())
        .collect()
}

/// The tokens of a text: runs of letters, digits and `_ - / . @ : +`, with
/// the punctuation that ends a sentence taken off.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || "_-/.@:+".contains(c)))
        .map(|w| w.trim_matches(|c: char| ".:-".contains(c)))
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// What must not show in one language.
pub struct Checker {
    /// Machine names that are not words of the language.
    raw: HashSet<String>,
    /// The first parts of message ids (`state` of `state-busy`).
    prefixes: HashSet<String>,
    /// Words of the English messages that no message of the language has.
    english: HashSet<String>,
    /// Words of the language (a token that is one is fine).
    own: HashSet<String>,
    /// What the tenant wrote, longest first (left out of the text).
    data: Vec<String>,
}

impl Checker {
    /// The checker for `lang`, leaving out the tenant's `data`.
    pub fn new(lang: Lang, data: &[String]) -> Checker {
        let own = catalog_words(lang);
        let raw = machine_names()
            .into_iter()
            .filter(|n| !own.contains(n))
            .collect();
        let prefixes = Catalog::ids(Lang::En)
            .into_iter()
            .filter_map(|id| id.split_once('-').map(|(p, _)| p.to_string()))
            .collect();
        let english = catalog_words(Lang::En)
            .into_iter()
            .filter(|w| w.chars().count() > 2 && w.chars().all(char::is_alphabetic))
            .filter(|w| !own.contains(w))
            .collect();
        Checker {
            raw,
            prefixes,
            english,
            own,
            data: data.to_vec(),
        }
    }

    /// What is wrong in a visible text, each with its context.
    pub fn faults(&self, text: &str) -> Vec<String> {
        let mut text = text.to_string();
        for d in self.data.iter().filter(|d| d.contains(' ')) {
            text = text.replace(d.as_str(), " ");
        }
        let tokens: Vec<String> = words(&text)
            .into_iter()
            .filter(|w| !self.data.contains(w))
            .collect();
        let mut out = Vec::new();
        for (i, w) in tokens.iter().enumerate() {
            let Some(why) = self.fault(w) else { continue };
            let from = i.saturating_sub(4);
            let context = tokens[from..(i + 5).min(tokens.len())].join(" ");
            out.push(format!("{why} «{w}» in “{context}”"));
        }
        out
    }

    fn fault(&self, w: &str) -> Option<&'static str> {
        let lower = w.to_lowercase();
        if self.own.contains(&lower) {
            return None;
        }
        if self.raw.contains(w) {
            return Some("machine name");
        }
        let id_like = w
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c));
        if id_like
            && w.split_once('-')
                .is_some_and(|(p, _)| self.prefixes.contains(p))
        {
            return Some("message id");
        }
        if self.english.contains(&lower) {
            return Some("English");
        }
        None
    }
}
