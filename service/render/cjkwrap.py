"""Chinese line breaking for reportlab (禁则): no line starts with a closing mark or ends with an
opening one (a closing mark never hangs in the margin either), and numbers, codes and Latin words
are not cut.

reportlab's own CJK splitter hangs at most one forbidden character and knows only Japanese
punctuation, so "方案），现予" can still leave "，" at the start of a line. This replaces its
`cjkFragSplit` (same signature, same line objects).
"""
from __future__ import annotations

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START, getCharWidths
from reportlab.platypus import paragraph as _rl

# The ratio sign ∶ neither starts nor ends a line: 1∶1 is never broken.
CANNOT_START = ALL_CANNOT_START + "，：；！？》〉）」』】〕、。…”’％>∶"
CANNOT_END = ALL_CANNOT_END + "“‘（《〈「『【〔<(∶"


def _width(u, max_width: float) -> float:
    w = u.width
    if hasattr(w, "normalizedValue"):
        w._normalizer = max_width
        w = w.normalizedValue(max_width)
    return w


def _wordish(u) -> bool:
    return bool(u) and u.isascii() and (u.isalnum() or u in ".,-_/:%+#@")


def _break_at(U: list, start: int, i: int) -> int:
    """Where to end the line whose character i no longer fits."""
    n, k = len(U), i
    # nothing hangs in the margin (as on the body's grid, and in Word with overflowPunct off): a closing
    # mark that does not fit takes the character before it down with it
    while k > start + 1 and k < n and U[k] in CANNOT_START:
        k -= 1
    if k < n and _wordish(U[k]) and _wordish(U[k - 1]):
        j = k
        while j > start and _wordish(U[j - 1]):
            j -= 1
        if j > start:
            k = j
    while k > start + 1 and U[k - 1] in CANNOT_END:
        k -= 1
    return k


def cjk_frag_split(frags, maxWidths, calcBounds, encoding="utf8"):
    """Split paragraph fragments into lines, character by character, with Chinese 禁则."""
    U = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        U.extend([_rl.cjkU(t, f, encoding) for t in text] if text else [_rl.cjkU(text, f, encoding)])
    lines, start, i, used = [], 0, 0, 0.0
    max_width = maxWidths[0]

    def emit(end: int, line_break: bool) -> None:
        nonlocal max_width
        width = sum(_width(u, max_width) for u in U[start:end])
        lines.append(_rl.makeCJKParaLine(U[start:end], max_width, width, max_width - width, line_break, calcBounds))
        max_width = maxWidths[min(len(lines), len(maxWidths) - 1)]

    while i < len(U):
        u = U[i]
        if hasattr(u.frag, "lineBreak"):
            emit(i + 1, True)
            start = i = i + 1
            used = 0.0
            continue
        w = _width(u, max_width)
        if used + w > max_width + _rl._FUZZ and i > start:
            end = _break_at(U, start, i)
            emit(end, False)
            start = i = end
            used = 0.0
            continue
        used += w
        i += 1
    if start < len(U):
        emit(len(U), False)
    return _rl.ParaLines(kind=1, lines=lines)


def word_split(word, maxWidths, fontName, fontSize, encoding="utf8"):
    """The one-font case of a CJK paragraph: [[extra space, line text], ...]."""
    text = word.decode(encoding) if isinstance(word, bytes) else word
    widths = getCharWidths(text, fontName, fontSize)
    limits = maxWidths if isinstance(maxWidths, (list, tuple)) else [maxWidths]
    lines, start, i, used = [], 0, 0, 0.0
    while i < len(text):
        limit = limits[min(len(lines), len(limits) - 1)]
        if used + widths[i] > limit + _rl._FUZZ and i > start:
            end = _break_at(text, start, i)
            lines.append([limit - sum(widths[start:end]), text[start:end]])
            start = i = end
            used = 0.0
            continue
        used += widths[i]
        i += 1
    if start < len(text) or not lines:
        limit = limits[min(len(lines), len(limits) - 1)]
        lines.append([limit - sum(widths[start:]), text[start:]])
    return lines


def install() -> None:
    """Use these splitters for every CJK paragraph reportlab lays out."""
    _rl.cjkFragSplit = cjk_frag_split
    _rl.wordSplit = word_split
