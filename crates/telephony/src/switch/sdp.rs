//! SDP offer/answer (RFC 3264) for one audio stream: G.711 and RFC 4733
//! telephone-events, which is all a carrier trunk or a desk phone needs.
//!
//! [`negotiate`] reads the other side's SDP and picks what we will send;
//! [`answer`] and [`offer`] write ours. Bad SDP is an [`SdpError`] whose text
//! goes into the 488 response's reason, never a panic.

use std::net::{IpAddr, SocketAddr};

use crate::g711::Law;

/// Longest SDP body we read: a real audio offer is well under 2 KiB.
pub const SDP_BYTES_MAX: usize = 8 * 1024;
/// Most payload types we look at on one `m=` line.
const FORMATS_MAX: usize = 64;
/// The payload type we offer for telephone-events (the common choice).
pub const TELEPHONE_EVENT_PT: u8 = 101;

/// Why an SDP body cannot be used (the text goes into a 488's Reason).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    /// Empty body.
    #[error("no SDP body")]
    Empty,
    /// Larger than [`SDP_BYTES_MAX`].
    #[error("SDP of {0} bytes is larger than {SDP_BYTES_MAX}")]
    TooLong(usize),
    /// Not UTF-8 text.
    #[error("SDP is not text")]
    NotText,
    /// A line that is not `x=value`.
    #[error("SDP line {0} is not of the form x=value")]
    BadLine(usize),
    /// No usable `m=audio` line (none, or all with port 0).
    #[error("no audio stream offered")]
    NoAudio,
    /// An `m=audio` line we cannot read.
    #[error("bad media line: {0}")]
    BadMedia(String),
    /// No `c=` for the audio stream, or one we cannot read.
    #[error("bad or missing connection address: {0}")]
    BadConnection(String),
    /// Neither PCMU nor PCMA offered.
    #[error("no common codec (PCMU or PCMA needed)")]
    NoCommonCodec,
}

/// What both sides agreed for the audio stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// Where to send our RTP.
    pub remote: SocketAddr,
    /// The codec.
    pub law: Law,
    /// Its payload type on the wire (0 or 8, or a dynamic number the offer mapped).
    pub payload_type: u8,
    /// The telephone-event payload type, if the other side has one.
    pub telephone_event: Option<u8>,
}

/// The `m=audio` section we use.
struct AudioSection {
    port: u16,
    formats: Vec<u8>,
    /// Its own `c=`, if it has one.
    connection: Option<IpAddr>,
    /// Its `a=rtpmap`s: payload type, encoding name, clock rate.
    rtpmaps: Vec<(u8, String, String)>,
}

/// One `a=rtpmap` entry: payload type → encoding name.
fn rtpmap(value: &str) -> Option<(u8, &str, &str)> {
    let rest = value.strip_prefix("rtpmap:")?;
    let (pt, enc) = rest.split_once(char::is_whitespace)?;
    let pt = pt.trim().parse::<u8>().ok()?;
    let mut parts = enc.trim().split('/');
    let name = parts.next()?;
    let rate = parts.next().unwrap_or("");
    Some((pt, name, rate))
}

fn connection(value: &str) -> Result<IpAddr, SdpError> {
    let bad = || SdpError::BadConnection(value.chars().take(60).collect());
    let mut f = value.split_whitespace();
    let (net, kind, addr) = (f.next(), f.next(), f.next());
    if net != Some("IN") || !matches!(kind, Some("IP4" | "IP6")) {
        return Err(bad());
    }
    // Multicast may carry "/ttl"; we only take the address.
    let addr = addr.ok_or_else(bad)?.split('/').next().unwrap_or("");
    addr.parse::<IpAddr>().map_err(|_| bad())
}

/// Reads an offer (or an answer to our offer) and picks the codec: the
/// first of PCMU and PCMA in the other side's order, and telephone-event.
pub fn negotiate(body: &[u8]) -> Result<Negotiated, SdpError> {
    if body.is_empty() {
        return Err(SdpError::Empty);
    }
    if body.len() > SDP_BYTES_MAX {
        return Err(SdpError::TooLong(body.len()));
    }
    let text = std::str::from_utf8(body).map_err(|_| SdpError::NotText)?;

    let mut session_conn: Option<IpAddr> = None;
    // The first audio stream with a non-zero port.
    let mut audio: Option<AudioSection> = None;
    // Whether we are inside the chosen audio m= section, another one, or the session part.
    let mut in_media = false;
    let mut in_chosen = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let (kind, value) = line.split_once('=').ok_or(SdpError::BadLine(i + 1))?;
        if kind.len() != 1 {
            return Err(SdpError::BadLine(i + 1));
        }
        match kind {
            "m" => {
                in_media = true;
                in_chosen = false;
                if audio.is_some() {
                    continue;
                }
                let mut f = value.split_whitespace();
                if f.next() != Some("audio") {
                    continue;
                }
                let bad = || SdpError::BadMedia(value.chars().take(60).collect());
                let port = f.next().ok_or_else(bad)?;
                // "port/count" is allowed by RFC 4566; we use the first.
                let port = port.split('/').next().unwrap_or("");
                let port = port.parse::<u16>().map_err(|_| bad())?;
                let proto = f.next().ok_or_else(bad)?;
                if !proto.starts_with("RTP/") {
                    return Err(bad());
                }
                let formats: Vec<u8> = f
                    .take(FORMATS_MAX)
                    .filter_map(|pt| pt.parse::<u8>().ok())
                    .filter(|pt| *pt < 128)
                    .collect();
                if port == 0 {
                    continue; // a refused stream
                }
                if formats.is_empty() {
                    return Err(bad());
                }
                audio = Some(AudioSection {
                    port,
                    formats,
                    connection: None,
                    rtpmaps: Vec::new(),
                });
                in_chosen = true;
            }
            "c" => {
                let ip = connection(value)?;
                if !in_media {
                    session_conn = Some(ip);
                } else if in_chosen && let Some(a) = audio.as_mut() {
                    a.connection = Some(ip);
                }
            }
            "a" if in_chosen => {
                if let (Some(a), Some((pt, name, rate))) = (audio.as_mut(), rtpmap(value))
                    && a.rtpmaps.len() < FORMATS_MAX
                {
                    a.rtpmaps.push((pt, name.to_owned(), rate.to_owned()));
                }
            }
            _ => {}
        }
    }

    let AudioSection {
        port,
        formats,
        connection: media_conn,
        rtpmaps: maps,
    } = audio.ok_or(SdpError::NoAudio)?;
    let ip = media_conn
        .or(session_conn)
        .ok_or_else(|| SdpError::BadConnection("none".into()))?;
    let name_of = |pt: u8| {
        maps.iter()
            .find(|(p, _, _)| *p == pt)
            .map(|(_, n, r)| (n.to_ascii_lowercase(), r.clone()))
    };
    let mut chosen = None;
    let mut telephone_event = None;
    for &pt in &formats {
        let law = match name_of(pt) {
            Some((name, rate)) if rate.is_empty() || rate == "8000" => match name.as_str() {
                "pcmu" => Some(Law::Mu),
                "pcma" => Some(Law::A),
                "telephone-event" => {
                    telephone_event.get_or_insert(pt);
                    None
                }
                _ => None,
            },
            Some(_) => None,
            None => Law::from_payload_type(pt),
        };
        if let Some(law) = law
            && chosen.is_none()
        {
            chosen = Some((law, pt));
        }
    }
    let (law, payload_type) = chosen.ok_or(SdpError::NoCommonCodec)?;
    Ok(Negotiated {
        remote: SocketAddr::new(ip, port),
        law,
        payload_type,
        telephone_event,
    })
}

fn body(
    session_id: u64,
    local: SocketAddr,
    formats: &[(u8, &str)],
    telephone_event: Option<u8>,
) -> Vec<u8> {
    body_with(
        (session_id, session_id),
        local,
        formats,
        telephone_event,
        Direction::SendRecv,
    )
}

fn body_with(
    (session_id, version): (u64, u64),
    local: SocketAddr,
    formats: &[(u8, &str)],
    telephone_event: Option<u8>,
    direction: Direction,
) -> Vec<u8> {
    let family = if local.is_ipv4() { "IP4" } else { "IP6" };
    let ip = local.ip();
    let mut pts: Vec<String> = formats.iter().map(|(pt, _)| pt.to_string()).collect();
    if let Some(te) = telephone_event {
        pts.push(te.to_string());
    }
    let mut s = format!(
        "v=0\r\no=centralita {session_id} {version} IN {family} {ip}\r\ns=centralita\r\n\
         c=IN {family} {ip}\r\nt=0 0\r\nm=audio {} RTP/AVP {}\r\n",
        local.port(),
        pts.join(" ")
    );
    for (pt, name) in formats {
        s.push_str(&format!("a=rtpmap:{pt} {name}/8000\r\n"));
    }
    if let Some(te) = telephone_event {
        s.push_str(&format!(
            "a=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-15\r\n"
        ));
    }
    s.push_str("a=ptime:20\r\na=");
    s.push_str(direction.as_str());
    s.push_str("\r\n");
    s.into_bytes()
}

/// Our answer: the chosen codec and telephone-event (if offered) at our RTP address.
pub fn answer(n: &Negotiated, local_rtp: SocketAddr, session_id: u64) -> Vec<u8> {
    body(
        session_id,
        local_rtp,
        &[(n.payload_type, n.law.name())],
        n.telephone_event,
    )
}

/// Which way media flows, as an SDP says it (`a=sendrecv` when it says nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    SendRecv,
    /// The sender of this SDP only sends (it holds the other side).
    SendOnly,
    /// The sender of this SDP only receives.
    RecvOnly,
    /// Neither way (held, or hold of a held call).
    Inactive,
}

impl Direction {
    /// The attribute's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// What an answer says to this offer (RFC 3264 §6.1).
    pub fn answer(self) -> Direction {
        match self {
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            d => d,
        }
    }

    /// Whether the side that receives this SDP may send media.
    pub fn lets_us_send(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }
}

/// The direction of the first audio stream (its own attribute, else the
/// session's, else `sendrecv`). A connection address of `0.0.0.0` (RFC 2543
/// hold, still sent by old phones) counts as `sendonly`.
pub fn direction(body: &[u8]) -> Direction {
    let text = String::from_utf8_lossy(&body[..body.len().min(SDP_BYTES_MAX)]);
    let (mut session, mut media) = (None, None);
    let (mut in_audio, mut seen_audio, mut zero) = (false, false, false);
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(m) = line.strip_prefix("m=") {
            in_audio = !seen_audio && m.starts_with("audio ");
            seen_audio |= in_audio;
            continue;
        }
        if line.starts_with("c=") && line.split_whitespace().nth(2) == Some("0.0.0.0") {
            zero = true;
        }
        let d = match line {
            "a=sendrecv" => Direction::SendRecv,
            "a=sendonly" => Direction::SendOnly,
            "a=recvonly" => Direction::RecvOnly,
            "a=inactive" => Direction::Inactive,
            _ => continue,
        };
        if in_audio {
            media.get_or_insert(d);
        } else if !seen_audio {
            session.get_or_insert(d);
        }
    }
    let d = media.or(session).unwrap_or(Direction::SendRecv);
    match d {
        Direction::SendRecv if zero => Direction::SendOnly,
        Direction::RecvOnly if zero => Direction::Inactive,
        d => d,
    }
}

/// Our answer to a new offer in an answered call (re-INVITE): the chosen
/// codec at our RTP address, the session's `version`, and the direction
/// that answers theirs.
pub fn reanswer(
    n: &Negotiated,
    local_rtp: SocketAddr,
    session_id: u64,
    version: u64,
    theirs: Direction,
) -> Vec<u8> {
    body_with(
        (session_id, version),
        local_rtp,
        &[(n.payload_type, n.law.name())],
        n.telephone_event,
        theirs.answer(),
    )
}

/// Our offer for a call we place: PCMA, PCMU and telephone-event.
pub fn offer(local_rtp: SocketAddr, session_id: u64) -> Vec<u8> {
    body(
        session_id,
        local_rtp,
        &[(8, "PCMA"), (0, "PCMU")],
        Some(TELEPHONE_EVENT_PT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SIPP: &str = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n\
        c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8 101\r\n\
        a=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-11,16\r\n";

    #[test]
    fn directions_are_read_and_answered() {
        let with = |extra: &str| format!("{SIPP}{extra}");
        assert_eq!(direction(SIPP.as_bytes()), Direction::SendRecv);
        assert_eq!(
            direction(with("a=sendonly\r\n").as_bytes()),
            Direction::SendOnly
        );
        assert_eq!(
            direction(with("a=inactive\r\n").as_bytes()),
            Direction::Inactive
        );
        // Session level, overridden by the audio stream's own.
        let session = SIPP.replace("t=0 0\r\n", "t=0 0\r\na=recvonly\r\n");
        assert_eq!(direction(session.as_bytes()), Direction::RecvOnly);
        assert_eq!(
            direction(format!("{session}a=sendrecv\r\n").as_bytes()),
            Direction::SendRecv
        );
        // Old-style hold.
        let zero = SIPP.replace("c=IN IP4 127.0.0.1", "c=IN IP4 0.0.0.0");
        assert_eq!(direction(zero.as_bytes()), Direction::SendOnly);
        assert_eq!(direction(b"\xff\xfe garbage"), Direction::SendRecv);
        let n = negotiate(SIPP.as_bytes()).unwrap();
        let a = reanswer(
            &n,
            "127.0.0.1:4000".parse().unwrap(),
            7,
            8,
            Direction::SendOnly,
        );
        let a = String::from_utf8(a).unwrap();
        assert!(a.contains("o=centralita 7 8 IN IP4"), "{a}");
        assert!(
            a.contains("a=recvonly\r\n") && !a.contains("sendrecv"),
            "{a}"
        );
        assert!(!Direction::SendOnly.lets_us_send() && Direction::RecvOnly.lets_us_send());
    }

    #[test]
    fn a_sipp_offer_gives_pcma_and_telephone_event() {
        let n = negotiate(SIPP.as_bytes()).unwrap();
        assert_eq!(n.remote, "127.0.0.1:6000".parse().unwrap());
        assert_eq!((n.law, n.payload_type), (Law::A, 8));
        assert_eq!(n.telephone_event, Some(101));
    }

    #[test]
    fn the_first_of_pcmu_and_pcma_in_the_offer_wins() {
        let o = "v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 9 0 8\n";
        let n = negotiate(o.as_bytes()).unwrap();
        assert_eq!(
            (n.law, n.payload_type, n.telephone_event),
            (Law::Mu, 0, None)
        );
        let o = "v=0\nc=IN IP4 10.0.0.1\nm=audio 4000 RTP/AVP 18 8 0\n";
        assert_eq!(negotiate(o.as_bytes()).unwrap().law, Law::A);
    }

    #[test]
    fn media_level_connection_and_dynamic_g711_types() {
        let o = "v=0\r\nc=IN IP4 10.0.0.1\r\nm=video 5000 RTP/AVP 96\r\nc=IN IP4 10.9.9.9\r\n\
                 m=audio 4002 RTP/AVP 97 96\r\nc=IN IP6 ::1\r\na=rtpmap:97 PCMU/8000\r\n\
                 a=rtpmap:96 telephone-event/8000\r\n";
        let n = negotiate(o.as_bytes()).unwrap();
        assert_eq!(n.remote, "[::1]:4002".parse().unwrap());
        assert_eq!(
            (n.law, n.payload_type, n.telephone_event),
            (Law::Mu, 97, Some(96))
        );
    }

    #[test]
    fn a_refused_stream_is_skipped() {
        let o = "v=0\nc=IN IP4 1.2.3.4\nm=audio 0 RTP/AVP 0\nm=audio 7000 RTP/AVP 8\n";
        assert_eq!(negotiate(o.as_bytes()).unwrap().remote.port(), 7000);
    }

    #[test]
    fn bad_offers_say_why() {
        assert_eq!(negotiate(b""), Err(SdpError::Empty));
        assert_eq!(negotiate(&[0xFF, 0xFE]), Err(SdpError::NotText));
        assert_eq!(negotiate(b"v=0\nnonsense\n"), Err(SdpError::BadLine(2)));
        assert_eq!(
            negotiate(b"v=0\nc=IN IP4 1.2.3.4\n"),
            Err(SdpError::NoAudio)
        );
        assert_eq!(
            negotiate(b"v=0\nc=IN IP4 1.2.3.4\nm=audio 7000 RTP/AVP 18 9\n"),
            Err(SdpError::NoCommonCodec)
        );
        assert!(matches!(
            negotiate(b"v=0\nm=audio 7000 RTP/AVP 0\n"),
            Err(SdpError::BadConnection(_))
        ));
        assert!(matches!(
            negotiate(b"v=0\nc=IN IP4 999.1.1.1\nm=audio 7000 RTP/AVP 0\n"),
            Err(SdpError::BadConnection(_))
        ));
        assert!(matches!(
            negotiate(b"v=0\nc=IN IP4 1.1.1.1\nm=audio 70000 RTP/AVP 0\n"),
            Err(SdpError::BadMedia(_))
        ));
        assert!(matches!(
            negotiate(&vec![b'a'; SDP_BYTES_MAX + 1]),
            Err(SdpError::TooLong(_))
        ));
    }

    #[test]
    fn our_answer_reads_back() {
        let n = negotiate(SIPP.as_bytes()).unwrap();
        let a = answer(&n, "127.0.0.1:20000".parse().unwrap(), 7);
        let back = negotiate(&a).unwrap();
        assert_eq!(back.remote, "127.0.0.1:20000".parse().unwrap());
        assert_eq!(
            (back.law, back.payload_type, back.telephone_event),
            (Law::A, 8, Some(101))
        );
        let o = offer("127.0.0.1:20002".parse().unwrap(), 9);
        let back = negotiate(&o).unwrap();
        assert_eq!(
            (back.law, back.telephone_event),
            (Law::A, Some(TELEPHONE_EVENT_PT))
        );
    }

    proptest! {
        #[test]
        fn never_panics(data in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = negotiate(&data);
        }

        #[test]
        fn never_panics_on_sdp_like_text(lines in prop::collection::vec(
            "(v|o|s|c|t|m|a)=(audio|IN|IP4|IP6|RTP/AVP|rtpmap:|[0-9]{1,6}|/|[ .:a-zA-Z]){0,12}", 0..12)) {
            let _ = negotiate(lines.join("\r\n").as_bytes());
        }
    }
}
