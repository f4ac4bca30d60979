//! Embeds the prompts: writes `$OUT_DIR/prompts.rs` with every
//! `prompts/LANG/NAME.wav` as `(LANG, NAME, include_bytes!(…))`, sorted.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it is compiled: one compiled
    // script may serve checkouts at other paths.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("prompts");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut entries = Vec::new();
    for lang in std::fs::read_dir(&dir).expect("crates/telephony/prompts exists") {
        let lang = lang.expect("readable prompts folder").path();
        if !lang.is_dir() {
            continue;
        }
        println!("cargo::rerun-if-changed={}", lang.display());
        for file in std::fs::read_dir(&lang).expect("readable language folder") {
            let path = file.expect("readable prompt").path();
            if path.extension().is_some_and(|e| e == "wav") {
                let l = lang.file_name().unwrap().to_string_lossy().into_owned();
                let n = path.file_stem().unwrap().to_string_lossy().into_owned();
                entries.push((l, n, path));
            }
        }
    }
    entries.sort();
    let mut code = String::from(
        "/// Every embedded prompt: (language, name, WAV bytes), sorted.\npub(crate) static PROMPTS: &[(&str, &str, &[u8])] = &[\n",
    );
    for (l, n, p) in entries {
        writeln!(
            code,
            "    ({l:?}, {n:?}, include_bytes!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("prompts.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
