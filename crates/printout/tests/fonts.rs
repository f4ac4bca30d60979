//! Finding fonts: clear errors naming the Debian package to install, and
//! Chinese refused (not printed as boxes) without a CJK font.

mod common;

use std::path::{Path, PathBuf};

use printout::{Block, Document, FontError, FontPaths, Fonts, PrintError, render};

const DEJAVU: &str = "/usr/share/fonts/truetype/dejavu";

/// A fresh, empty directory for one test.
fn empty_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("printout-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

#[test]
fn a_fonts_directory_without_fonts_names_the_packages_to_install() {
    let dir = empty_dir("nofonts");
    let error = Fonts::from_dir(&dir).expect_err("no fonts there");
    assert!(matches!(error, FontError::NoMainFont { .. }), "{error}");
    assert!(
        error.to_string().contains("install fonts-dejavu-core"),
        "{error}"
    );

    for file in ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"] {
        std::fs::copy(Path::new(DEJAVU).join(file), dir.join(file)).expect("DejaVu copied");
    }
    let error = Fonts::from_dir(&dir).expect_err("no CJK font there");
    assert!(
        error
            .to_string()
            .starts_with("no CJK font: install fonts-noto-cjk"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn chinese_without_a_cjk_font_is_an_error_and_other_scripts_still_print() {
    let fonts = Fonts::from_paths(&FontPaths {
        regular: Path::new(DEJAVU).join("DejaVuSans.ttf"),
        bold: Path::new(DEJAVU).join("DejaVuSans-Bold.ttf"),
        cjk_regular: None,
        cjk_bold: None,
    })
    .expect("DejaVu loads");
    assert!(!fonts.has_cjk());
    let doc = |text: &str| Document {
        title: "t".into(),
        language: "zh".into(),
        blocks: vec![Block::Paragraph(text.into())],
    };
    match render(&doc("付款提醒函"), &fonts) {
        Err(e @ PrintError::NoCjkFont { character: '付' }) => {
            assert!(e.to_string().contains("install fonts-noto-cjk"), "{e}");
        }
        other => panic!("expected NoCjkFont, got {other:?}"),
    }
    render(&doc("Напоминание об оплате"), &fonts).expect("Cyrillic needs no CJK font");
}

#[test]
fn the_system_fonts_include_chinese() {
    assert!(common::fonts().has_cjk());
}
