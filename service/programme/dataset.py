"""A realistic programme: 93 communities across Xiacheng's eight streets whose figures add up to
the plan's totals (三（二）: 1,481 buildings, 69,600 homes, 4.48 million m², 1.7862 billion yuan),
each with a valid declaration, acceptance and handover package. Deterministic for a seed."""
from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from service.programme import sample_files as mk

TARGETS = {"communities": 93, "buildings": 1481, "households": 69600, "area_m2": Decimal("4480000.00"),
           "budget_yuan": Decimal("1786200000.00")}
STREETS = ("天水街道", "武林街道", "长庆街道", "潮鸣街道", "朝晖街道", "文晖街道", "东新街道", "石桥街道")
REAL = {"朝晖街道": [f"朝晖{n}区" for n in "一二三四五六七八九"], "潮鸣街道": ["回龙庙前", "醋坊巷", "归德弄", "游泳巷", "潮鸣寺巷"],
        "东新街道": ["德胜东村", "三塘北苑"], "文晖街道": ["流水东苑", "和平苑"], "石桥街道": ["天堂园"]}
SUFFIXES = ("新村", "小区", "苑", "坊", "里", "公寓", "花园", "北区", "南区", "东区", "西区")
YEARS = {2019: 6, 2020: 30, 2021: 30, 2022: 27}
MENU = (("roof-waterproofing", "屋面防水", "infrastructure"), ("exterior-wall", "外立面整治", "infrastructure"),
        ("pipes", "管网改造", "infrastructure"), ("rain-sewage-separation", "雨污分流", "infrastructure"),
        ("power-lines", "强弱电改造", "infrastructure"), ("fire-safety", "消防设施", "infrastructure"),
        ("greening", "绿化提升", "environment"), ("parking", "停车设施", "environment"),
        ("smart-security", "智慧安防", "services"), ("culture", "小区文化", "character"),
        ("property-management", "物业管理", "management"))
CATEGORIES = (("declaration", "申报材料", "permanent"), ("design", "设计文件及联合审查意见", "permanent"),
              ("procurement", "招标投标文件", "long"), ("construction", "施工文件", "long"),
              ("supervision", "监理文件", "long"), ("acceptance", "联合竣工验收文件", "permanent"),
              ("financial", "竣工财务决算", "permanent"), ("management", "长效管理方案", "long"))
FEN = Decimal("0.01")


@dataclass
class Community:
    """One community of the programme and its figures."""

    code: str
    name: str
    street: str
    plan_year: int
    built_year: int
    affordable: bool
    buildings: int
    households: int
    area: Decimal
    budget: Decimal
    seed: int


def _partition(total: int, weights: list[float], minimum: int = 1) -> list[int]:
    """Split an integer total in proportion to weights (largest remainder), each at least `minimum`."""
    spare = total - minimum * len(weights)
    scale = sum(weights)
    raw = [spare * w / scale for w in weights]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: spare - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


def communities(seed: int = 2019) -> list[Community]:
    """The 93 communities, their totals exactly the plan's."""
    rng = random.Random(seed)
    names: list[tuple[str, str]] = []
    for street in STREETS:
        names += [(street, n) for n in REAL.get(street, [])]
    root = {s: s.removesuffix("街道") for s in STREETS}
    while len(names) < TARGETS["communities"]:
        street = STREETS[len(names) % len(STREETS)]
        name = f"{root[street]}{rng.choice('东西南北新长和安庆丰')}{rng.choice(SUFFIXES)}"
        if all(name != n for _s, n in names):
            names.append((street, name))
    size = [rng.uniform(0.4, 1.8) for _ in names]
    buildings = _partition(TARGETS["buildings"], size, 3)
    households = _partition(TARGETS["households"], [w * rng.uniform(0.9, 1.1) for w in size], 60)
    area = _partition(int(TARGETS["area_m2"] * 100), [h * rng.uniform(0.9, 1.1) for h in households], 300000)
    budget = _partition(int(TARGETS["budget_yuan"] * 100), [a * rng.uniform(0.85, 1.15) for a in area], 100000000)
    years = [y for y, n in YEARS.items() for _ in range(n)]
    result = []
    for i, ((street, name), b, h, a, money, year) in enumerate(zip(names, buildings, households, area, budget, years)):
        affordable = i % 31 == 30  # three post-2000 affordable-housing projects
        # Numbered from 101, clear of the fixtures' projects (XC-2020-007, XC-2021-012).
        result.append(Community(f"XC-{year}-{i + 101:03d}", name, street, year, rng.randint(2002, 2005) if affordable else rng.randint(1978, 2000),
                                affordable, b, h, Decimal(a) / 100, Decimal(money) / 100, rng.randint(0, 2**31)))
    return result


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _envelope(c: Community, stage: str, submitted: date) -> dict:
    return {"format_version": "1.0", "stage": stage, "submitted_on": submitted.isoformat(),
            "submitter": {"street": c.street, "unit": f"下城区人民政府{c.street}办事处", "contact": "联络员", "phone": "0571-85000000"},
            "project": {"code": c.code, "community": c.name, "street": c.street, "address": f"杭州市下城区{c.street}{c.name}",
                        "built_year": c.built_year, "affordable_housing": c.affordable,
                        **({"post_2000_grounds": {"facilities_deficient": True, "management_deficient": True, "strong_resident_will": True}}
                           if c.built_year > 2000 else {}),
                        "buildings": c.buildings, "households": c.households, "floor_area_m2": float(c.area),
                        "last_comprehensive_renovation_year": None, "in_demolition_plan": False, "plan_year": c.plan_year},
            "attachments": []}


def _attach(doc: dict, files: dict, ident: str, name: str, data: bytes, title: str) -> None:
    files[name] = data
    doc["attachments"].append({"id": ident, "file": name, "sha256": _sha(data), "title": title})


def _money(d: Decimal) -> str:
    return f"{d.quantize(FEN, ROUND_HALF_UP):.2f}"


def declaration(c: Community) -> tuple[dict, dict]:
    """A valid declaration of the community."""
    rng = random.Random(c.seed)
    start = date(c.plan_year - 1, 9, 3) + timedelta(days=rng.randint(0, 6))
    doc, files = _envelope(c, "declaration", start + timedelta(days=16)), {}
    chosen = rng.sample(MENU, rng.randint(4, 7))
    with_elevator = rng.random() < 0.4 and not c.affordable
    weights = [rng.uniform(1, 3) for _ in chosen] + ([1.2] if with_elevator else [])
    parts = _partition(int(c.budget * 100), weights, 1000000)
    items = [{"code": code, "name": name, "aspect": aspect, "budget_yuan": _money(Decimal(p) / 100), "addresses": []}
             for (code, name, aspect), p in zip(chosen, parts)]
    if with_elevator:
        items.append({"code": "elevator", "name": "加装电梯", "aspect": "services", "budget_yuan": _money(Decimal(parts[-1]) / 100), "addresses": []})
    items[0]["addresses"] = ["urgent-1"]
    elevator = Decimal(parts[-1]) / 100 if with_elevator else Decimal(0)
    if c.affordable:
        funding = {"responsible_entity_yuan": _money(c.budget)}
    else:
        approved = min(c.budget - elevator, (c.area * 400).quantize(FEN))
        city = (approved / 2).quantize(FEN, ROUND_HALF_UP)
        district = approved - city  # the city takes the odd fen, as the subsidy rule does
        shares = _partition(int((c.budget - approved) * 100), [4, 3, 1, 2], 0)
        funding = {"city_yuan": _money(city), "district_yuan": _money(district),
                   **{k: _money(Decimal(v) / 100) for k, v in zip(("residents_yuan", "maintenance_fund_yuan", "public_income_yuan", "other_yuan"), shares)}}
    plans = (("design_proposal", "design-proposal", "初步改造方案"), ("budget_estimate", "budget-estimate", "改造预算"),
             ("resident_funding_plan", "resident-funding", "居民资金筹集方案"), ("maintenance_fund_plan", "maintenance-fund", "物业维修资金补建续筹方案"),
             ("property_service_plan", "property-service", "物业服务引进方案"), ("long_term_management_plan", "long-term-mgmt", "长效管理方案"))
    for _key, ident, title in plans:
        _attach(doc, files, ident, f"attachments/{ident}.pdf", mk.pdf(f"{c.code} {ident}", 1), title)
    _attach(doc, files, "ballots", "attachments/ballots.pdf", mk.pdf(f"{c.code} ballots", 2), "业主表决汇总表")
    _attach(doc, files, "notice-photos", "attachments/notice.png", mk.png(), "公示现场照片")
    owners = int(c.households * rng.uniform(0.85, 1.0))
    ratio = rng.choice([Decimal(2) / 3, Decimal("0.70"), Decimal("0.75"), Decimal("0.80"), Decimal("0.88"), Decimal("0.95")])
    agreed = min(owners, -(-int(owners * ratio * 1000) // 1000) + rng.randint(0, 3))
    exclusive = (c.area * Decimal("0.9")).quantize(FEN)
    doc.update({
        "survey": {"completed_on": date(c.plan_year - 1, 6, 15).isoformat(), "urgent_issues": [{"code": "urgent-1", "description": "屋面渗漏、管网老化"}]},
        "plan": {"items": items, "total_budget_yuan": _money(c.budget), "funding": funding,
                 "documents": {k: i for k, i, _t in plans}},
        "consent": {"total_owners": owners, "total_exclusive_area_m2": float(exclusive),
                    "renovation": {"owners": max(agreed, -(-owners * 2 // 3)), "area_m2": float((exclusive * Decimal("0.8")).quantize(FEN))},
                    "plan_approval": {"owners": max(agreed, -(-owners * 2 // 3))}, "evidence": "ballots"},
        "public_notice": {"start": start.isoformat(), "end": (start + timedelta(days=11)).isoformat(), "place": f"{c.name}公告栏", "evidence": "notice-photos"},
    })
    return doc, files


def acceptance(c: Community) -> tuple[dict, dict]:
    """A valid, passed acceptance of the community."""
    rng = random.Random(c.seed + 1)
    y = c.plan_year
    doc, files = _envelope(c, "acceptance", date(y + 1, 1, 20)), {}
    _attach(doc, files, "review-opinion", "attachments/review.pdf", mk.pdf(f"{c.code} review", 1), "联合审查意见")
    _attach(doc, files, "minutes", "attachments/minutes.pdf", mk.pdf(f"{c.code} minutes", 2), "验收纪要")
    _attach(doc, files, "audit", "attachments/audit.pdf", mk.pdf(f"{c.code} audit", 3), "审计报告")
    decl = declaration(c)[0]
    elevator = sum((Decimal(i["budget_yuan"]) for i in decl["plan"]["items"] if i["code"] == "elevator"), Decimal(0))
    total = (c.budget * Decimal(str(rng.uniform(0.93, 0.99)))).quantize(FEN, ROUND_HALF_UP)
    roles = ("district_office", "district_department", "builder", "designer", "contractor", "supervisor", "street", "community", "resident_representative")
    doc.update({
        "implementation": {"design_review": {"date": f"{y}-03-10", "opinion": "review-opinion"},
                           "procurement": {"mode": "separate", "tender_ref": f"XCZB-{y}-{c.code[-3:]}", "designer": "杭州市城建设计研究院有限公司",
                                           "contractor": "浙江省建工集团有限责任公司", "supervisor": "浙江江南工程管理股份有限公司"},
                           "started_on": f"{y}-04-01", "completed_on": f"{y}-11-30",
                           "delivered": [{"code": i["code"], "name": i["name"], "quantity": "按设计完成"} for i in decl["plan"]["items"]]},
        "acceptance": {"date": f"{y}-12-18", "conclusion": "passed", "opinion": "工程按设计及合同要求完成，质量合格，同意通过验收。",
                       "participants": [{"role": r, "organization": f"{c.street}相关单位", "representative": "代表"} for r in roles],
                       "minutes": "minutes"},
        "final_accounts": {"total_yuan": _money(total), "elevator_yuan": _money(min(elevator, total)), "secondary_water_supply_yuan": "0.00",
                           "audited_on": f"{y + 1}-01-08", "report": "audit"},
    })
    return doc, files


def handover(c: Community) -> tuple[dict, dict]:
    """A valid handover of the community's files."""
    y = c.plan_year
    doc, files = _envelope(c, "handover", date(y + 1, 3, 1)), {}
    documents = []
    for n, (category, title, retention) in enumerate(CATEGORIES, start=1):
        pages = 1 + n % 3
        _attach(doc, files, f"doc-{category}", f"documents/{n:02d}-{category}.pdf", mk.pdf(f"{c.code} {category}", pages), f"{c.name}{title}")
        documents.append({"category": category, "title": f"{c.name}{title}", "responsible": f"{c.street}办事处", "date": f"{y}-12-20",
                          "pages": pages, "retention": retention, "file": f"doc-{category}"})
    doc["handover"] = {"from_unit": f"下城区人民政府{c.street}办事处", "to_unit": "杭州市下城区档案馆", "date": f"{y + 1}-03-01",
                       "handed_by": "联络员", "received_by": "", "documents": documents}
    return doc, files


def zipped(doc: dict, files: dict) -> bytes:
    """A package as the zip a street office uploads."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("package.json", json.dumps(doc, ensure_ascii=False, indent=1))
        for name, data in sorted(files.items()):
            z.writestr(name, data)
    return out.getvalue()


STAGES = {"declaration": declaration, "acceptance": acceptance, "handover": handover}
