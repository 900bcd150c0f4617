"""《关于××小区综合改造提升方案的公示》 — from a declaration, while owners still vote."""
from __future__ import annotations

from decimal import Decimal

from service.domain import formats as fmt
from service.domain import values as v
from service.domain.documents.common import Issue, base, cited_plan, dated, day, issuing_body, money_with_capital, scale
from service.domain.project import communities, is_multi
from service.domain.findings import Report
from service.domain.pointer import resolve
from service.domain.rules.base import each
from service.domain.ruleset import RuleSet

# The notice goes up before the plan is approved: the city subsidy is applied for (拟申请), not granted.
FUNDING_LABELS = {
    "city_yuan": "拟申请市级补助资金", "district_yuan": "区级资金", "residents_yuan": "居民出资",
    "maintenance_fund_yuan": "物业维修资金", "public_income_yuan": "小区公共收益",
    "donations_yuan": "个人或单位捐资", "responsible_entity_yuan": "原责任主体出资", "other_yuan": "其他",
}
NUMERALS = "一二三四五六七八九十"


def context(doc: dict, report: Report, ruleset: RuleSet, issue: Issue) -> dict:
    """Everything the notice says, as text, for both the Word template and the PDF."""
    on = dated(doc, "/public_notice/start")  # the notice speaks as of the day it goes up
    # 1.0: 朝晖一区综合改造提升方案; 1.1: the project's name (项目名称) and 方案.
    subject = f"{v.text(doc, '/project/name') or ''}方案" if is_multi(doc) else f"{v.text(doc, '/project/community') or ''}综合改造提升方案"
    ctx = base(doc, issue, f"关于{subject}的公示")
    aspects = ruleset.data["aspects"]
    items = [item for _i, item in each(resolve(doc, "/plan/items"))]
    ctx["intro"] = (f"根据{cited_plan(ruleset, on)}，经调查摸底、征求居民意见，{ctx['street']}制订了"
                    f"{subject}（含初步改造方案及预算、居民资金筹集方案、物业维修资金补建续筹方案、"
                    f"物业服务引进方案和长效管理方案），现予以公示。")
    plan_year = f"项目编号{ctx['project_code']}，拟申报列入{v.integer(doc, '/project/plan_year')}年度改造计划。"
    if is_multi(doc):
        listed = communities(doc)
        each_one = "；".join(f"{c.name or ''}位于{c.get('address') or ''}，建成于{c.integer('built_year')}年" for c in listed)
        # “包括朝晖一区共1个小区” says nothing a one-community project needs said
        members = f"{ctx['project_name']}包括{ctx['community']}共{len(listed)}个小区。" if len(listed) > 1 else ""
        ctx["overview"] = f"{members}{each_one}。改造规模：{scale(doc)}。{plan_year}"
    else:
        ctx["overview"] = (f"{ctx['community']}位于{ctx['address']}，建成于{v.integer(doc, '/project/built_year')}年，"
                           f"共{scale(doc)}。{plan_year}")
    groups = []
    for key, label in aspects.items():
        names = [item["name"] for item in items if item.get("aspect") == key]
        if names:
            groups.append({"label": f"（{NUMERALS[len(groups)]}）{label}：", "names": "、".join(names) + "。"})
    ctx["aspects"] = groups
    ctx["items"] = [{"no": str(n), "name": item["name"], "aspect": aspects.get(item.get("aspect"), ""),
                     "budget": fmt.yuan(v.money(item, "/budget_yuan") or Decimal(0)).removesuffix("元")}
                    for n, item in enumerate(items, start=1)]
    total = v.money(doc, "/plan/total_budget_yuan") or Decimal(0)
    sources = [f"{label}{fmt.yuan(amount)}" for key, label in FUNDING_LABELS.items()
               if (amount := v.money(doc, f"/plan/funding/{key}")) is not None and amount != 0]
    ctx["total_budget"] = fmt.yuan(total).removesuffix("元")
    ctx["budget_text"] = f"项目预算总额{money_with_capital(total)}。资金来源：{'，'.join(sources) or '无'}。"
    days = report.computed.get("notice_working_days")
    ctx["period_text"] = (f"公示期为{day(doc, '/public_notice/start')}至{day(doc, '/public_notice/end')}"
                          f"，共{days}个工作日。")
    unit = issuing_body(ruleset, doc, "street", on)
    ctx["feedback_text"] = (f"公示期间，居民可在{v.text(doc, '/public_notice/place')}查阅改造方案全文。对方案如有意见或建议，"
                            f"请于公示期内向{unit}书面或电话反映。联系人：{v.text(doc, '/submitter/contact')}；"
                            f"联系电话：{v.text(doc, '/submitter/phone')}。")
    ctx["unit"] = unit
    ctx["date_text"] = day(doc, "/public_notice/start")
    return ctx
