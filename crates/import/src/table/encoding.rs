//! Text encodings of CSV files, and telling them apart.
//!
//! # Detection
//!
//! Valid UTF-8 (with or without a byte-order mark) is UTF-8; a plain ASCII
//! file is UTF-8 too. Otherwise the file is one of the three single-byte
//! encodings that Czech, Slovak, Polish, Hungarian, Spanish and Catalan files
//! come in, and the bytes from 0x80 up decide: each candidate decodes them,
//! and each decoded character scores by how plausible it is in a name or
//! an address:
//!
//! - a C1 control character (what 0x8A, 0x8D, 0x9A, 0x9E… are in
//!   ISO-8859-2, where Windows-1250 has Š Ť š ž) scores −10;
//! - a symbol (© ® ¹ ¾ « » ˇ…, what ISO-8859-2's Š Ž š ž are in
//!   Windows-1252 or what some of its letters are in Windows-1250)
//!   scores −2;
//! - a letter scores by how common it is in its languages: Czech and Slovak
//!   (č ř ě ů ň ď ť ľ š ž) and Spanish and Catalan (ñ à è ò ï ç ¿ ¡ · ª º)
//!   3, Polish and Hungarian (ą ę ł ń ś ź ż ő ű ć) 2, other Western letters
//!   (ì ù ã õ â ê î û ë œ) 1.5, letters common to all (á é í ó ú ý ä ö ü…) 1,
//!   rarer ones (ĺ ŕ ă ş ţ ø å æ ð þ) 0.5 to 1.
//!
//! A decoding that mixes letters only Western languages use (à è ò ñ ø…)
//! with letters only Central European ones use (č ř š ž ą…) loses 2 for each
//! pair: Czech read as Windows-1252 gives "Èermákovᚔ, Western and Central
//! at once. The highest score wins; on a tie Windows-1252 comes first, then
//! Windows-1250 (ties come from bytes that decode alike, where the choice
//! does not change the text).

use std::borrow::Cow;
use std::fmt;

/// A text encoding of a CSV file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Encoding {
    /// UTF-8 (a byte-order mark is skipped).
    Utf8,
    /// Windows-1250, Central European.
    Windows1250,
    /// Windows-1252, Western European (what "ISO-8859-1" means in practice).
    Windows1252,
    /// ISO-8859-2, Central European.
    Iso8859_2,
}

/// The candidates for a file that is not UTF-8, in tie-break order.
const LEGACY: [Encoding; 3] = [
    Encoding::Windows1252,
    Encoding::Windows1250,
    Encoding::Iso8859_2,
];

impl Encoding {
    /// The encoding for a common name, any case: "utf-8", "utf8",
    /// "windows-1250", "cp1250", "windows-1252", "cp1252", "iso-8859-2",
    /// "latin2", and "iso-8859-1" or "latin1" (read as Windows-1252, as web
    /// browsers do).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.trim().to_ascii_lowercase().replace('_', "-");
        Some(match name.as_str() {
            "utf-8" | "utf8" => Self::Utf8,
            "windows-1250" | "cp1250" | "cp-1250" | "win1250" | "x-cp1250" => Self::Windows1250,
            "windows-1252" | "cp1252" | "cp-1252" | "win1252" | "x-cp1252" | "iso-8859-1"
            | "iso8859-1" | "latin1" | "latin-1" | "l1" => Self::Windows1252,
            "iso-8859-2" | "iso8859-2" | "latin2" | "latin-2" | "l2" => Self::Iso8859_2,
            _ => return None,
        })
    }

    /// The canonical name: "utf-8", "windows-1250", "windows-1252",
    /// "iso-8859-2".
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Windows1250 => "windows-1250",
            Self::Windows1252 => "windows-1252",
            Self::Iso8859_2 => "iso-8859-2",
        }
    }

    /// Guess the encoding of a file (see the module documentation).
    pub fn detect(bytes: &[u8]) -> Self {
        if bytes.starts_with(BOM) || std::str::from_utf8(bytes).is_ok() {
            return Self::Utf8;
        }
        let mut counts = [0u64; 128];
        for &b in bytes {
            if b >= 0x80 {
                counts[usize::from(b - 0x80)] += 1;
            }
        }
        let mut best = (f64::NEG_INFINITY, Self::Windows1252);
        for candidate in LEGACY {
            let score = candidate.score(&counts);
            if score > best.0 {
                best = (score, candidate);
            }
        }
        best.1
    }

    /// How plausible the high bytes are as text in this encoding.
    fn score(self, counts: &[u64; 128]) -> f64 {
        let (mut total, mut western, mut central) = (0.0, 0, 0);
        for (i, &n) in counts.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let c = self.decode_byte(0x80 + i as u8);
            let (weight, group) = plausibility(c);
            total += weight * n as f64;
            match group {
                Group::Western => western += n,
                Group::Central => central += n,
                Group::Any => {}
            }
        }
        total - 2.0 * western.min(central) as f64
    }

    /// The character one byte stands for.
    fn decode_byte(self, b: u8) -> char {
        let mut out = [0u16; 2];
        let mut decoder = self.encoding_rs().new_decoder_without_bom_handling();
        let (_, _, written, _) = decoder.decode_to_utf16(&[b], &mut out, true);
        char::from_u32(u32::from(out[..written].first().copied().unwrap_or(0xFFFD)))
            .unwrap_or('\u{FFFD}')
    }

    fn encoding_rs(self) -> &'static encoding_rs::Encoding {
        match self {
            Self::Utf8 => encoding_rs::UTF_8,
            Self::Windows1250 => encoding_rs::WINDOWS_1250,
            Self::Windows1252 => encoding_rs::WINDOWS_1252,
            Self::Iso8859_2 => encoding_rs::ISO_8859_2,
        }
    }

    /// The file's bytes as UTF-8: borrowed for UTF-8 (without its
    /// byte-order mark, not checked here), decoded once otherwise.
    pub(crate) fn to_utf8(self, bytes: &[u8]) -> Cow<'_, [u8]> {
        match self {
            Self::Utf8 => Cow::Borrowed(bytes.strip_prefix(BOM).unwrap_or(bytes)),
            _ => {
                let (text, _) = self.encoding_rs().decode_without_bom_handling(bytes);
                match text {
                    Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
                    Cow::Owned(s) => Cow::Owned(s.into_bytes()),
                }
            }
        }
    }

    /// Encode text (for tests and fixtures): the bytes, and whether every
    /// character could be encoded.
    pub fn encode(self, text: &str) -> (Vec<u8>, bool) {
        if self == Self::Utf8 {
            return (text.as_bytes().to_vec(), true);
        }
        let (bytes, _, unmappable) = self.encoding_rs().encode(text);
        (bytes.into_owned(), !unmappable)
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Which languages a letter points to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Western,
    Central,
    Any,
}

/// A decoded character's weight and language group.
fn plausibility(c: char) -> (f64, Group) {
    const CZECH: &str = "čřěůňďťľšžČŘĚŮŇĎŤĽŠŽ";
    const POLISH: &str = "ąęłńśźżőűćĄĘŁŃŚŹŻŐŰĆ";
    const CENTRAL_RARE: &str = "ĺŕăşţĹŔĂŞŢ";
    const SPANISH: &str = "ñàèòïÑÀÈÒÏ¿¡·ªº";
    const WESTERN: &str = "ìùãõâêîûëœÌÙÃÕÂÊÎÛËŒÿŸ";
    const WESTERN_RARE: &str = "øåæðþØÅÆÐÞ";
    if CZECH.contains(c) {
        (3.0, Group::Central)
    } else if SPANISH.contains(c) {
        (3.0, Group::Western)
    } else if POLISH.contains(c) {
        (2.0, Group::Central)
    } else if WESTERN.contains(c) {
        (1.5, Group::Western)
    } else if CENTRAL_RARE.contains(c) {
        (1.0, Group::Central)
    } else if WESTERN_RARE.contains(c) {
        (0.5, Group::Western)
    } else if c.is_alphabetic() {
        (1.0, Group::Any)
    } else if ('\u{80}'..='\u{9F}').contains(&c) || c == '\u{FFFD}' {
        (-10.0, Group::Any)
    } else if matches!(
        c,
        '\u{A0}' | '€' | '°' | '–' | '—' | '’' | '‘' | '“' | '”' | '…'
    ) {
        (0.0, Group::Any)
    } else {
        (-2.0, Group::Any)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(Encoding::parse("UTF-8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("utf8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("CP1250"), Some(Encoding::Windows1250));
        assert_eq!(Encoding::parse("windows-1252"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::parse("latin1"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::parse("ISO-8859-1"), Some(Encoding::Windows1252));
        assert_eq!(Encoding::parse("latin2"), Some(Encoding::Iso8859_2));
        assert_eq!(Encoding::parse("iso_8859-2"), Some(Encoding::Iso8859_2));
        assert_eq!(Encoding::parse("ebcdic"), None);
        for e in [
            Encoding::Utf8,
            Encoding::Windows1250,
            Encoding::Windows1252,
            Encoding::Iso8859_2,
        ] {
            assert_eq!(Encoding::parse(e.as_str()), Some(e));
        }
    }

    #[test]
    fn single_bytes() {
        assert_eq!(Encoding::Windows1250.decode_byte(0x9A), 'š');
        assert_eq!(Encoding::Iso8859_2.decode_byte(0xB9), 'š');
        assert_eq!(Encoding::Windows1252.decode_byte(0xE8), 'è');
        assert_eq!(Encoding::Iso8859_2.decode_byte(0x9A), '\u{9A}');
    }

    #[test]
    fn plain_ascii_and_bom_are_utf8() {
        assert_eq!(Encoding::detect(b"name;phone\nAna;612\n"), Encoding::Utf8);
        assert_eq!(Encoding::detect(b"\xEF\xBB\xBFname\n"), Encoding::Utf8);
        assert_eq!(&*Encoding::Utf8.to_utf8(b"\xEF\xBB\xBFname"), b"name");
    }
}
