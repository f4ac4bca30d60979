//! RTP packets (RFC 3550): the header, CSRCs, header extension and padding
//! are read and checked; the payload is borrowed. Malformed input is an
//! error that says what is wrong, never a panic.

/// Length of the fixed header.
pub const HEADER_LEN: usize = 12;

/// Why a datagram is not an RTP packet we can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    /// Shorter than its header says.
    #[error("RTP packet of {len} bytes is shorter than its {needed}-byte header")]
    TooShort {
        /// Bytes received.
        len: usize,
        /// Bytes the header needs.
        needed: usize,
    },
    /// Not version 2.
    #[error("RTP version {0} (only version 2 exists)")]
    Version(u8),
    /// The padding count is zero or longer than the payload.
    #[error("RTP padding of {padding} bytes does not fit a {available}-byte payload")]
    Padding {
        /// The padding count (last byte).
        padding: usize,
        /// Bytes after the header.
        available: usize,
    },
}

/// A parsed RTP packet borrowing its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpPacket<'a> {
    /// Marker bit (start of a talk spurt; first packet of a telephone-event).
    pub marker: bool,
    /// Payload type (0 PCMU, 8 PCMA, a dynamic type for telephone-event).
    pub payload_type: u8,
    /// Sequence number.
    pub sequence: u16,
    /// Timestamp in samples.
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
    /// The payload, without padding.
    pub payload: &'a [u8],
}

impl<'a> RtpPacket<'a> {
    /// Reads a datagram.
    pub fn parse(data: &'a [u8]) -> Result<RtpPacket<'a>, RtpError> {
        if data.len() < HEADER_LEN {
            return Err(RtpError::TooShort {
                len: data.len(),
                needed: HEADER_LEN,
            });
        }
        let version = data[0] >> 6;
        if version != 2 {
            return Err(RtpError::Version(version));
        }
        let padded = data[0] & 0x20 != 0;
        let extended = data[0] & 0x10 != 0;
        let csrcs = usize::from(data[0] & 0x0F);
        let mut start = HEADER_LEN + 4 * csrcs;
        if extended {
            if data.len() < start + 4 {
                return Err(RtpError::TooShort {
                    len: data.len(),
                    needed: start + 4,
                });
            }
            let words = usize::from(u16::from_be_bytes([data[start + 2], data[start + 3]]));
            start += 4 + 4 * words;
        }
        if data.len() < start {
            return Err(RtpError::TooShort {
                len: data.len(),
                needed: start,
            });
        }
        let mut end = data.len();
        if padded {
            let padding = usize::from(data[end - 1]);
            let available = end - start;
            if padding == 0 || padding > available {
                return Err(RtpError::Padding { padding, available });
            }
            end -= padding;
        }
        Ok(RtpPacket {
            marker: data[1] & 0x80 != 0,
            payload_type: data[1] & 0x7F,
            sequence: u16::from_be_bytes([data[2], data[3]]),
            timestamp: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
            ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
            payload: &data[start..end],
        })
    }

    /// Writes the packet (no CSRCs, extension or padding) to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.reserve(HEADER_LEN + self.payload.len());
        out.push(0x80);
        out.push((u8::from(self.marker) << 7) | (self.payload_type & 0x7F));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        out.extend_from_slice(self.payload);
    }

    /// The packet as bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

/// The sending side of one RTP stream: numbers packets and keeps time.
#[derive(Debug, Clone)]
pub struct RtpSender {
    ssrc: u32,
    sequence: u16,
    timestamp: u32,
}

impl RtpSender {
    /// A stream with this SSRC, first sequence number and timestamp (random in practice).
    pub fn new(ssrc: u32, sequence: u16, timestamp: u32) -> Self {
        RtpSender {
            ssrc,
            sequence,
            timestamp,
        }
    }

    /// The SSRC.
    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    /// The timestamp the next media packet will carry.
    pub fn timestamp(&self) -> u32 {
        self.timestamp
    }

    /// Builds the next packet of `samples` samples' worth of payload and advances time.
    pub fn media(
        &mut self,
        payload_type: u8,
        marker: bool,
        payload: &[u8],
        samples: u32,
    ) -> Vec<u8> {
        let ts = self.timestamp;
        self.timestamp = self.timestamp.wrapping_add(samples);
        self.packet(payload_type, marker, ts, payload)
    }

    /// Builds a packet at an explicit timestamp (telephone-events keep one
    /// timestamp for a whole event) without advancing media time.
    pub fn packet(
        &mut self,
        payload_type: u8,
        marker: bool,
        timestamp: u32,
        payload: &[u8],
    ) -> Vec<u8> {
        let p = RtpPacket {
            marker,
            payload_type,
            sequence: self.sequence,
            timestamp,
            ssrc: self.ssrc,
            payload,
        };
        self.sequence = self.sequence.wrapping_add(1);
        p.to_vec()
    }

    /// Moves media time on without sending (silence suppressed, or time an event took).
    pub fn skip(&mut self, samples: u32) {
        self.timestamp = self.timestamp.wrapping_add(samples);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trip() {
        let p = RtpPacket {
            marker: true,
            payload_type: 8,
            sequence: 65_535,
            timestamp: 0xDEAD_BEEF,
            ssrc: 42,
            payload: &[1, 2, 3],
        };
        let bytes = p.to_vec();
        assert_eq!(bytes.len(), 15);
        assert_eq!(RtpPacket::parse(&bytes), Ok(p));
    }

    #[test]
    fn csrcs_extension_and_padding_are_skipped() {
        let mut b = vec![0x80 | 0x20 | 0x10 | 2, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7];
        b.extend_from_slice(&[0; 8]); // two CSRCs
        b.extend_from_slice(&[0xBE, 0xDE, 0, 1, 9, 9, 9, 9]); // one-word extension
        b.extend_from_slice(&[5, 6, 7]); // payload
        b.extend_from_slice(&[0, 0, 3]); // padding of 3
        let p = RtpPacket::parse(&b).unwrap();
        assert_eq!(p.payload, &[5, 6, 7]);
        assert_eq!(p.timestamp, 160);
        assert_eq!(p.ssrc, 7);
    }

    #[test]
    fn bad_packets_say_why() {
        assert_eq!(
            RtpPacket::parse(&[0x80; 5]),
            Err(RtpError::TooShort { len: 5, needed: 12 })
        );
        assert_eq!(RtpPacket::parse(&[0x40; 12]), Err(RtpError::Version(1)));
        let mut b = vec![0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 9];
        assert!(matches!(
            RtpPacket::parse(&b),
            Err(RtpError::Padding { padding: 9, .. })
        ));
        b[0] = 0x8F; // 15 CSRCs claimed
        assert!(matches!(
            RtpPacket::parse(&b),
            Err(RtpError::TooShort { .. })
        ));
    }

    #[test]
    fn the_sender_numbers_and_times_packets() {
        let mut s = RtpSender::new(9, 65_535, u32::MAX - 100);
        let a = s.media(0, true, &[0xFF; 160], 160);
        let b = s.media(0, false, &[0xFF; 160], 160);
        let (a, b) = (RtpPacket::parse(&a).unwrap(), RtpPacket::parse(&b).unwrap());
        assert_eq!((a.sequence, b.sequence), (65_535, 0));
        assert_eq!(b.timestamp, a.timestamp.wrapping_add(160));
        assert!(a.marker && !b.marker);
    }

    proptest! {
        #[test]
        fn never_panics(data in prop::collection::vec(any::<u8>(), 0..80)) {
            let _ = RtpPacket::parse(&data);
        }

        #[test]
        fn parses_what_it_writes(m: bool, pt in 0u8..128, seq: u16, ts: u32, ssrc: u32,
                                 payload in prop::collection::vec(any::<u8>(), 0..200)) {
            let p = RtpPacket { marker: m, payload_type: pt, sequence: seq, timestamp: ts, ssrc, payload: &payload };
            let bytes = p.to_vec();
            prop_assert_eq!(RtpPacket::parse(&bytes), Ok(p));
        }
    }
}
