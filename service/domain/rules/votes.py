"""Which votes a declaration holds, and whether their totals fit the communities (programme.md).

CONSENT-VOTES (1.1): every community has exactly one vote, and every vote names a community of
the project. CONSENT-TOTALS: a vote's exclusive area cannot exceed its community's floor area
(an error), while more owners than homes is possible — shops and garages are exclusive parts
too (法释〔2009〕7号 art. 9) — and only worth a look (a warning).
"""
from __future__ import annotations

from service.domain import values as v
from service.domain.findings import ERROR, N_, WARNING
from service.domain.project import communities, is_multi, votes
from service.domain.rules.base import Context, Rule


def one_vote_each(ctx: Context):
    if not is_multi(ctx.doc):
        return
    names = [c.name for c in communities(ctx.doc) if c.name is not None]
    seen: set[str] = set()
    unnamed = False
    for vote in votes(ctx.doc):
        if vote.community is None:  # missing or not text: a SCHEMA finding already
            unnamed = True
            continue
        if vote.community not in names:
            yield vote.pointer("community"), N_("this vote names “{community}”, which is not a community of the project ({names})"), {
                "community": vote.community, "names": "、".join(names)}
        elif vote.community in seen:
            yield vote.pointer("community"), N_("“{community}” already has a vote: each community votes once, in one entry of consent.votes"), {
                "community": vote.community}
        seen.add(vote.community)
    consent = ctx.doc.get("consent")
    # Without the list, or with a vote that names no community, SCHEMA has said what is missing.
    if isinstance(consent, dict) and isinstance(consent.get("votes"), list) and not unnamed and \
            all(isinstance(x, dict) for x in consent["votes"]):
        for name in names:
            if name not in seen:
                yield "/consent/votes", N_("no vote is given for “{community}”: every community of the project needs its owners' vote"), {
                    "community": name}


def totals(ctx: Context):
    by_name = {}
    for community in communities(ctx.doc):
        if community.name is not None:
            by_name.setdefault(community.name, community)
    for vote in votes(ctx.doc):
        community = by_name.get(vote.community) if is_multi(ctx.doc) else next(iter(communities(ctx.doc)), None)
        if community is None:
            continue
        area, floor = vote.number("total_exclusive_area_m2"), community.number("floor_area_m2")
        if area is not None and floor is not None and area > floor:
            yield vote.pointer("total_exclusive_area_m2"), N_("the vote counts {part} m² of exclusive area in {community}, more than its floor area of {total} m²: exclusive parts are within the floor area, so at most {total} m²"), {
                "part": v.plain(area), "total": v.plain(floor), "community": community.name or "?"}, ERROR
        owners, homes = vote.integer("total_owners"), community.integer("households")
        if owners is not None and homes is not None and owners > homes:
            yield vote.pointer("total_owners"), N_("the vote counts {part} owners in {community}, more than its {total} homes: possible when shops and garages are exclusive parts too, but worth a check"), {
                "part": owners, "total": homes, "community": community.name or "?"}, WARNING


RULES = (
    Rule("CONSENT-VOTES", ERROR, "declaration", one_vote_each),
    Rule("CONSENT-TOTALS", ERROR, "declaration", totals),
)
