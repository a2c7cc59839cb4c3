"""Scoring like the national index (Decision 766/QĐ-TTg): proportional rules, the share of online
services that received dossiers (coverage), the share of the catalog offered online, and a
forecast of the year — each at its boundaries, through the published document."""

import io
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import call_command

from submissions.models import Authority, DossierCount, Procedure
from targets.arithmetic import Scoring, earned_points, evaluate_share, forecast
from targets.models import Measure, TargetPolicy, TargetRule
from targets.services import save_policy, save_rule
from units.models import UnitKind

pytestmark = pytest.mark.django_db

YEAR = 2021


def document(through: int) -> dict:
    out = io.StringIO()
    call_command("progress", "--year", str(YEAR), "--through", str(through), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def rule_of(doc: dict, unit, code: str) -> dict:
    entry = next(entry for entry in doc["units"] if entry["unit_code"] == unit.code)
    return next(rule for rule in entry["rules"] if rule["rule"] == code)


def unit_of(doc: dict, unit) -> dict:
    return next(entry for entry in doc["units"] if entry["unit_code"] == unit.code)


@pytest.fixture
def policy_766(reference):
    """A 2021 district policy at the index's thresholds: 3.3 (rate, 50 %), 3.2 (coverage, 50 %),
    3.1 (catalog share, 80 %), each earning up to 2 points; and the letter's count rule, deducted."""
    policy = save_policy(policy=TargetPolicy(district=reference["district"], year=YEAR, document_number="766-MAU",
                                             document_date=date(2021, 1, 15), title="Chỉ tiêu theo Quyết định 766"))
    rules = [
        ("P33", Measure.RATE, Scoring.PROPORTIONAL, "50", 3),
        ("P32", Measure.COVERAGE, Scoring.PROPORTIONAL, "50", 3),
        ("P31", Measure.CATALOG_SHARE, Scoring.PROPORTIONAL, "80", 3),
        ("P31M4", Measure.CATALOG_SHARE, Scoring.PROPORTIONAL, "80", 4),
        ("C1", Measure.COUNT, Scoring.DEDUCT, "20", 3),
    ]
    for order, (code, measure, scoring, target, level) in enumerate(rules):
        authority = Authority.DISTRICT if code == "C1" else Authority.COMMUNE
        save_rule(rule=TargetRule(policy=policy, code=code, label=code, unit_kind=UnitKind.COMMUNE, authority=authority,
                                  min_online_level=level, measure=measure, scoring=scoring, target=Decimal(target),
                                  points=Decimal("2"), sort_order=order))
    return policy


def commune_procedures():
    return list(Procedure.objects.offered_in(YEAR).online().filter(authority=Authority.COMMUNE).order_by("code"))


def filed(unit, procedure, *, month: int, online: int, total: int):
    DossierCount.objects.create(unit=unit, procedure=procedure, year=YEAR, month=month, online=online, total=total)


# The arithmetic, at its boundaries ------------------------------------------------------------------


def test_exactly_at_the_threshold_earns_the_full_points_and_just_under_earns_its_share():
    assert earned_points(points=Decimal("2"), value=Fraction(50), target=Decimal("50")) == Decimal("2.00")
    assert earned_points(points=Decimal("2"), value=Fraction(4999, 100), target=Decimal("50")) == Decimal("2.00")  # 1.9996
    assert earned_points(points=Decimal("2"), value=Fraction(49), target=Decimal("50")) == Decimal("1.96")
    assert earned_points(points=Decimal("2"), value=Fraction(90), target=Decimal("50")) == Decimal("2.00")  # never more


def test_a_zero_denominator_scores_not_applicable_not_zero():
    assert earned_points(points=Decimal("2"), value=None, target=Decimal("50")) is None
    assert earned_points(points=Decimal("2"), value=Fraction(0), target=Decimal("50")) == Decimal("0.00")


def test_a_100_percent_target_earns_in_proportion_and_a_zero_target_is_always_reached():
    assert earned_points(points=Decimal("3"), value=Fraction(99), target=Decimal("100")) == Decimal("2.97")
    assert earned_points(points=Decimal("3"), value=Fraction(100), target=Decimal("100")) == Decimal("3.00")
    assert earned_points(points=Decimal("3"), value=Fraction(0), target=Decimal("0")) == Decimal("3.00")


def test_a_share_of_procedures_says_how_many_procedures_are_missing():
    outcome = evaluate_share(target=Decimal("80"), counted=9, of=12, final=True)  # 75 %: 80 % of 12 is 9.6 → 10
    assert (outcome.status, outcome.shortfall, outcome.rate) == ("missed", 1, Decimal("75.00"))
    assert evaluate_share(target=Decimal("80"), counted=10, of=12, final=False).status == "on_track"
    assert evaluate_share(target=Decimal("80"), counted=0, of=0, final=True).status == "no_data"


def test_a_forecast_extrapolates_the_last_three_months_over_the_months_left():
    coming = forecast(measure="count", scoring=Scoring.DEDUCT, target=Decimal("20"), points=Decimal("1"), online=12,
                      total=30, recent_online=3, recent_total=9, recent_months=3, months_left=3)
    assert coming.value == Decimal("15.00") and coming.points == Decimal("-1")  # 12 + 3 → 15 < 20: deducted
    coming = forecast(measure="rate", scoring=Scoring.PROPORTIONAL, target=Decimal("50"), points=Decimal("2"),
                      online=10, total=40, recent_online=9, recent_total=12, recent_months=3, months_left=3)
    assert coming.value == Decimal("36.54") and coming.points == Decimal("1.46")  # 19/52 = 36.54 %: 2 × 36.54/50
    nothing = forecast(measure="rate", scoring=Scoring.PROPORTIONAL, target=Decimal("50"), points=Decimal("2"),
                       online=0, total=0, recent_online=0, recent_total=0, recent_months=3, months_left=3)
    assert nothing.value is None and nothing.points is None


# Through the published document --------------------------------------------------------------------


def test_a_commune_at_50_percent_online_earns_the_full_2_points_and_one_at_49_earns_1_96(
        policy_766, commune_a, commune_b):
    procedure = commune_procedures()[0]
    filed(commune_a, procedure, month=12, online=50, total=100)
    filed(commune_b, procedure, month=12, online=49, total=100)
    doc = document(12)
    assert (rule_of(doc, commune_a, "P33")["scoring"], rule_of(doc, commune_a, "P33")["earned"]) == ("proportional", "2")
    assert rule_of(doc, commune_b, "P33")["earned"] == "1.96"
    assert rule_of(doc, commune_b, "P33")["status"] == "missed"
    assert unit_of(doc, commune_b)["points"] == 2  # only C1's, deducted: a proportional rule missed costs nothing more
    assert rule_of(doc, commune_b, "C1")["earned"] is None  # a deduct rule earns nothing; it may only cost


def test_a_commune_without_dossiers_scores_na_on_the_rate_and_zero_on_coverage(policy_766, commune_a, reference):
    doc = document(12)
    rate, coverage = rule_of(doc, commune_a, "P33"), rule_of(doc, commune_a, "P32")
    assert (rate["status"], rate["earned"]) == ("no_data", None)
    offered = len(commune_procedures())
    assert coverage["procedures"] == {"counted": 0, "of": offered} and coverage["earned"] == "0"


def test_coverage_counts_the_procedures_with_an_online_dossier_among_those_offered(policy_766, commune_a):
    procedures = commune_procedures()
    filed(commune_a, procedures[0], month=2, online=1, total=1)
    filed(commune_a, procedures[1], month=5, online=3, total=8)
    filed(commune_a, procedures[2], month=5, online=0, total=6)  # received dossiers, none online: not counted
    coverage = rule_of(document(12), commune_a, "P32")
    offered = len(procedures)  # the others were offered and received nothing: in the denominator
    assert coverage["procedures"] == {"counted": 2, "of": offered}
    assert coverage["rate"] == f"{Decimal(200) / offered:.2f}"
    assert coverage["shortfall"] == -(-offered // 2) - 2  # ⌈50 % of the offered⌉ − 2
    expected = (Decimal(2) * Decimal(200) / offered / 50).quantize(Decimal("0.01"))
    assert Decimal(coverage["earned"]) == expected


def test_coverage_before_a_procedure_had_its_dossier_does_not_count_it(policy_766, commune_a):
    procedures = commune_procedures()
    filed(commune_a, procedures[0], month=2, online=1, total=1)
    filed(commune_a, procedures[1], month=10, online=2, total=2)
    assert rule_of(document(9), commune_a, "P32")["procedures"]["counted"] == 1
    assert rule_of(document(10), commune_a, "P32")["procedures"]["counted"] == 2


def test_the_catalog_share_counts_procedures_offered_at_the_rules_level_among_all_in_scope(policy_766, commune_a):
    doc = document(12)
    in_scope = Procedure.objects.offered_in(YEAR).filter(authority=Authority.COMMUNE)
    level_3 = rule_of(doc, commune_a, "P31")
    level_4 = rule_of(doc, commune_a, "P31M4")
    assert level_3["procedures"] == {"counted": in_scope.filter(online_level__gte=3).count(), "of": in_scope.count()}
    assert level_4["procedures"] == {"counted": in_scope.filter(online_level=4).count(), "of": in_scope.count()}
    assert level_4["status"] == "missed" and level_4["shortfall"] > 0
    assert level_3["earned"] == "2"  # 40 of 43 (93 %) ≥ 80 %


def test_the_score_is_the_points_earned_less_the_points_deducted_and_ranks_the_units(policy_766, commune_a, commune_b):
    from targets.progress import compute_progress

    procedure = commune_procedures()[0]
    filed(commune_a, procedure, month=12, online=10, total=100)
    filed(commune_b, procedure, month=12, online=40, total=100)
    doc = document(12)
    a, b = unit_of(doc, commune_a), unit_of(doc, commune_b)
    earned = lambda entry: sum(Decimal(rule["earned"]) for rule in entry["rules"] if rule["earned"])  # noqa: E731
    assert Decimal(a["score"]) == earned(a) - Decimal(str(a["points"]))
    assert a["points"] == 2 and a["flagged"]  # C1 missed: deducted
    assert Decimal(b["score"]) > Decimal(a["score"])
    ranking = [entry.unit for entry in compute_progress(policy_766, 12).ranking(UnitKind.COMMUNE)]
    assert ranking.index(commune_b) < ranking.index(commune_a)


def test_the_forecast_is_given_before_december_and_null_at_year_end(policy_766, commune_a):
    procedure = commune_procedures()[0]
    for month in (7, 8, 9):
        filed(commune_a, procedure, month=month, online=2, total=4)
    september = rule_of(document(9), commune_a, "P33")
    assert september["forecast"] == {"value": "50", "points": "2"}  # 6/12, then 2 of 4 a month: 50 %
    c1 = rule_of(document(9), commune_a, "C1")
    assert c1["forecast"] == {"value": "0", "points": "-2"}  # no district dossiers: 20 will not be reached
    assert rule_of(document(12), commune_a, "P33")["forecast"] is None


def test_a_percent_target_above_100_is_refused_for_every_share_measure(policy_766):
    from django.core.exceptions import ValidationError

    for measure in (Measure.RATE, Measure.COVERAGE, Measure.CATALOG_SHARE):
        rule = TargetRule(policy=policy_766, code=f"Z{measure[:2]}", label="x", unit_kind=UnitKind.COMMUNE,
                          authority=Authority.COMMUNE, measure=measure, target=Decimal("101"), points=Decimal("1"))
        with pytest.raises(ValidationError):
            rule.full_clean()


def test_a_year_locked_before_scoring_existed_still_verifies_and_a_changed_figure_still_shows(reference, home_affairs):
    """A 2020 result locked before issue 19 has no scoring fields: verification compares what it
    recorded, so it still matches; a figure changed since is still found."""
    import hashlib

    from targets.documents import FIELDS_SINCE_SCORING
    from targets.services import lock_year, verify_result

    policy = TargetPolicy.objects.get(district=reference["district"], year=2020)
    result = lock_year(policy=policy, user=home_affairs, reason="kiểm thử")

    def without_new_fields(value):
        if isinstance(value, dict):
            return {key: without_new_fields(item) for key, item in value.items() if key not in FIELDS_SINCE_SCORING}
        if isinstance(value, list):
            return [without_new_fields(item) for item in value]
        return value

    old = json.dumps(without_new_fields(json.loads(result.document)), ensure_ascii=False, sort_keys=True,
                     separators=(",", ":"))
    assert '"score"' not in old
    result.document, result.sha256 = old, hashlib.sha256(old.encode("utf-8")).hexdigest()
    assert verify_result(result) == []
    recorded = json.loads(old)
    recorded["units"][0]["rules"][0]["online"] += 1
    changed = json.dumps(recorded, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    result.document, result.sha256 = changed, hashlib.sha256(changed.encode("utf-8")).hexdigest()
    assert len(verify_result(result)) == 1


def test_coverage_exactly_at_50_percent_earns_the_full_points_and_one_procedure_fewer_earns_its_share(
        policy_766, commune_a, commune_b):
    procedures = commune_procedures()
    half = len(procedures) // 2  # 40 online commune procedures in 2021: 20 is exactly 50 %
    assert len(procedures) == 2 * half
    for procedure in procedures[:half]:
        filed(commune_a, procedure, month=3, online=1, total=1)
    for procedure in procedures[:half - 1]:
        filed(commune_b, procedure, month=3, online=1, total=1)
    doc = document(12)
    at, under = rule_of(doc, commune_a, "P32"), rule_of(doc, commune_b, "P32")
    assert (at["rate"], at["status"], at["shortfall"], at["earned"]) == ("50.00", "met", 0, "2")
    expected = (Decimal(2) * Decimal(half - 1) * 100 / len(procedures) / 50).quantize(Decimal("0.01"))
    assert (under["status"], under["shortfall"], Decimal(under["earned"])) == ("missed", 1, expected)


def test_a_100_percent_target_with_one_dossier_in_person_cannot_be_reached_and_earns_its_share(reference):
    policy = save_policy(policy=TargetPolicy(district=reference["district"], year=YEAR, document_number="100",
                                             document_date=date(2021, 1, 15), title="Toàn trình"))
    save_rule(rule=TargetRule(policy=policy, code="T100", label="100 %", unit_kind=UnitKind.COMMUNE,
                              authority=Authority.COMMUNE, measure=Measure.RATE, scoring=Scoring.PROPORTIONAL,
                              target=Decimal("100"), points=Decimal("3")))
    from units.models import Unit

    commune = Unit.objects.get(code="18229", district=reference["district"])
    filed(commune, commune_procedures()[0], month=12, online=99, total=100)
    rule = rule_of(document(12), commune, "T100")
    assert (rule["status"], rule["shortfall"], rule["earned"]) == ("missed", None, "2.97")  # 3 × 99/100
