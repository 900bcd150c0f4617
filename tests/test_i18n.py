"""Every message the code can say is in both catalogues, with the same placeholders."""
from __future__ import annotations

import re
import string

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import ROOT
from service.domain.findings import Msg
from service.i18n import LANGUAGES, render

MSGIDS = sorted({m[2] for m in extract_from_dir(str(ROOT / "service"), keywords={"N_": None, "_": None},
                                                 method_map=[("**.py", "python"), ("web/templates/**.html", "jinja2")])})
UNTRANSLATED = ("null", "true or false", "SHA-256")  # the same words in Chinese


def catalogue(lang):
    with open(ROOT / "service" / "locale" / LANGUAGES[lang] / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def fields(text):
    return sorted({f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f})


def test_the_code_and_the_pages_have_messages_to_translate():
    assert len(MSGIDS) > 300 and "Upload and check" in MSGIDS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_message_is_in_the_catalogue(lang):
    ids = {m.id for m in catalogue(lang) if m.id}
    assert [m for m in MSGIDS if m not in ids] == []


def test_every_chinese_message_is_translated_with_the_same_placeholders():
    cat = catalogue("zh")
    for msgid in MSGIDS:
        translated = cat[msgid].string
        assert translated, f"not translated: {msgid}"
        assert fields(translated) == fields(msgid), msgid
        assert re.search(r"[\u4e00-\u9fff]", translated) or msgid in UNTRANSLATED, msgid


def test_nested_messages_are_translated():
    message = Msg("{role} is not among the participants of the joint acceptance", {"role": Msg("the builder (建设单位)")})
    assert render(message, "zh") == "联合竣工验收的参加单位中没有建设单位"
    assert render(message, "en") == "the builder (建设单位) is not among the participants of the joint acceptance"
