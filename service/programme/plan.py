"""The programme's projects and communities: realistic (notes on Xiacheng), adding up exactly to the
plan's targets, deterministic for a seed.

The demo's fixture projects (the spec's example 朝晖一区 XC-2020-007, 回龙庙前, 天堂园, the 1.1
project of 朝晖二～四区) are part of the programme: their figures are read from the fixture files
and their communities are never generated again, so the programme still adds up to the targets
and no community appears twice once the demo has submitted both.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from service.domain.project import normal_name, of_project_block
from service.programme.targets import targets
from service.resources import data_dir

STREETS = ("天水街道", "武林街道", "长庆街道", "潮鸣街道", "朝晖街道", "文晖街道", "东新街道", "石桥街道")
# Real communities (notes/domain.md): (name, street, plan year, buildings when known, affordable housing).
KNOWN = (("朝晖一区", "朝晖街道", 2020, None, False), ("朝晖二区", "朝晖街道", 2020, None, False),
         ("朝晖三区", "朝晖街道", 2020, None, False), ("朝晖四区", "朝晖街道", 2020, None, False),
         ("朝晖五区", "朝晖街道", 2020, None, False), ("朝晖六区", "朝晖街道", 2020, None, False),
         ("朝晖八区", "朝晖街道", 2020, None, False), ("朝晖七区", "朝晖街道", 2021, 95, False),
         ("朝晖九区", "朝晖街道", 2021, 57, False), ("醋坊巷", "潮鸣街道", 2020, None, False),
         ("归德弄", "潮鸣街道", 2020, None, False), ("回龙庙前", "潮鸣街道", 2021, None, False),
         ("游泳巷", "潮鸣街道", 2021, None, False), ("潮鸣寺巷", "潮鸣街道", 2022, None, False),
         ("德胜东村", "东新街道", 2020, None, False), ("三塘北苑", "东新街道", 2021, None, False),
         ("流水东苑", "文晖街道", 2020, None, False), ("和平苑", "文晖街道", 2022, None, False),
         ("天堂园", "石桥街道", 2022, None, True))
# Communities renovated as one project (朝晖二区、三区、四区 is the 1.1 fixture XC-2020-008 when it is there).
GROUPS = (("朝晖二区", "朝晖三区", "朝晖四区"), ("朝晖五区", "朝晖六区"))
# (communities, projects) per plan year where the plan does not fix them; 2020 comes from the targets.
YEARS = {2019: (6, 6), 2020: None, 2021: (20, 15), 2022: None}
AFFORDABLE = 2  # generated post-2000 affordable-housing communities, besides 天堂园
SUFFIXES = ("新村", "小区", "苑", "坊", "里", "公寓", "花园", "北区", "南区", "东区", "西区")
# The demo's packages (fixture folder, submitting user): the examples make one project complete up
# to its handover; the two invalid declarations are rejected and count for nothing.
DEMO_PACKAGES = (("examples/declaration", "chaohui"), ("examples/acceptance", "chaohui"), ("examples/handover", "chaohui"),
                 ("declaration/huilongmiaoqian-valid", "chaoming"), ("declaration/tiantangyuan-affordable-valid", "shiqiao"),
                 ("declaration/chaohui-234-valid", "chaohui"), ("acceptance/chaohui-234-valid", "chaohui"),
                 ("handover/chaohui-234-valid", "chaohui"),
                 ("declaration/consent-double-two-thirds", "chaohui"), ("declaration/notice-working-days-national-day", "chaohui"))


@dataclass(frozen=True)
class Community:
    """One community and its figures."""

    name: str
    street: str
    built_year: int
    affordable: bool
    buildings: int
    households: int
    area: Decimal


@dataclass(frozen=True)
class Project:
    """A project of one or more communities of a street, declared for a plan year."""

    code: str
    name: str
    street: str
    plan_year: int
    communities: tuple[Community, ...]
    budget: Decimal
    seed: int
    fixture: str | None = None  # the fixture folder of its declaration; None when generated
    stages: tuple[str, ...] = field(default=("declaration", "acceptance", "handover"))

    @property
    def version(self) -> str:
        """1.1 for several communities, and for a vote under the Civil Code (declared in 2021 or later)."""
        return "1.1" if len(self.communities) > 1 or self.plan_year >= 2022 else "1.0"


def fixtures_dir() -> Path:
    return data_dir("schemas").parent / "fixtures"


def _fixture_valid(folder: Path) -> bool:
    findings = folder.parent / f"{folder.name}.findings.json"
    return not findings.is_file() or json.loads(findings.read_text(encoding="utf-8")).get("valid") is True


def fixture_projects(root: Path | None = None) -> list[Project]:
    """The projects the demo submits from fixtures/, read from their valid packages' files."""
    root = root or fixtures_dir()
    docs: dict[str, dict[str, tuple[str, dict]]] = {}
    for folder, _user in DEMO_PACKAGES:
        path = root / folder
        if (path / "package.json").is_file() and _fixture_valid(path):
            doc = json.loads((path / "package.json").read_text(encoding="utf-8"))
            docs.setdefault(doc["project"]["code"], {})[doc["stage"]] = (folder, doc)
    result = []
    for stages in docs.values():
        if "declaration" not in stages:
            continue
        folder, doc = stages["declaration"]
        p = doc["project"]
        comms = tuple(Community(c["name"], p["street"], c["built_year"], bool(c.get("affordable_housing")), c["buildings"],
                                c["households"], Decimal(str(c["floor_area_m2"])))
                      for c in of_project_block(p, doc.get("format_version")))
        result.append(Project(p["code"], p.get("name") or comms[0].name, p["street"], p["plan_year"], comms,
                              Decimal(doc["plan"]["total_budget_yuan"]), 0, folder, tuple(stages)))
    return result


def partition(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split an integer total in proportion to weights (largest remainder), each at least `minimum`."""
    if not weights:
        if total:
            raise ValueError(f"{total} left to share among nothing")
        return []
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError(f"{total} cannot give {len(weights)} parts at least {minimum} each")
    scale = sum(weights)
    raw = [spare * w / scale for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def project_name(names: list[str]) -> str:
    """项目名称: 朝晖二区、三区、四区综合改造提升项目 (a shared prefix before numbered 区 is written once)."""
    numbered = all(len(n) >= 4 and n[:-2] == names[0][:-2] and n.endswith("区") and n[-2] in "一二三四五六七八九十" for n in names)
    return (names[0] + "".join("、" + n[-2:] for n in names[1:]) if numbered and len(names) > 1 else "、".join(names)) + "综合改造提升项目"


@dataclass
class _Slot:
    name: str
    street: str
    year: int
    buildings: int | None
    affordable: bool
    weight: float = 1.0
    households: int = 0
    area: int = 0  # in hundredths of a m²
    built_year: int = 0


def _slots(rng: random.Random, taken: set[str], fixture_by_year: dict[int, list[Project]]) -> dict[int, list[_Slot]]:
    t = targets()
    counts = {y: (t.plan_years[y]["communities"], t.plan_years[y]["projects"]) if y in t.plan_years else YEARS[y] for y in YEARS}
    fixed = sum(c_p[0] for c_p in counts.values() if c_p)
    open_years = [y for y, c_p in counts.items() if c_p is None]
    share = partition(t["communities"] - fixed, [1.0] * len(open_years), 1)
    for y, n in zip(open_years, share):
        counts[y] = (n, max(1, n * 3 // 4))
    slots = {y: [_Slot(n, s, y, b, a) for n, s, yy, b, a in KNOWN if yy == y and normal_name(n) not in taken] for y in YEARS}
    names = {normal_name(n) for n, *_r in KNOWN} | taken
    affordable = AFFORDABLE
    for y in YEARS:
        want = counts[y][0] - sum(len(p.communities) for p in fixture_by_year.get(y, []))
        while len(slots[y]) < want:
            street = STREETS[rng.randrange(len(STREETS))]
            name = f"{street.removesuffix('街道')}{rng.choice('新长和安庆丰春景')}{rng.choice(SUFFIXES)}"
            if normal_name(name) in names:
                continue
            names.add(normal_name(name))
            slots[y].append(_Slot(name, street, y, None, y >= 2021 and affordable > 0))
            affordable -= y >= 2021 and affordable > 0
        del slots[y][want:]
    return {y: (slots[y], counts[y][1] - len(fixture_by_year.get(y, []))) for y in YEARS}


def _group(slots: list[_Slot], projects: int) -> list[list[_Slot]]:
    """Group a plan year's communities into `projects` projects of one street and one funding basis."""
    by_name = {s.name: s for s in slots}
    groups = [[by_name[n] for n in g] for g in GROUPS if all(n in by_name for n in g)]
    grouped = {s.name for g in groups for s in g}
    singles = [[s] for s in slots if s.name not in grouped]
    while len(groups) + len(singles) > projects:
        mergeable = [g for g in singles if not g[0].affordable]
        by_street: dict[str, list[list[_Slot]]] = {}
        for g in mergeable:
            by_street.setdefault(g[0].street, []).append(g)
        street = max((s for s in by_street if len(by_street[s]) > 1), key=lambda s: (len(by_street[s]), -STREETS.index(s)))
        a, b = sorted(by_street[street], key=len)[:2]
        singles.remove(b)
        a.extend(b)
    return groups + singles


def projects(seed: int = 2019, fixtures: list[Project] | None = None) -> list[Project]:
    """Every project of the programme, the fixture projects included, in plan-year order."""
    rng, t = random.Random(seed), targets()
    fixtures = fixture_projects() if fixtures is None else fixtures
    taken = {normal_name(c.name) for p in fixtures for c in p.communities}
    by_year: dict[int, list[Project]] = {}
    for p in fixtures:
        by_year.setdefault(p.plan_year, []).append(p)
    plan = _slots(rng, taken, by_year)
    fixture_comms = [c for p in fixtures for c in p.communities]
    made = [s for y in YEARS for s in plan[y][0]]
    for s in made:
        s.weight = rng.uniform(0.4, 1.8)
        s.built_year = rng.randint(2002, 2005) if s.affordable else rng.randint(1978, 2000)
    # Buildings and homes: the 2020 plan's own figures, the rest of the targets over the other years.
    for years, figures in (({2020}, t.plan_years[2020]), (set(YEARS) - {2020}, None)):
        chosen = [s for s in made if s.year in years]
        mine = [c for p in fixtures if p.plan_year in years for c in p.communities]
        if figures is None:
            figures = {k: t[k] - t.plan_years[2020][k] for k in ("buildings", "households")}
        free = [s for s in chosen if s.buildings is None]
        left = figures["buildings"] - sum(c.buildings for c in mine) - sum(s.buildings for s in chosen if s.buildings is not None)
        for s, b in zip(free, partition(left, [s.weight for s in free], 4)):
            s.buildings = b
        homes = partition(figures["households"] - sum(c.households for c in mine), [s.buildings * rng.uniform(0.85, 1.15) for s in chosen], 80)
        for s, h in zip(chosen, homes):
            s.households = h
    area = partition(int(t["area_m2"] * 100) - int(sum(c.area for c in fixture_comms) * 100),
                     [s.households * rng.uniform(0.9, 1.1) for s in made], 500000)
    for s, a in zip(made, area):
        s.area = a
    grouped = {y: _group(plan[y][0], plan[y][1]) for y in YEARS}
    flat = [g for y in YEARS for g in grouped[y]]
    budgets = partition(int(t["budget_yuan"] * 100) - int(sum(p.budget for p in fixtures) * 100),
                        [sum(s.area for s in g) * rng.uniform(0.85, 1.15) for g in flat], 100000000)
    result, number = list(fixtures), 101
    for g, money in zip(flat, budgets):
        comms = tuple(Community(s.name, s.street, s.built_year, s.affordable, s.buildings, s.households, Decimal(s.area) / 100) for s in g)
        result.append(Project(f"XC-{g[0].year}-{number:03d}", project_name([s.name for s in g]), g[0].street, g[0].year, comms,
                              Decimal(money) / 100, rng.randint(0, 2**31)))
        number += 1
    return sorted(result, key=lambda p: (p.plan_year, p.fixture is None, p.code))


def communities(seed: int = 2019, fixtures: list[Project] | None = None) -> list[Community]:
    """Every community of the programme, once."""
    return [c for p in projects(seed, fixtures) for c in p.communities]
