"""Chinese first, English second: every string a person reads has its Chinese translation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
CATALOG = PACKAGE / "translations" / "zh" / "LC_MESSAGES"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), METHODS, keywords=KEYWORDS, comment_tags=()):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_code_has_a_chinese_translation():
    with open(CATALOG / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale="zh")
    translated = {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog
                  if m.id and (m.string if isinstance(m.string, str) else m.string[0]) and not m.fuzzy}
    missing = sorted(source_messages() - translated)
    assert missing == [], "run: python tools/translations.py FILE.tsv"


def test_the_compiled_catalog_matches_the_source_catalog():
    def ids(catalog) -> set[str]:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}

    with open(CATALOG / "messages.po", "rb") as handle:
        source = ids(read_po(handle, locale="zh"))
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = ids(read_mo(handle))
    assert source == compiled, "run: python tools/translations.py (it compiles the .mo)"


def test_pages_speak_chinese_by_default_and_english_on_request(client):
    chinese = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese and "登录" in chinese
    client.get("/lang/en")
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in english and "Sign in" in english
