"""The programme at a glance: progress against the 2022 targets, drawn on the server as SVG."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

from sqlalchemy import select

from service.db import models as m
from service.programme.dataset import TARGETS
from service.runtime import Runtime

MEASURES = (("communities", "小区"), ("buildings", "幢"), ("households", "套"), ("area_m2", "面积"), ("budget_yuan", "投资"))


def figures(rt: Runtime) -> dict:
    """Cumulative progress by plan year, declared figures by street, and the owner-consent ratios."""
    with rt.reading() as s:
        rows = s.scalars(select(m.PackageRow).where(m.PackageRow.status == "accepted", m.PackageRow.stage == "declaration")
                         .order_by(m.PackageRow.id.desc())).all()
    current = {}
    for row in rows:
        current.setdefault(row.project_code, row)
    by_year: dict[int, dict] = {}
    by_street: dict[str, dict] = {}
    ratios = []
    for row in current.values():
        p = row.project or {}
        values = {"communities": 1, "buildings": p.get("buildings") or 0, "households": p.get("households") or 0,
                  "area_m2": Decimal(str(p.get("floor_area_m2") or 0)), "budget_yuan": Decimal(row.budget_yuan or 0)}
        for table, key in ((by_year, row.plan_year or 0), (by_street, row.street)):
            cell = table.setdefault(key, {k: 0 for k, _ in MEASURES})
            for k, _ in MEASURES:
                cell[k] += values[k]
        ratio = (row.report.get("computed") or {}).get("consent_owner_ratio")
        if ratio:
            ratios.append(Fraction(ratio))
    cumulative, running = [], {k: 0 for k, _ in MEASURES}
    for year in sorted(by_year):
        for k, _ in MEASURES:
            running[k] += by_year[year][k]
        cumulative.append((year, dict(running)))
    return {"cumulative": cumulative, "by_street": sorted(by_street.items()), "ratios": ratios}


def _bar(label: str, share: float, y: int, width: int = 360, text: str = "") -> str:
    length = max(0.0, min(1.0, share)) * width
    return (f'<text x="0" y="{y + 14}" font-size="13">{escape(label)}</text>'
            f'<rect x="110" y="{y}" width="{width}" height="18" fill="#eee"/>'
            f'<rect x="110" y="{y}" width="{length:.1f}" height="18" fill="#9e1b1b"/>'
            f'<text x="{115 + width}" y="{y + 14}" font-size="13">{escape(text)}</text>')


def progress_svg(data: dict) -> str:
    """Bars of each measure against its 2022 target, cumulated to the newest plan year."""
    latest = data["cumulative"][-1][1] if data["cumulative"] else {k: 0 for k, _ in MEASURES}
    parts = []
    for i, (key, name) in enumerate(MEASURES):
        share = float(Decimal(latest[key]) / Decimal(TARGETS[key])) if TARGETS[key] else 0.0
        parts.append(_bar(name, share, 10 + 28 * i, text=f"{share:.1%}"))
    height = 20 + 28 * len(MEASURES)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="progress-title" width="560" height="{height}" '
            f'viewBox="0 0 560 {height}"><title id="progress-title">2022年目标完成进度</title>{"".join(parts)}</svg>')


def streets_svg(data: dict) -> str:
    """Buildings declared per street."""
    rows = data["by_street"]
    top = max((v["buildings"] for _s, v in rows), default=1) or 1
    parts = [_bar(street, v["buildings"] / top, 10 + 28 * i, text=f"{v['buildings']}幢 · {v['communities']}个小区")
             for i, (street, v) in enumerate(rows)]
    height = 20 + 28 * max(1, len(rows))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="streets-title" width="620" height="{height}" '
            f'viewBox="0 0 620 {height}"><title id="streets-title">各街道申报幢数</title>{"".join(parts)}</svg>')


def consent_svg(data: dict) -> str:
    """How many projects reached each band of owner consent (two thirds is the bar)."""
    bands = [(Fraction(2, 3), Fraction(7, 10)), (Fraction(7, 10), Fraction(4, 5)), (Fraction(4, 5), Fraction(9, 10)), (Fraction(9, 10), Fraction(11, 10))]
    labels = ("2/3–70%", "70–80%", "80–90%", "90–100%")
    counts = [sum(1 for r in data["ratios"] if low <= r < high) for low, high in bands]
    top = max(counts + [1])
    parts = [_bar(label, n / top, 10 + 28 * i, width=300, text=f"{n}") for i, (label, n) in enumerate(zip(labels, counts))]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="consent-title" width="480" height="132" '
            f'viewBox="0 0 480 132"><title id="consent-title">业主同意比例分布</title>{"".join(parts)}</svg>')
