"""The programme at a glance: each stage's communities against the targets, drawn on the server as SVG.

Every figure comes from progress.figures (each community once, by the furthest stage its project
reached) and every bar is measured against a target (the plan year's when one is chosen and the
plan fixes it, else the programme's): a line marks 100 %, and a bar past it runs past the line,
so 104 % never looks like 100 %. Words come through `say` (the page's catalogue) and each bar
links to the list behind it through `link`.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable
from xml.sax.saxutils import escape, quoteattr

from service.domain.findings import N_
from service.programme.progress import MEASURES, figures  # noqa: F401  (the overview page reads both here)
from service.programme.targets import targets

Say = Callable[..., str]
STAGE_LABELS = {"declared": N_("Declared"), "approved": N_("Confirmed in the plan"), "accepted": N_("Passed acceptance"),
                "handed_over": N_("Handed over"), "received": N_("Received by the archive")}
LEFT, WIDTH = 150, 360


def share(value, target) -> Fraction:
    """value / target, exactly (0 when there is no target)."""
    return Fraction(str(value)) / Fraction(str(target)) if target else Fraction(0)


def percent(part: Fraction) -> str:
    return f"{float(part):.1%}"


def target_for(plan_year: int | None) -> tuple[dict, int | None]:
    """The targets the figures are measured against: the plan year's own where the plan fixes them
    (communities, buildings, homes), else the programme's; and the plan year used (None: the programme)."""
    t = targets()
    plan = t.plan_years.get(plan_year) if plan_year else None
    if plan:
        return {**t.totals, **{k: v for k, v in plan.items() if k in MEASURES}}, plan_year
    return dict(t.totals), None


def _bar(label: str, part: Fraction, y: int, scale: Fraction, text: str, href: str | None) -> str:
    length = float(max(Fraction(0), part) / scale) * WIDTH
    bar = (f'<text x="0" y="{y + 14}" font-size="13">{escape(label)}</text>'
           f'<rect x="{LEFT}" y="{y}" width="{WIDTH}" height="18" fill="#eee"/>'
           f'<rect x="{LEFT}" y="{y}" width="{length:.1f}" height="18" fill="{"#05684a" if part > 1 else "#9e1b1b"}"/>'
           f'<text x="{LEFT + WIDTH + 8}" y="{y + 14}" font-size="13">{escape(text)}</text>')
    return f'<a href={quoteattr(href)}>{bar}</a>' if href else bar


def _chart(ident: str, title: str, bars: list[str], scale: Fraction, target_label: str | None, width: int = 860) -> str:
    height = 30 + 28 * max(1, len(bars))
    line = ""
    if target_label:  # the 100 % line: bars past it are over the target
        x = LEFT + float(1 / scale) * WIDTH
        line = (f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 14}" stroke="#1d1d1f" stroke-width="2" stroke-dasharray="4 3"/>'
                f'<text x="{x:.1f}" y="{height - 2}" font-size="12" text-anchor="middle">{escape(target_label)}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title" aria-describedby="{ident}-table" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"><title id="{ident}-title">{escape(title)}</title>'
            f'{"".join(bars)}{line}</svg>')


def progress_svg(data: dict, say: Say, link: Callable[[str], str | None] = lambda key: None, plan_year: int | None = None) -> str:
    """One bar per stage: the communities that reached it against the target, with the buildings' share."""
    goal, year = target_for(plan_year)
    parts = [share(s["reached"]["communities"], goal["communities"]) for s in data["stages"]]
    scale = max([Fraction(1)] + parts)
    bars = []
    for i, (stage, part) in enumerate(zip(data["stages"], parts)):
        r = stage["reached"]
        text = say(N_("{communities}/{target} communities {share} · {buildings}/{building_target} buildings {building_share}"),
                   communities=r["communities"], target=goal["communities"], share=percent(part), buildings=r["buildings"],
                   building_target=goal["buildings"], building_share=percent(share(r["buildings"], goal["buildings"])))
        bars.append(_bar(say(STAGE_LABELS[stage["key"]]), part, 10 + 28 * i, scale, text, link(stage["key"])))
    title = (say(N_("Progress against the {year} plan (communities per stage, each counted once)"), year=year) if year
             else say(N_("Progress against the {year} targets (communities per stage, each counted once)"), year=targets().by_year))
    return _chart("progress", title, bars, scale, say(N_("target 100%")), width=900)


def streets_svg(data: dict, say: Say, link: Callable[[str], str | None] = lambda street: None) -> str:
    """Per street: the communities declared (each counted once) and how many of them are handed over."""
    rows = data["by_street"]
    top = max((stages[0]["reached"]["communities"] for _s, stages in rows), default=1) or 1
    bars = [_bar(street, Fraction(stages[0]["reached"]["communities"], top), 10 + 28 * i, Fraction(1),
                 say(N_("{communities} communities · {buildings} buildings · {handed_over} handed over"),
                     communities=stages[0]["reached"]["communities"], buildings=stages[0]["reached"]["buildings"],
                     handed_over=stages[3]["reached"]["communities"]), link(street))
            for i, (street, stages) in enumerate(rows)]
    return _chart("streets", say(N_("Communities declared per street")), bars, Fraction(1), None, width=760)


CONSENT_BANDS = ((Fraction(2, 3), Fraction(7, 10), "2/3–70%"), (Fraction(7, 10), Fraction(4, 5), "70–80%"),
                 (Fraction(4, 5), Fraction(9, 10), "80–90%"), (Fraction(9, 10), Fraction(11, 10), "90–100%"))


def consent_counts(data: dict) -> list[tuple[str, int]]:
    """How many votes reached each band of owner consent (two thirds is the bar)."""
    ratios = [Fraction(a, b) for a, b in data["ratios"]]
    return [(label, sum(1 for r in ratios if low <= r < high)) for low, high, label in CONSENT_BANDS]


def consent_svg(data: dict, say: Say) -> str:
    """The consent bands as bars."""
    counts = consent_counts(data)
    top = max([n for _l, n in counts] + [1])
    bars = [_bar(label, Fraction(n, top), 10 + 28 * i, Fraction(1), say(N_("{count} votes"), count=n), None)
            for i, (label, n) in enumerate(counts)]
    return _chart("consent", say(N_("Owner consent across the votes of the declarations")), bars, Fraction(1), None, width=640)
