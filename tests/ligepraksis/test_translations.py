"""Danish is the default language: the catalogue is complete and the compiled .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "da" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(text: str):
    """A small .po reader: yields (flags, msgid, msgstrs) per entry; enough for Django's catalogue."""
    entry = {"flags": "", "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}}
    key = None

    def flush():
        if entry["msgid"] is not None:
            # A message with a context is stored under "context\x04msgid" in the compiled catalogue.
            msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
            yield entry["flags"], msgid, entry["msgid_plural"], entry["msgstr"]

    for line in text.splitlines() + [""]:
        line = line.strip()
        if not line:
            yield from flush()
            entry = {"flags": "", "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}}
            key = None
        elif line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key in ("msgctxt", "msgid", "msgid_plural"):
                entry[key] += value
            else:
                entry["msgstr"][key] += value
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word in ("msgctxt", "msgid", "msgid_plural"):
                entry[word], key = value, word
            else:
                index = word[len("msgstr[") : -1] if "[" in word else "0"
                entry["msgstr"][index], key = value, index


def test_every_message_is_translated_and_none_is_fuzzy():
    missing, fuzzy = [], []
    for flags, msgid, _plural, msgstrs in _entries(PO.read_text(encoding="utf-8")):
        if msgid == "":
            continue
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if not all(msgstrs.values()) or not msgstrs:
            missing.append(msgid)
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for _flags, msgid, plural, msgstrs in _entries(PO.read_text(encoding="utf-8")):
        if msgid == "" or plural:
            continue
        assert compiled.gettext(msgid) == msgstrs["0"], f"{msgid!r}: run manage.py compilemessages"


def test_danish_is_the_default_and_english_selectable(client, db):
    response = client.get("/")
    assert '<html lang="da">' in response.content.decode()
    assert "Log ind" in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="da")
    assert '<html lang="en">' in response.content.decode()
    assert "Log in" in response.content.decode()


def test_browser_language_does_not_override_danish(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="da">' in response.content.decode()
    with translation.override("da"):
        assert translation.gettext("Submitted") == "Indsendt"
