//! Shared by the integration tests: the fonts, loaded once, and text
//! extraction with poppler's `pdftotext`.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use printout::Fonts;

/// Debian's fonts, loaded once for all tests of a binary.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| match Fonts::system() {
        Ok(fonts) => fonts,
        Err(e) => panic!("{e}"),
    })
}

/// The text of a PDF as `pdftotext` extracts it (pages separated by form
/// feeds), or `None` when pdftotext is not installed and `CI` is unset.
/// Under `CI` a missing pdftotext fails the test.
pub fn pdf_text(pdf: &[u8]) -> Option<String> {
    let child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var_os("CI").is_some() {
                panic!("pdftotext is missing: install poppler-utils (CI is set, so this fails)");
            }
            // Straight to stderr, once: the test harness hides eprintln! of passing tests.
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                let notice = "NOTICE: pdftotext not found (install poppler-utils): PDF text checks skipped\n";
                let _ = std::io::stderr().write_all(notice.as_bytes());
            });
            return None;
        }
        Err(e) => panic!("cannot run pdftotext: {e}"),
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = pdf.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("pdftotext runs");
    writer
        .join()
        .expect("writer thread")
        .expect("pdf written to pdftotext");
    assert!(
        out.status.success(),
        "pdftotext rejected the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "pdftotext complained: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("pdftotext writes UTF-8"))
}

/// Text with every kind of space (no-break, narrow no-break, newlines) as
/// one plain space, for comparing extracted text.
pub fn squash(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a PDF to `$PRINTOUT_DUMP/<name>.pdf` when that variable is set,
/// for looking at what the tests print.
pub fn dump(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("PRINTOUT_DUMP") {
        let path = std::path::Path::new(&dir).join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("dump written");
    }
}
