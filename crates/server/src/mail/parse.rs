//! A message off the wire, made safe for the log and the desktop
//! ([`model::email::Email`]): addresses, ids, subject, the text (or the
//! HTML part's text), the HTML part sanitised with `ammonia` (no script,
//! style, form, event handler or remote image survives), and its
//! attachments, saved within the size limits. A delivery report
//! (`multipart/report; report-type=delivery-status`) is a bounce: it names
//! the address that failed instead.

use std::path::{Path, PathBuf};

use mail_parser::{Message, MessageParser, MimeHeaders};
use model::email::{
    ADDRESSEES_MAX, ATTACHMENTS_MAX, Attachment, BODY_LEN_MAX, Email, REFERENCES_MAX,
    SUBJECT_LEN_MAX, cut,
};

/// What a message turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A message for an `email` interaction.
    Message(Box<Email>),
    /// A delivery report: the address that could not be reached, and why.
    Bounce {
        /// The address.
        address: String,
        /// The report's status or diagnostic, when it gives one.
        reason: String,
    },
}

/// How big attachments may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One attachment, at most (bigger ones are noted, not kept).
    pub attachment_bytes: u64,
    /// A message's attachments together, at most.
    pub message_bytes: u64,
}

impl Limits {
    /// From `CENTRALITA_MAIL_ATTACHMENT_MAX_BYTES` (default 10 MB) and
    /// `CENTRALITA_MAIL_MESSAGE_MAX_BYTES` (default 25 MB).
    pub fn from_env() -> Limits {
        let get = |k: &str, d: u64| {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        };
        Limits {
            attachment_bytes: get("CENTRALITA_MAIL_ATTACHMENT_MAX_BYTES", 10 << 20),
            message_bytes: get("CENTRALITA_MAIL_MESSAGE_MAX_BYTES", 25 << 20),
        }
    }
}

/// An id without its angle brackets and spaces.
fn bare_id(s: &str) -> String {
    s.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

/// A header's message ids, the latest [`REFERENCES_MAX`] of them.
fn ids(v: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    let all: Vec<String> = match (v.as_text_list(), v.as_text()) {
        (Some(list), _) => list.iter().map(|s| bare_id(s)).collect(),
        (None, Some(one)) => vec![bare_id(one)],
        _ => Vec::new(),
    };
    let skip = all.len().saturating_sub(REFERENCES_MAX);
    all.into_iter().skip(skip).collect()
}

/// Parses a raw message; `None` when it is not a message at all. Its
/// attachments go under `dir` (created when there is one to keep).
pub fn parse(raw: &[u8], dir: &Path, limits: Limits) -> Option<Parsed> {
    let m = MessageParser::default().parse(raw)?;
    if let Some(b) = bounce(&m) {
        return Some(b);
    }
    let from = m
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_lowercase();
    let to = m
        .to()
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .take(ADDRESSEES_MAX)
        .map(str::to_lowercase)
        .collect();
    let html = m.body_html(0).map(|h| sanitise(&h));
    let text = match m.body_text(0) {
        Some(t) => t.into_owned(),
        None => html.as_deref().map(text_of_html).unwrap_or_default(),
    };
    let message_id = m
        .message_id()
        .map(bare_id)
        .unwrap_or_else(|| synthetic_id(raw));
    Some(Parsed::Message(Box::new(Email {
        in_reply_to: ids(m.in_reply_to()).into_iter().next(),
        references: ids(m.references()),
        from,
        to,
        subject: cut(m.subject().unwrap_or_default(), SUBJECT_LEN_MAX),
        text: cut(&text, BODY_LEN_MAX),
        html: html.map(|h| cut(&h, BODY_LEN_MAX)),
        attachments: save_attachments(&m, dir, limits),
        message_id,
    })))
}

/// HTML as an agent may see it: `ammonia`'s safe subset, without images
/// (a remote image tells the sender the mail was read).
fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .clean(html)
        .to_string()
}

/// A message without a Message-ID gets one from its bytes (the same
/// message read twice gets the same id).
fn synthetic_id(raw: &[u8]) -> String {
    use blake2::{Blake2b512, Digest};
    let h = Blake2b512::digest(raw);
    let hex: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{hex}@centralita.invalid")
}

/// The text of sanitised HTML: tags dropped, entities of the common few
/// read, blank runs folded.
fn text_of_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A file name safe on any disk: letters, digits, `.`, `-`, `_`; at most 100 bytes.
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "attachment".into()
    } else {
        cut(s, 100)
    }
}

fn save_attachments(m: &Message<'_>, dir: &Path, limits: Limits) -> Vec<Attachment> {
    let mut out = Vec::new();
    let mut total = 0u64;
    for (i, part) in m.attachments().take(ATTACHMENTS_MAX).enumerate() {
        let bytes = part.contents();
        let size = bytes.len() as u64;
        let name = cut(part.attachment_name().unwrap_or("attachment"), 255);
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{s}", c.ctype()),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        let fits = size <= limits.attachment_bytes && total + size <= limits.message_bytes;
        let path = fits.then(|| save(dir, i, &name, bytes)).flatten();
        if path.is_some() {
            total += size;
        }
        out.push(Attachment {
            name,
            content_type,
            size,
            path: path.map(|p| p.display().to_string()),
        });
    }
    out
}

fn save(dir: &Path, i: usize, name: &str, bytes: &[u8]) -> Option<PathBuf> {
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join(format!("{i}-{}", safe_name(name)));
    match std::fs::write(&path, bytes) {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "attachment not kept");
            None
        }
    }
}

/// A delivery report's failed address and reason.
fn bounce(m: &Message<'_>) -> Option<Parsed> {
    let ct = m.content_type()?;
    let report = ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        && ct
            .attribute("report-type")
            .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"));
    if !report {
        return None;
    }
    let status = m.parts.iter().find(|p| {
        p.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("message")
                && c.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        })
    })?;
    let text = String::from_utf8_lossy(status.contents()).into_owned();
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let recipient = field("Final-Recipient").or_else(|| field("Original-Recipient"))?;
    let address = recipient
        .rsplit(';')
        .next()
        .unwrap_or(&recipient)
        .trim()
        .to_lowercase();
    let reason = field("Diagnostic-Code")
        .or_else(|| field("Status"))
        .unwrap_or_default();
    Some(Parsed::Bounce {
        address,
        reason: cut(&reason, 256),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        attachment_bytes: 10,
        message_bytes: 100,
    };

    fn dir(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("centralita-mail-{name}-{}", std::process::id()))
    }

    #[test]
    fn a_message_is_read_and_its_html_made_safe() {
        let raw = b"From: Ana <ANA@example.com>\r\nTo: support@acme.test\r\nSubject: Factura\r\n\
Message-ID: <m1@example.com>\r\nIn-Reply-To: <m0@acme.test>\r\nReferences: <r1@acme.test> <m0@acme.test>\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n\
<p onclick=\"x()\">Hola <script>alert(1)</script><img src=\"http://evil.test/t.gif\">mundo</p>\r\n--b\r\n\
Content-Type: text/plain; name=big.txt\r\nContent-Disposition: attachment; filename=\"../big.txt\"\r\n\r\n\
0123456789abcdef\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=ok.txt\r\n\r\nsmall\r\n--b--\r\n";
        let d = dir("msg");
        let Some(Parsed::Message(m)) = parse(raw, &d, LIMITS) else {
            panic!("a message")
        };
        assert_eq!(
            (m.from.as_str(), m.subject.as_str()),
            ("ana@example.com", "Factura")
        );
        assert_eq!(m.message_id, "m1@example.com");
        assert_eq!(m.in_reply_to.as_deref(), Some("m0@acme.test"));
        assert_eq!(m.references, ["r1@acme.test", "m0@acme.test"]);
        let html = m.html.unwrap();
        for bad in ["script", "onclick", "evil.test"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            m.text.contains("Hola") && m.text.contains("mundo"),
            "{}",
            m.text
        );
        assert_eq!(m.attachments.len(), 2);
        assert_eq!(
            m.attachments[0].path, None,
            "over the limit: noted, not kept"
        );
        let kept = m.attachments[1].path.as_ref().unwrap();
        assert!(kept.starts_with(&d.display().to_string()));
        assert_eq!(std::fs::read(kept).unwrap(), b"small");
        let _ = std::fs::remove_dir_all(d);
    }

    #[test]
    fn a_delivery_report_is_a_bounce() {
        let raw = b"From: MAILER-DAEMON@acme.test\r\nTo: support@acme.test\r\nSubject: Undelivered\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n\
--r\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\n\
Reporting-MTA: dns; mx.acme.test\r\n\r\nFinal-Recipient: rfc822; Gone@Example.com\r\nAction: failed\r\n\
Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n--r--\r\n";
        assert_eq!(
            parse(raw, &dir("bounce"), LIMITS),
            Some(Parsed::Bounce {
                address: "gone@example.com".into(),
                reason: "smtp; 550 5.1.1 no such user".into()
            })
        );
    }
}
