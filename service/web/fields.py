"""Names of package fields for people, so a finding stands next to a field they recognise."""
from __future__ import annotations

from service.domain.findings import N_

LABELS = {
    "format_version": N_("format version"), "stage": N_("stage"), "submitted_on": N_("date submitted"),
    "submitter": N_("submitting office"), "street": N_("street"), "unit": N_("issuing office"), "contact": N_("contact"),
    "phone": N_("phone"), "project": N_("project"), "code": N_("code"), "community": N_("community"),
    "address": N_("address"), "built_year": N_("year built"), "affordable_housing": N_("affordable housing"),
    "post_2000_grounds": N_("grounds for a project built after 2000"), "buildings": N_("buildings"),
    "households": N_("homes"), "floor_area_m2": N_("floor area (m²)"),
    "last_comprehensive_renovation_year": N_("last comprehensive renovation"), "in_demolition_plan": N_("in the demolition plan"),
    "plan_year": N_("plan year"), "attachments": N_("attachments"), "file": N_("file"), "sha256": N_("SHA-256"),
    "title": N_("title"), "survey": N_("survey"), "urgent_issues": N_("urgent issues"), "plan": N_("renovation plan"),
    "items": N_("items"), "aspect": N_("aspect"), "budget_yuan": N_("budget (yuan)"), "total_budget_yuan": N_("total budget (yuan)"),
    "funding": N_("funding"), "city_yuan": N_("city share (yuan)"), "district_yuan": N_("district share (yuan)"),
    "responsible_entity_yuan": N_("responsible entity (yuan)"), "documents": N_("documents"), "consent": N_("owner consent"),
    "total_owners": N_("owners in all"), "total_exclusive_area_m2": N_("exclusive area in all (m²)"),
    "renovation": N_("consent to renovate"), "owners": N_("owners"), "area_m2": N_("area (m²)"),
    "plan_approval": N_("approval of the plan"), "evidence": N_("evidence"), "public_notice": N_("public notice"),
    "start": N_("start"), "end": N_("end"), "place": N_("place"), "implementation": N_("implementation"),
    "design_review": N_("design review"), "procurement": N_("procurement"), "started_on": N_("works started"),
    "completed_on": N_("works completed"), "delivered": N_("work delivered"), "acceptance": N_("joint acceptance"),
    "date": N_("date"), "conclusion": N_("conclusion"), "participants": N_("participants"), "final_accounts": N_("final accounts"),
    "total_yuan": N_("total (yuan)"), "handover": N_("handover"), "pages": N_("pages"), "retention": N_("retention"),
    "category": N_("category"),
    # format 1.1
    "name": N_("name"), "communities": N_("communities"), "votes": N_("owners' votes"), "voted_on": N_("date of the vote"),
    "participation": N_("owners taking part"),
}


COMPUTED = {
    "notice_working_days": N_("working days of the public notice"), "consent_area_ratio": N_("share of the area agreeing"),
    "consent_area_percent": N_("share of the area agreeing (%)"), "consent_owner_ratio": N_("share of the owners agreeing"),
    "consent_owner_percent": N_("share of the owners agreeing (%)"), "plan_approval_ratio": N_("share of the owners approving the plan"),
    "plan_approval_percent": N_("share of the owners approving the plan (%)"), "city_share_estimate_yuan": N_("estimated city share (yuan)"),
    "subsidy": N_("city subsidy (yuan)"), "base_yuan": N_("base"), "cap_yuan": N_("cap at 400 yuan/m²"),
    "approved_yuan": N_("approved"), "city_yuan": N_("city"), "district_yuan": N_("district"),
}
# Format 1.1 computes per vote: a list of figures, one row per community's vote.
COMPUTED.update({"votes": N_("the owners' votes"), "community": N_("community (vote)"), "voted_on": N_("voted on"),
                 "law": N_("law applied")})


def computed_label(key: str, gettext) -> str:
    """A computed figure's name for people."""
    return gettext(COMPUTED[key]) if key in COMPUTED else key


def label(pointer: str, gettext) -> str:
    """'/consent/renovation/area_m2' as 'owner consent › consent to renovate › area (m²)'."""
    parts = [p for p in pointer.split("/")[1:] if p]
    if not parts:
        return gettext("the package")
    words = []
    for part in parts:
        words.append(f"#{int(part) + 1}" if part.isdigit() else gettext(LABELS[part]) if part in LABELS else part)
    return " › ".join(words)
