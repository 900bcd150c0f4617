"""Each rule at its boundary: the exact value that passes and the next that fails."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from conftest import FIXTURES, ids


def rules_of(report, rule):
    return [(f.severity, f.path) for f in report.findings if f.rule == rule]


# -- 双2/3, compared as fractions ---------------------------------------------------------

def test_exactly_two_thirds_of_area_and_owners_passes_where_floats_fail(example, check_doc):
    doc = example("declaration")
    doc["consent"].update(total_owners=3, total_exclusive_area_m2=Decimal("32768.16"),
                          renovation={"owners": 2, "area_m2": Decimal("21845.44")}, plan_approval={"owners": 2})
    assert 21845.44 / 32768.16 < 2 / 3  # the float formula gets it wrong
    report = check_doc(doc)
    assert ids(report) == []
    assert report.computed["consent_area_ratio"] == "21845.44/32768.16"
    assert report.computed["consent_owner_percent"] == "66.66%"


def test_a_fen_of_area_below_two_thirds_fails_with_the_area_needed(example, check_doc):
    doc = example("declaration")
    doc["consent"].update(total_exclusive_area_m2=Decimal("32768.16"), renovation={"owners": 1300, "area_m2": Decimal("21845.43")})
    report = check_doc(doc)
    assert rules_of(report, "CONSENT-DOUBLE-TWO-THIRDS") == [("error", "/consent/renovation/area_m2")]
    message = report.errors[0].message
    assert message.params["needed"] == "21845.44"
    assert message.params["percent"] == "66.66%"


def test_one_owner_short_of_two_thirds_names_the_owners_needed(example, check_doc):
    doc = example("declaration")
    doc["consent"]["renovation"]["owners"] = 1099  # 1100/1650 is exactly 2/3
    report = check_doc(doc)
    assert rules_of(report, "CONSENT-DOUBLE-TWO-THIRDS") == [("error", "/consent/renovation/owners")]
    assert report.errors[0].message.params["needed"] == 1100
    doc["consent"]["renovation"]["owners"] = 1100
    assert rules_of(check_doc(doc), "CONSENT-DOUBLE-TWO-THIRDS") == []


def test_plan_approval_at_exactly_two_thirds_passes(example, check_doc):
    doc = example("declaration")
    doc["consent"]["plan_approval"]["owners"] = 1100
    assert rules_of(check_doc(doc), "CONSENT-PLAN-APPROVAL") == []
    doc["consent"]["plan_approval"]["owners"] = 1099
    assert rules_of(check_doc(doc), "CONSENT-PLAN-APPROVAL") == [("error", "/consent/plan_approval/owners")]


# -- the declaration deadline: 31 October of the year before --------------------------------

@pytest.mark.parametrize("submitted,ok", [("2019-10-31", True), ("2019-11-01", False)])
def test_deadline_is_31_october(example, check_doc, submitted, ok):
    doc = example("declaration")
    doc["submitted_on"] = submitted
    assert (rules_of(check_doc(doc), "DECL-DEADLINE") == []) is ok


# -- eligibility --------------------------------------------------------------------------

def test_built_in_2000_is_eligible_and_2001_is_not_without_grounds(example, check_doc):
    doc = example("declaration")
    doc["project"]["built_year"] = 2000
    assert ids(check_doc(doc)) == []
    doc["project"]["built_year"] = 2001
    assert rules_of(check_doc(doc), "ELIG-BUILT-YEAR") == [("error", "/project/affordable_housing"), ("error", "/project/post_2000_grounds")]


def test_post_2000_affordable_housing_needs_all_three_grounds(example, check_doc):
    doc = example("declaration")
    doc["project"].update(built_year=2005, affordable_housing=True, post_2000_grounds={
        "facilities_deficient": True, "management_deficient": False, "strong_resident_will": True})
    assert rules_of(check_doc(doc), "ELIG-BUILT-YEAR") == [("error", "/project/post_2000_grounds/management_deficient")]


@pytest.mark.parametrize("last,ok", [(2014, True), (2015, False), (None, True)])
def test_renovated_six_years_before_is_eligible_five_is_not(example, check_doc, last, ok):
    doc = example("declaration")  # plan year 2020
    doc["project"]["last_comprehensive_renovation_year"] = last
    assert (rules_of(check_doc(doc), "ELIG-RECENT-RENOVATION") == []) is ok


# -- the public notice on the official calendar ----------------------------------------------

def test_notice_over_national_day_2019_counts_the_make_up_sunday(example, check_doc):
    doc = example("declaration")
    # 09-27 Fri, 09-29 make-up Sunday, 09-30, then 10-01..07 off, 10-08, 10-09: five working days.
    doc["public_notice"].update(start="2019-09-27", end="2019-10-09")
    report = check_doc(doc)
    assert report.computed["notice_working_days"] == 5
    assert rules_of(report, "NOTICE-WORKING-DAYS") == []
    doc["public_notice"]["end"] = "2019-10-08"
    report = check_doc(doc)
    assert report.computed["notice_working_days"] == 4
    assert rules_of(report, "NOTICE-WORKING-DAYS") == [("error", "/public_notice/end")]
    assert report.errors[0].message.params["earliest"] == "2019-10-09"


def test_make_up_saturday_12_october_2019_is_a_working_day(example, check_doc):
    doc = example("declaration")
    doc["public_notice"].update(start="2019-10-10", end="2019-10-14")  # Thu, Fri, Sat (make-up), Mon
    report = check_doc(doc)
    assert report.computed["notice_working_days"] == 4


def test_spring_festival_2020_extension_is_not_counted(example, check_doc):
    doc = example("declaration")
    doc.update(submitted_on="2020-02-20")
    doc["project"].update(plan_year=2021)
    # 2020-01-24..02-02 off (the make-up Saturday 02-01 cancelled); 02-03..02-07 are five working days.
    doc["public_notice"].update(start="2020-01-24", end="2020-02-06")
    report = check_doc(doc)
    assert report.computed["notice_working_days"] == 4
    assert report.errors[0].message.params["earliest"] == "2020-02-07"


def test_a_year_the_calendar_lacks_is_reported_never_guessed(example, check_doc):
    doc = example("declaration")
    doc.update(submitted_on="2027-01-20")
    doc["project"].update(plan_year=2028)
    doc["public_notice"].update(start="2026-12-28", end="2027-01-08")
    report = check_doc(doc)
    assert rules_of(report, "CALENDAR-COVERAGE") == [("error", "/public_notice/end")]
    assert rules_of(report, "NOTICE-WORKING-DAYS") == []
    assert "notice_working_days" not in report.computed


def test_notice_must_end_before_submission_and_start_before_it_ends(example, check_doc):
    doc = example("declaration")
    doc["public_notice"].update(start="2019-10-14", end="2019-10-08")
    report = check_doc(doc)
    assert rules_of(report, "NOTICE-ORDER") == [("error", "/public_notice/end")]
    assert rules_of(report, "NOTICE-WORKING-DAYS") == [("error", "/public_notice/end")]


# -- money, to the fen ----------------------------------------------------------------------

def test_city_share_estimate_rounds_half_up_to_the_fen(example, check_doc):
    doc = example("declaration")
    # Excluding the elevator: 13,800,000.01 -> half is 6,900,000.005 -> 6,900,000.01 (half up).
    doc["plan"]["items"][0]["budget_yuan"] = "3200000.01"
    doc["plan"]["total_budget_yuan"] = "16200000.01"
    doc["plan"]["funding"].update(city_yuan="6900000.01", other_yuan="200000.00", district_yuan="6900000.00", residents_yuan="1200000.00")
    report = check_doc(doc)
    assert report.computed["city_share_estimate_yuan"] == "6900000.01"
    assert rules_of(report, "FUNDING-OLD") == []


def test_city_share_is_capped_at_400_yuan_per_square_metre(example, check_doc):
    doc = example("declaration")
    doc["project"]["floor_area_m2"] = Decimal("30000.00")  # cap 12,000,000 < 13,800,000
    # exclusive area within the floor area (CONSENT-TOTALS), still agreed by more than two thirds
    doc["consent"].update(total_exclusive_area_m2=Decimal("28000.00"), renovation={"owners": 1300, "area_m2": Decimal("22000.00")})
    report = check_doc(doc)
    assert report.computed["city_share_estimate_yuan"] == "6000000.00"
    assert rules_of(report, "FUNDING-OLD") == [("warning", "/plan/funding/city_yuan")]
    assert report.valid


def test_subsidy_for_the_acceptance_example(example, check_doc):
    report = check_doc(example("acceptance"))
    assert report.computed["subsidy"] == {
        "base_yuan": "13510000.00", "cap_yuan": "39400200.00", "approved_yuan": "13510000.00",
        "city_yuan": "6755000.00", "district_yuan": "6755000.00"}


def test_subsidy_odd_fen_goes_half_up_to_the_city(example, check_doc):
    doc = example("acceptance")
    doc["final_accounts"]["total_yuan"] = "15860000.01"
    subsidy = check_doc(doc).computed["subsidy"]
    assert (subsidy["approved_yuan"], subsidy["city_yuan"], subsidy["district_yuan"]) == ("13510000.01", "6755000.01", "6755000.00")


def test_subsidy_is_zero_for_public_funds_after_2000(example, check_doc):
    doc = example("acceptance")
    doc["project"]["built_year"] = 2004
    subsidy = check_doc(doc).computed["subsidy"]
    assert (subsidy["city_yuan"], subsidy["district_yuan"]) == ("0.00", "0.00")


# -- acceptance parties -------------------------------------------------------------------------

def test_epc_needs_only_one_of_designer_and_contractor(example, check_doc):
    doc = example("acceptance")
    doc["implementation"]["procurement"] = {"mode": "epc", "tender_ref": "T", "epc_consortium": "联合体", "supervisor": "监理"}
    doc["acceptance"]["participants"] = [p for p in doc["acceptance"]["participants"] if p["role"] not in ("designer", "contractor")]
    assert rules_of(check_doc(doc), "ACCEPT-PARTIES") == [("error", "/acceptance/participants")]


def test_findings_come_in_a_stable_order(example, check_doc):
    doc = example("declaration")
    doc["consent"]["renovation"].update(owners=1, area_m2=1)
    doc["project"]["in_demolition_plan"] = True
    first, second = check_doc(doc), check_doc(doc)
    assert [(f.rule, f.path) for f in first.findings] == [(f.rule, f.path) for f in second.findings]
    assert [f.rule for f in first.findings] == ["ELIG-DEMOLITION", "CONSENT-DOUBLE-TWO-THIRDS", "CONSENT-DOUBLE-TWO-THIRDS"]


# -- format 1.1 and the funding split (programme.md) ---------------------------------------------

@pytest.mark.parametrize("district,other,ok", [("6900000.00", "200000.00", True), ("6899999.99", "200000.01", False),
                                               ("6900000.01", "199999.99", True)])
def test_the_district_matches_the_city_at_least_one_to_one(example, check_doc, district, other, ok):
    doc = example("declaration")
    doc["plan"]["funding"].update(district_yuan=district, other_yuan=other)
    report = check_doc(doc)
    assert rules_of(report, "FUNDING-SPLIT") == ([] if ok else [("warning", "/plan/funding/district_yuan")])
    assert report.valid  # a warning
    if not ok:
        assert report.warnings[0].message.params == {"district": "6,899,999.99", "city": "6,900,000.00"}


def test_a_missing_district_share_counts_as_zero_but_not_after_2000(example, check_doc):
    doc = example("declaration")
    del doc["plan"]["funding"]["district_yuan"]
    doc["plan"]["funding"]["other_yuan"] = "7100000.00"
    assert rules_of(check_doc(doc), "FUNDING-SPLIT") == [("warning", "/plan/funding/district_yuan")]
    doc["project"].update(built_year=2004, affordable_housing=True, post_2000_grounds={
        "facilities_deficient": True, "management_deficient": True, "strong_resident_will": True})
    assert rules_of(check_doc(doc), "FUNDING-SPLIT") == []


@pytest.mark.parametrize("plan_year,ok", [(2019, True), (2020, False)])
def test_the_2019_pilots_have_no_declaration_deadline(example, check_doc, plan_year, ok):
    doc = example("declaration")
    doc["submitted_on"] = "2019-11-01"
    doc["project"].update(plan_year=plan_year, code=f"XC-{plan_year}-007")
    assert rules_of(check_doc(doc), "DECL-DEADLINE") == ([] if ok else [("error", "/submitted_on")])


@pytest.mark.parametrize("year,ok", [(2000, True), (2001, False)])
def test_one_project_stays_on_one_side_of_2000(example, check_doc, year, ok):
    doc = json.loads((FIXTURES / "handover" / "chaohui-234-valid" / "package.json").read_text(encoding="utf-8"))
    doc["project"]["communities"][1]["built_year"] = year
    found = rules_of(check_doc(doc), "PROJECT-ONE-FUNDING-BASIS")
    assert found == ([] if ok else [("error", "/project/communities/1/built_year")])
