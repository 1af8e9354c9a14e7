"""Keep the zh_CN catalog complete: extract, merge, fill from TSV files, compile.

    python tools/translations.py [TSV ...]

Extracts every message from the code and templates, updates
tracker/translations/zh_CN/LC_MESSAGES/messages.po (keeping existing translations), fills
empty ones from the given `English<TAB>中文` files, reports what is still untranslated, and
compiles messages.mo. The test suite fails while any message lacks a translation.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "tracker" / "translations"
# Babel resolves zh_CN to zh_Hans_CN, then to zh: the catalog lives under `zh`.
PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
POT = ROOT / "build" / "messages.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def fill(tsv_files: list[str]) -> list[str]:
    known: dict[str, str] = {}
    for name in tsv_files:
        with open(name, encoding="utf-8") as handle:
            for row in csv.reader(handle, delimiter="\t"):
                if len(row) >= 2 and row[0] and row[1]:
                    known[row[0]] = row[1]
    with open(PO, "rb") as handle:
        catalog = read_po(handle, locale="zh")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if message.fuzzy:
            message.flags.discard("fuzzy")
            message.string = known.get(key, "")
        if not message.string or (isinstance(message.string, tuple) and not message.string[0]):
            if key in known:
                message.string = known[key] if isinstance(message.id, str) else (known[key],)
            else:
                missing.append(key)
    with open(PO, "wb") as handle:
        write_po(handle, catalog, width=100)
    return missing


def main() -> None:
    POT.parent.mkdir(exist_ok=True)
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "--no-location", "--sort-output",
            "-o", str(POT), "tracker")
    if PO.exists():
        pybabel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", "zh", "--no-fuzzy-matching",
                "--ignore-obsolete")
    else:
        pybabel("init", "-i", str(POT), "-d", str(TRANSLATIONS), "-l", "zh")
    missing = fill(sys.argv[1:])
    pybabel("compile", "-d", str(TRANSLATIONS), "-l", "zh")
    for message in missing:
        print("untranslated:", message)
    print(f"{len(missing)} untranslated")


if __name__ == "__main__":
    main()
