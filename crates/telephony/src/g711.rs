//! G.711: 8-bit logarithmic companding of 16-bit linear audio (ITU-T G.711),
//! μ-law (PCMU, RTP payload type 0) and A-law (PCMA, payload type 8).

/// RTP payload type of PCMU.
pub const PCMU: u8 = 0;
/// RTP payload type of PCMA.
pub const PCMA: u8 = 8;

/// Which G.711 law.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Law {
    /// μ-law, PCMU (North America, Japan).
    Mu,
    /// A-law, PCMA (Europe and most of the world).
    A,
}

impl Law {
    /// The law of an RTP payload type, if it is G.711.
    pub fn from_payload_type(pt: u8) -> Option<Law> {
        match pt {
            PCMU => Some(Law::Mu),
            PCMA => Some(Law::A),
            _ => None,
        }
    }

    /// Its RTP payload type.
    pub fn payload_type(self) -> u8 {
        match self {
            Law::Mu => PCMU,
            Law::A => PCMA,
        }
    }

    /// Its SDP encoding name.
    pub fn name(self) -> &'static str {
        match self {
            Law::Mu => "PCMU",
            Law::A => "PCMA",
        }
    }

    /// Encodes one sample.
    pub fn encode(self, sample: i16) -> u8 {
        match self {
            Law::Mu => ulaw_encode(sample),
            Law::A => alaw_encode(sample),
        }
    }

    /// Decodes one byte.
    pub fn decode(self, byte: u8) -> i16 {
        match self {
            Law::Mu => ulaw_decode(byte),
            Law::A => alaw_decode(byte),
        }
    }

    /// Encodes samples, appending to `out`.
    pub fn encode_into(self, samples: &[i16], out: &mut Vec<u8>) {
        out.extend(samples.iter().map(|&s| self.encode(s)));
    }

    /// Decodes bytes, appending to `out`.
    pub fn decode_into(self, bytes: &[u8], out: &mut Vec<i16>) {
        out.extend(bytes.iter().map(|&b| self.decode(b)));
    }
}

const ULAW_BIAS: i32 = 0x84;
const ULAW_CLIP: i32 = 32_635;

/// μ-law encoding of one linear sample.
pub fn ulaw_encode(sample: i16) -> u8 {
    let mut s = i32::from(sample);
    let sign = if s < 0 {
        s = -s;
        0x80
    } else {
        0
    };
    s = s.min(ULAW_CLIP) + ULAW_BIAS;
    // s is in [0x84, 0x7FFF]: its highest set bit is 7..=14.
    let exponent = (31 - s.leading_zeros() as i32 - 7) as u8;
    let mantissa = ((s >> (exponent + 3)) & 0x0F) as u8;
    !(sign | (exponent << 4) | mantissa)
}

/// Linear value of one μ-law byte.
pub fn ulaw_decode(byte: u8) -> i16 {
    let b = !byte;
    let exponent = (b >> 4) & 0x07;
    let mantissa = i32::from(b & 0x0F);
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    (if b & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// A-law encoding of one linear sample.
pub fn alaw_encode(sample: i16) -> u8 {
    let mut s = i32::from(sample) >> 3; // 13 significant bits
    let mask = if s >= 0 {
        0xD5
    } else {
        s = -s - 1;
        0x55
    };
    let s = s.min(0xFFF);
    let segment = if s < 0x20 {
        0
    } else {
        (31 - s.leading_zeros() as i32 - 4) as u8
    };
    let mantissa = if segment < 2 {
        (s >> 1) & 0x0F
    } else {
        (s >> segment) & 0x0F
    } as u8;
    ((segment << 4) | mantissa) ^ mask
}

/// Linear value of one A-law byte.
pub fn alaw_decode(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let mantissa = i32::from(a & 0x0F) << 4;
    let segment = (a & 0x70) >> 4;
    let magnitude = match segment {
        0 => mantissa + 8,
        1 => mantissa + 0x108,
        _ => (mantissa + 0x108) << (segment - 1),
    };
    (if a & 0x80 != 0 { magnitude } else { -magnitude }) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(ulaw_encode(0), 0xFF);
        assert_eq!(ulaw_decode(0xFF), 0);
        assert_eq!(ulaw_decode(0x00), -32_124);
        assert_eq!(ulaw_decode(0x80), 32_124);
        assert_eq!(ulaw_encode(i16::MAX), 0x80);
        assert_eq!(ulaw_encode(i16::MIN), 0x00);
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(alaw_decode(0xD5), 8);
        assert_eq!(alaw_decode(0x55), -8);
        assert_eq!(alaw_decode(0xAA), 32_256);
        assert_eq!(alaw_decode(0x2A), -32_256);
        assert_eq!(alaw_encode(i16::MAX), 0xAA);
        assert_eq!(alaw_encode(i16::MIN), 0x2A);
    }

    #[test]
    fn every_code_survives_a_round_trip() {
        for b in 0..=255u8 {
            assert_eq!(alaw_encode(alaw_decode(b)), b, "A-law {b:#04x}");
            // μ-law has two zeros (0x7F is -0); every other code maps back to itself.
            if b != 0x7F {
                assert_eq!(ulaw_encode(ulaw_decode(b)), b, "μ-law {b:#04x}");
            }
        }
    }

    #[test]
    fn quantisation_error_stays_within_the_step() {
        for s in (i16::MIN..=i16::MAX).step_by(7) {
            for law in [Law::Mu, Law::A] {
                let back = i32::from(law.decode(law.encode(s)));
                let err = (back - i32::from(s)).abs();
                // Logarithmic steps: about 1/16 of the magnitude, at least a few units.
                let bound = (i32::from(s).abs() / 16).max(16) + 8;
                assert!(
                    err <= bound,
                    "{law:?} {s} -> {back} (error {err} > {bound})"
                );
            }
        }
    }

    #[test]
    fn encoding_is_monotonic() {
        for law in [Law::Mu, Law::A] {
            let mut last = i16::MIN;
            for s in (i16::MIN..=i16::MAX).step_by(3) {
                let v = law.decode(law.encode(s));
                assert!(v >= last, "{law:?}: {s} decodes to {v} below {last}");
                last = v;
            }
        }
    }
}
