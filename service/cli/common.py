"""Shared helpers of the command line: exit codes, messages in the chosen language."""
from __future__ import annotations

import sys

from service.domain.findings import Msg, N_
from service.i18n import render as render_msg

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def render_text(msgid: str, lang: str, **params) -> str:
    """A catalogue message in `lang` with its parameters."""
    return render_msg(Msg(msgid, params), lang)


def fail(message: str) -> None:
    """One line on stderr."""
    print(f"jiugai: {message}", file=sys.stderr)


__all__ = ["EXIT_VALID", "EXIT_INVALID", "EXIT_UNREADABLE", "N_", "Msg", "render_msg", "render_text", "fail"]
