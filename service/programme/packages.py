"""The packages a street office submits for a project of the programme: declaration, acceptance,
handover — valid under the rules in force on their own dates.

Names follow the date: until 2021-04-08 the street offices belong to 下城区, from 2021-04-09 to the
new 拱墅区 (the merger), in the submitting unit, the addresses and the archive. Votes from 2021-01-01
are judged by the Civil Code, so they carry their turnout (a 1.1 package). The district matches the
city's share and takes the odd fen (FUNDING-SPLIT: district ≥ city).
"""
from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

from service.programme import sample_files as mk
from service.programme.plan import Community, Project, partition

MERGER = date(2021, 4, 9)  # 浙江省人民政府 2021-03-11: 撤销下城区、拱墅区，设立新的拱墅区
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
PLANS = (("design_proposal", "design-proposal", "初步改造方案"), ("budget_estimate", "budget-estimate", "改造预算"),
         ("resident_funding_plan", "resident-funding", "居民资金筹集方案"), ("maintenance_fund_plan", "maintenance-fund", "物业维修资金补建续筹方案"),
         ("property_service_plan", "property-service", "物业服务引进方案"), ("long_term_management_plan", "long-term-mgmt", "长效管理方案"))
FEN = Decimal("0.01")


def district(on: date) -> str:
    """The district the eight streets belong to on a day."""
    return "拱墅区" if on >= MERGER else "下城区"


def street_office(street: str, on: date) -> str:
    return f"{district(on)}人民政府{street}办事处"


def _money(d: Decimal) -> str:
    return f"{d.quantize(FEN, ROUND_HALF_UP):.2f}"


def _ceil(value: Decimal, step: Decimal = Decimal(1)) -> Decimal:
    return value.quantize(step, ROUND_CEILING)


def _community_block(c: Community, on: date) -> dict:
    return {"address": f"杭州市{district(on)}{c.street}{c.name}", "built_year": c.built_year, "affordable_housing": c.affordable,
            **({"post_2000_grounds": {"facilities_deficient": True, "management_deficient": True, "strong_resident_will": True}}
               if c.built_year > 2000 else {}),
            "buildings": c.buildings, "households": c.households, "floor_area_m2": float(c.area),
            "last_comprehensive_renovation_year": None, "in_demolition_plan": False}


def _envelope(p: Project, stage: str, submitted: date) -> dict:
    if p.version == "1.1":
        project = {"code": p.code, "name": p.name, "street": p.street, "plan_year": p.plan_year,
                   "communities": [{"name": c.name, **_community_block(c, submitted)} for c in p.communities]}
    else:
        c = p.communities[0]
        project = {"code": p.code, "community": c.name, "street": p.street, **_community_block(c, submitted), "plan_year": p.plan_year}
    return {"format_version": p.version, "stage": stage, "submitted_on": submitted.isoformat(),
            "submitter": {"street": p.street, "unit": street_office(p.street, submitted), "contact": "联络员", "phone": "0571-85000000"},
            "project": project, "attachments": []}


def _attach(doc: dict, files: dict, ident: str, name: str, data: bytes, title: str) -> None:
    files[name] = data
    doc["attachments"].append({"id": ident, "file": name, "sha256": hashlib.sha256(data).hexdigest(), "title": title})


def _vote(c: Community, rng: random.Random, voted_on: date | None) -> dict:
    """One community's vote: 双2/3 of all owners and area agree; with a turnout the Civil Code also accepts (≥ 2/3 take
    part, ≥ 3/4 of them agree); ≥ 2/3 of all owners approve the plan. Owners ≤ homes, exclusive area ≤ floor area."""
    owners = int(c.households * rng.uniform(0.85, 1.0))
    exclusive = (c.area * Decimal("0.9")).quantize(FEN, ROUND_DOWN)
    two_thirds = int(_ceil(Decimal(owners * 2) / 3))
    if voted_on is None:  # format 1.0: the vote is the package's, no turnout
        agreed = min(owners, two_thirds + rng.randint(0, max(1, owners // 10)))
        return {"total_owners": owners, "total_exclusive_area_m2": float(exclusive),
                "renovation": {"owners": agreed, "area_m2": float((exclusive * Decimal("0.8")).quantize(FEN))},
                "plan_approval": {"owners": agreed}}
    turnout = Decimal(str(rng.uniform(0.72, 0.96)))
    part_owners = max(two_thirds, min(owners, int(_ceil(owners * turnout))))
    part_area = max(_ceil(exclusive * 2 / 3, FEN), min(exclusive, _ceil(exclusive * turnout, FEN)))
    agreed = min(part_owners, max(two_thirds, int(_ceil(Decimal(part_owners * 3) / 4))) + rng.randint(0, max(1, owners // 20)))
    agreed_area = min(part_area, max(_ceil(exclusive * 2 / 3, FEN), _ceil(part_area * 3 / 4, FEN)) + Decimal(rng.randint(0, 500)))
    return {"community": c.name, "voted_on": voted_on.isoformat(), "total_owners": owners, "total_exclusive_area_m2": float(exclusive),
            "participation": {"owners": part_owners, "area_m2": float(part_area)},
            "renovation": {"owners": agreed, "area_m2": float(agreed_area)},
            "plan_approval": {"owners": min(owners, max(agreed, two_thirds))}}


def declaration(p: Project) -> tuple[dict, dict]:
    """A valid declaration of the project, submitted in September of the year before its plan year."""
    rng = random.Random(p.seed)
    start = date(p.plan_year - 1, 9, 3) + timedelta(days=rng.randint(0, 6))
    doc, files = _envelope(p, "declaration", start + timedelta(days=16)), {}
    chosen = rng.sample(MENU, rng.randint(4, 7))
    affordable = p.communities[0].affordable
    with_elevator = rng.random() < 0.4 and not affordable
    weights = [rng.uniform(1, 3) for _ in chosen] + ([1.2] if with_elevator else [])
    parts = partition(int(p.budget * 100), weights, 1000000)
    items = [{"code": code, "name": name, "aspect": aspect, "budget_yuan": _money(Decimal(n) / 100), "addresses": []}
             for (code, name, aspect), n in zip(chosen, parts)]
    if with_elevator:
        items.append({"code": "elevator", "name": "加装电梯", "aspect": "services", "budget_yuan": _money(Decimal(parts[-1]) / 100), "addresses": []})
    items[0]["addresses"] = ["urgent-1"]
    elevator = Decimal(parts[-1]) / 100 if with_elevator else Decimal(0)
    if affordable:
        funding = {"responsible_entity_yuan": _money(p.budget)}
    else:
        area = sum((c.area for c in p.communities), Decimal(0))
        approved = min(p.budget - elevator, (area * 400).quantize(FEN))
        city = (approved / 2).quantize(FEN, ROUND_DOWN)
        shares = partition(int((p.budget - approved) * 100), [4, 3, 1, 2], 0)
        funding = {"city_yuan": _money(city), "district_yuan": _money(approved - city),  # the district takes the odd fen
                   **{k: _money(Decimal(v) / 100) for k, v in zip(("residents_yuan", "maintenance_fund_yuan", "public_income_yuan", "other_yuan"), shares)}}
    for _key, ident, title in PLANS:
        _attach(doc, files, ident, f"attachments/{ident}.pdf", mk.pdf(f"{p.code} {ident}", 1), title)
    _attach(doc, files, "ballots", "attachments/ballots.pdf", mk.pdf(f"{p.code} ballots", 2), "业主表决汇总表")
    _attach(doc, files, "notice-photos", "attachments/notice.png", mk.png(), "公示现场照片")
    if p.version == "1.1":  # each community votes before the notice is posted
        consent = {"votes": [_vote(c, rng, start - timedelta(days=rng.randint(5, 20))) for c in p.communities], "evidence": "ballots"}
    else:
        consent = {**_vote(p.communities[0], rng, None), "evidence": "ballots"}
    places = "、".join(c.name for c in p.communities)
    doc.update({
        "survey": {"completed_on": date(p.plan_year - 1, 6, 15).isoformat(), "urgent_issues": [{"code": "urgent-1", "description": "屋面渗漏、管网老化"}]},
        "plan": {"items": items, "total_budget_yuan": _money(p.budget), "funding": funding, "documents": {k: i for k, i, _t in PLANS}},
        "consent": consent,
        "public_notice": {"start": start.isoformat(), "end": (start + timedelta(days=11)).isoformat(), "place": f"{places}公告栏", "evidence": "notice-photos"},
    })
    return doc, files


def acceptance(p: Project) -> tuple[dict, dict]:
    """A valid, passed acceptance: built in the plan year, accounts audited in the next January."""
    rng = random.Random(p.seed + 1)
    y = p.plan_year
    doc, files = _envelope(p, "acceptance", date(y + 1, 1, 20)), {}
    _attach(doc, files, "review-opinion", "attachments/review.pdf", mk.pdf(f"{p.code} review", 1), "联合审查意见")
    _attach(doc, files, "minutes", "attachments/minutes.pdf", mk.pdf(f"{p.code} minutes", 2), "验收纪要")
    _attach(doc, files, "audit", "attachments/audit.pdf", mk.pdf(f"{p.code} audit", 3), "审计报告")
    decl = declaration(p)[0]
    elevator = sum((Decimal(i["budget_yuan"]) for i in decl["plan"]["items"] if i["code"] == "elevator"), Decimal(0))
    total = (p.budget * Decimal(str(rng.uniform(0.93, 0.99)))).quantize(FEN, ROUND_HALF_UP)
    roles = ("district_office", "district_department", "builder", "designer", "contractor", "supervisor", "street", "community", "resident_representative")
    doc.update({
        "implementation": {"design_review": {"date": f"{y}-03-10", "opinion": "review-opinion"},
                           "procurement": {"mode": "separate", "tender_ref": f"XCZB-{y}-{p.code[-3:]}", "designer": "杭州市城建设计研究院有限公司",
                                           "contractor": "浙江省建工集团有限责任公司", "supervisor": "浙江江南工程管理股份有限公司"},
                           "started_on": f"{y}-04-01", "completed_on": f"{y}-11-30",
                           "delivered": [{"code": i["code"], "name": i["name"], "quantity": "按设计完成"} for i in decl["plan"]["items"]]},
        "acceptance": {"date": f"{y}-12-18", "conclusion": "passed", "opinion": "工程按设计及合同要求完成，质量合格，同意通过验收。",
                       "participants": [{"role": r, "organization": f"{p.street}相关单位", "representative": "代表"} for r in roles],
                       "minutes": "minutes"},
        "final_accounts": {"total_yuan": _money(total), "elevator_yuan": _money(min(elevator, total)), "secondary_water_supply_yuan": "0.00",
                           "audited_on": f"{y + 1}-01-08", "report": "audit"},
    })
    return doc, files


def handover(p: Project) -> tuple[dict, dict]:
    """A valid handover of the project's files to the district archive, in the March after."""
    y = p.plan_year
    on = date(y + 1, 3, 1)
    doc, files = _envelope(p, "handover", on), {}
    documents = []
    for n, (category, title, retention) in enumerate(CATEGORIES, start=1):
        pages = 1 + n % 3
        _attach(doc, files, f"doc-{category}", f"documents/{n:02d}-{category}.pdf", mk.pdf(f"{p.code} {category}", pages), f"{p.name}{title}")
        documents.append({"category": category, "title": f"{p.name}{title}", "responsible": f"{p.street}办事处", "date": f"{y}-12-20",
                          "pages": pages, "retention": retention, "file": f"doc-{category}"})
    doc["handover"] = {"from_unit": street_office(p.street, on), "to_unit": f"杭州市{district(on)}档案馆", "date": on.isoformat(),
                       "handed_by": "联络员", "received_by": "", "documents": documents}
    return doc, files


STAGES = {"declaration": declaration, "acceptance": acceptance, "handover": handover}
