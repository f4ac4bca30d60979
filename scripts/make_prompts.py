#!/usr/bin/env python3
"""Regenerates the switch's prompts (crates/telephony/prompts/LANG/NAME.wav) from prompts.toml.

Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox). Each prompt is synthesised,
resampled to 8 kHz mono, companded to G.711 u-law and trimmed of leading and trailing silence.
"""
import pathlib
import subprocess
import sys
import tempfile
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "crates" / "telephony" / "prompts"
VOICES = {"en": "en-gb", "es": "es", "ca": "ca", "cs": "cs"}


def main() -> int:
    table = tomllib.loads((ROOT / "prompts.toml").read_text(encoding="utf-8"))
    names = set(table["en"])
    for lang, prompts in table.items():
        if set(prompts) != names:
            print(f"{lang}: prompts differ from en: {sorted(set(prompts) ^ names)}", file=sys.stderr)
            return 1
        out_dir = ROOT / lang
        out_dir.mkdir(exist_ok=True)
        for name, text in sorted(prompts.items()):
            with tempfile.NamedTemporaryFile(suffix=".wav") as raw:
                subprocess.run(["espeak-ng", "-v", VOICES[lang], "-s", "150", "-w", raw.name, text], check=True)
                subprocess.run(
                    ["sox", raw.name, "-r", "8000", "-c", "1", "-e", "u-law", str(out_dir / f"{name}.wav"),
                     "gain", "-n", "-3", "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"],
                    check=True,
                )
    print(f"{len(names)} prompts in {len(table)} languages written to {ROOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
