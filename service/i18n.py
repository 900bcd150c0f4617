"""Messages in Chinese (default) or English, from the Babel catalogues in service/locale/."""
from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from service.domain.findings import Msg

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"


@cache
def translations(lang: str) -> Translations:
    """The catalogue for 'zh' or 'en': the compiled .mo, else the .po compiled in memory."""
    folder = LOCALE_DIR / LANGUAGES[lang] / "LC_MESSAGES"
    mo, po = folder / "messages.mo", folder / "messages.po"
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as f:
            return Translations(f, domain="messages")
    # A checkout whose catalogues were not compiled (or were edited since) still speaks Chinese.
    with po.open("rb") as f:
        catalog = read_po(f)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def gettext(msgid: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """One catalogue string in `lang`."""
    return translations(lang).gettext(msgid)


def render(message: Msg, lang: str = DEFAULT_LANGUAGE) -> str:
    """A message in `lang`, its parameters filled in (nested messages translated too)."""
    params = {k: render(p, lang) if isinstance(p, Msg) else p for k, p in message.params.items()}
    return gettext(message.msgid, lang).format(**params)
