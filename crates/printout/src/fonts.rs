//! The fonts a document is set in, read from disk once and shared.
//!
//! This is the crate's only IO. A [`Fonts`] holds a main face (regular and
//! bold) for Latin, Greek and Cyrillic, and optionally a CJK face for
//! Chinese; cloning it is cheap (an `Arc`), so a server loads it at start-up
//! and keeps one. The font files are Debian's:
//!
//! - `fonts-dejavu-core`: `/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`
//!   and `DejaVuSans-Bold.ttf` (or `fonts-noto-core`'s `NotoSans-Regular.ttf`
//!   and `NotoSans-Bold.ttf` when DejaVu is not installed);
//! - `fonts-noto-cjk`: `/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc`
//!   and `NotoSansCJK-Bold.ttc`, collections of which the Simplified Chinese
//!   face (`Noto Sans CJK SC`) is used.
//!
//! The CJK collections are about 20 MB each: they are read once here and
//! only the glyphs a document uses end up in its PDF (a subset).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustybuzz::ttf_parser;

/// Where Debian installs the main font, in order of preference: (regular, bold, package).
const MAIN_CANDIDATES: [(&str, &str, &str); 2] = [
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "fonts-dejavu-core",
    ),
    (
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        "fonts-noto-core",
    ),
];

/// Where Debian's `fonts-noto-cjk` installs the CJK collections: (regular, bold).
const CJK_CANDIDATE: (&str, &str) = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
);

/// The file names [`Fonts::from_dir`] looks for: main (regular, bold) pairs, then the CJK pair.
const DIR_MAIN_NAMES: [(&str, &str); 2] = [
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
];
const DIR_CJK_NAMES: (&str, &str) = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc");

/// The face of a CJK collection used for Chinese (Simplified).
const CJK_FACE_NAME: &str = "CJK SC";

/// Why fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// No file for the main (Latin, Greek, Cyrillic) font was found.
    #[error("no font for Latin and Cyrillic text: install fonts-dejavu-core (looked for {looked})")]
    NoMainFont {
        /// The paths tried, comma-separated.
        looked: String,
    },
    /// No file for the CJK font was found.
    #[error(
        "no CJK font: install fonts-noto-cjk or set a fonts directory holding \
         NotoSansCJK-Regular.ttc (looked for {looked})"
    )]
    NoCjkFont {
        /// The paths tried, comma-separated.
        looked: String,
    },
    /// A font file exists but could not be read.
    #[error("cannot read the font file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A font file was read but is not a font this crate can use.
    #[error("{path} is not a usable TrueType/OpenType font (face {index})")]
    NotAFont {
        /// The file.
        path: PathBuf,
        /// The face index tried within the file.
        index: u32,
    },
}

/// Explicit font files, for [`Fonts::from_paths`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontPaths {
    /// The main face, regular weight (Latin, Greek, Cyrillic).
    pub regular: PathBuf,
    /// The main face, bold.
    pub bold: PathBuf,
    /// A CJK font or collection (`.ttc`: its Simplified Chinese face is
    /// used); without one, Chinese text cannot be printed.
    pub cjk_regular: Option<PathBuf>,
    /// Its bold weight; the regular one is used for bold when absent.
    pub cjk_bold: Option<PathBuf>,
}

/// One loaded face: the file's bytes (shared) and which face of it.
pub(crate) struct Face {
    /// The whole file; a collection holds several faces.
    pub(crate) data: Arc<Vec<u8>>,
    /// The face within the file (0 for a plain `.ttf`).
    pub(crate) index: u32,
    /// The same face as krilla embeds it (cheap to clone).
    pub(crate) pdf: krilla::text::Font,
}

/// The loaded faces.
pub(crate) struct FontSet {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
    pub(crate) cjk: Option<(Face, Option<Face>)>,
}

/// The fonts documents are set in: a main face and an optional CJK fallback,
/// loaded once; clones share the loaded files.
#[derive(Clone)]
pub struct Fonts {
    pub(crate) set: Arc<FontSet>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fonts")
            .field("cjk", &self.has_cjk())
            .finish_non_exhaustive()
    }
}

impl Fonts {
    /// The fonts Debian installs (see the module's documentation): the main
    /// font from `fonts-dejavu-core` (or `fonts-noto-core`) and the CJK one
    /// from `fonts-noto-cjk`, both required.
    pub fn system() -> Result<Fonts, FontError> {
        let main = MAIN_CANDIDATES
            .iter()
            .find(|(regular, bold, _)| Path::new(regular).is_file() && Path::new(bold).is_file())
            .ok_or_else(|| FontError::NoMainFont {
                looked: MAIN_CANDIDATES.map(|c| c.0).join(", "),
            })?;
        if !Path::new(CJK_CANDIDATE.0).is_file() {
            return Err(FontError::NoCjkFont {
                looked: CJK_CANDIDATE.0.into(),
            });
        }
        let bold = Path::new(CJK_CANDIDATE.1);
        Fonts::from_paths(&FontPaths {
            regular: main.0.into(),
            bold: main.1.into(),
            cjk_regular: Some(CJK_CANDIDATE.0.into()),
            cjk_bold: bold.is_file().then(|| bold.to_path_buf()),
        })
    }

    /// The same files as [`Fonts::system`], found in one directory (a
    /// configured fonts directory): `DejaVuSans.ttf` and
    /// `DejaVuSans-Bold.ttf` (or `NotoSans-Regular.ttf` and
    /// `NotoSans-Bold.ttf`), and `NotoSansCJK-Regular.ttc` (required) with
    /// `NotoSansCJK-Bold.ttc` (optional).
    pub fn from_dir(dir: &Path) -> Result<Fonts, FontError> {
        let main = DIR_MAIN_NAMES
            .iter()
            .map(|(r, b)| (dir.join(r), dir.join(b)))
            .find(|(r, b)| r.is_file() && b.is_file())
            .ok_or_else(|| FontError::NoMainFont {
                looked: DIR_MAIN_NAMES
                    .map(|n| dir.join(n.0).display().to_string())
                    .join(", "),
            })?;
        let cjk = dir.join(DIR_CJK_NAMES.0);
        if !cjk.is_file() {
            return Err(FontError::NoCjkFont {
                looked: cjk.display().to_string(),
            });
        }
        let cjk_bold = dir.join(DIR_CJK_NAMES.1);
        Fonts::from_paths(&FontPaths {
            regular: main.0,
            bold: main.1,
            cjk_regular: Some(cjk),
            cjk_bold: cjk_bold.is_file().then_some(cjk_bold),
        })
    }

    /// The fonts in these files (a missing CJK font is allowed here: such a
    /// [`Fonts`] prints every language but Chinese).
    pub fn from_paths(paths: &FontPaths) -> Result<Fonts, FontError> {
        let regular = load(&paths.regular, None)?;
        let bold = load(&paths.bold, None)?;
        let cjk = match &paths.cjk_regular {
            None => None,
            Some(path) => {
                let regular = load(path, Some(CJK_FACE_NAME))?;
                let bold = match &paths.cjk_bold {
                    Some(path) => Some(load(path, Some(CJK_FACE_NAME))?),
                    None => None,
                };
                Some((regular, bold))
            }
        };
        Ok(Fonts {
            set: Arc::new(FontSet { regular, bold, cjk }),
        })
    }

    /// Whether a CJK font is loaded (Chinese text can be printed).
    pub fn has_cjk(&self) -> bool {
        self.set.cjk.is_some()
    }
}

/// Reads a font file and picks its face: the first, or in a collection the
/// one whose family name contains `want` (falling back to the first).
fn load(path: &Path, want: Option<&str>) -> Result<Face, FontError> {
    let data = std::fs::read(path).map_err(|source| FontError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let index = want.and_then(|w| find_face(&data, w)).unwrap_or(0);
    let data = Arc::new(data);
    let not_a_font = || FontError::NotAFont {
        path: path.to_path_buf(),
        index,
    };
    // Check that the shaper can read the face too, so rendering need not.
    ttf_parser::Face::parse(&data, index).map_err(|_| not_a_font())?;
    let pdf = krilla::text::Font::new(data.clone().into(), index).ok_or_else(not_a_font)?;
    Ok(Face { data, index, pdf })
}

/// The index of the face in a collection whose family name contains `want`
/// and is not a monospaced variant.
fn find_face(data: &[u8], want: &str) -> Option<u32> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count).find(|&i| {
        let Ok(face) = ttf_parser::Face::parse(data, i) else {
            return false;
        };
        face.names().into_iter().any(|name| {
            name.name_id == ttf_parser::name_id::FAMILY
                && name
                    .to_string()
                    .is_some_and(|n| n.contains(want) && !n.contains("Mono"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync + Clone>() {}
        shareable::<Fonts>();
    }
}
