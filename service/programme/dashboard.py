"""The programme at a glance: each stage's communities against the targets, drawn on the server as SVG.

Every figure comes from progress.figures (each community once, by the furthest stage its project
reached) and every bar is measured against the targets in schemas/programmes/ — never a sum of
stages, so no bar passes 100 % unless more was declared than planned.
"""
from __future__ import annotations

from fractions import Fraction
from xml.sax.saxutils import escape

from service.programme.progress import MEASURES, figures  # noqa: F401  (the overview page reads both here)
from service.programme.targets import targets

LABELS = {"communities": "个小区", "buildings": "幢", "households": "套", "area_m2": "平方米", "budget_yuan": "元"}



def share(value, target) -> Fraction:
    """value / target, exactly (0 when there is no target)."""
    return Fraction(str(value)) / Fraction(str(target)) if target else Fraction(0)


def _bar(label: str, part: Fraction, y: int, width: int = 360, text: str = "") -> str:
    length = float(max(Fraction(0), min(Fraction(1), part))) * width
    return (f'<text x="0" y="{y + 14}" font-size="13">{escape(label)}</text>'
            f'<rect x="110" y="{y}" width="{width}" height="18" fill="#eee"/>'
            f'<rect x="110" y="{y}" width="{length:.1f}" height="18" fill="#9e1b1b"/>'
            f'<text x="{115 + width}" y="{y + 14}" font-size="13">{escape(text)}</text>')


def percent(part: Fraction) -> str:
    return f"{float(part):.1%}"


def progress_svg(data: dict) -> str:
    """One bar per stage: the communities that reached it against the target, with the buildings' share."""
    t = targets()
    parts = []
    for i, stage in enumerate(data["stages"]):
        r = stage["reached"]
        text = (f"{r['communities']}/{t['communities']}个小区 {percent(share(r['communities'], t['communities']))} · "
                f"{r['buildings']}/{t['buildings']}幢 {percent(share(r['buildings'], t['buildings']))}")
        parts.append(_bar(stage["label"], share(r["communities"], t["communities"]), 10 + 28 * i, text=text))
    height = 20 + 28 * len(data["stages"])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="progress-title" width="800" height="{height}" '
            f'viewBox="0 0 800 {height}"><title id="progress-title">{t.by_year}年目标完成进度（各阶段小区数，每个小区只计一次）</title>'
            f'{"".join(parts)}</svg>')


def streets_svg(data: dict) -> str:
    """Per street: the communities declared (每个小区只计一次) and how many of them are handed over."""
    rows = data["by_street"]
    top = max((stages[0]["reached"]["communities"] for _s, stages in rows), default=1) or 1
    parts = [_bar(street, Fraction(stages[0]["reached"]["communities"], top), 10 + 28 * i,
                  text=f"{stages[0]['reached']['communities']}个小区 · {stages[0]['reached']['buildings']}幢 · "
                       f"已移交{stages[3]['reached']['communities']}个")
             for i, (street, stages) in enumerate(rows)]
    height = 20 + 28 * max(1, len(rows))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="streets-title" width="680" height="{height}" '
            f'viewBox="0 0 680 {height}"><title id="streets-title">各街道已申报小区</title>{"".join(parts)}</svg>')


def consent_svg(data: dict) -> str:
    """How many communities' votes reached each band of owner consent (two thirds is the bar)."""
    bands = [(Fraction(2, 3), Fraction(7, 10)), (Fraction(7, 10), Fraction(4, 5)), (Fraction(4, 5), Fraction(9, 10)), (Fraction(9, 10), Fraction(11, 10))]
    labels = ("2/3–70%", "70–80%", "80–90%", "90–100%")
    ratios = [Fraction(a, b) for a, b in data["ratios"]]
    counts = [sum(1 for r in ratios if low <= r < high) for low, high in bands]
    top = max(counts + [1])
    parts = [_bar(label, Fraction(n, top), 10 + 28 * i, width=300, text=f"{n}") for i, (label, n) in enumerate(zip(labels, counts))]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="consent-title" width="480" height="132" '
            f'viewBox="0 0 480 132"><title id="consent-title">业主同意比例分布（按小区表决）</title>{"".join(parts)}</svg>')
