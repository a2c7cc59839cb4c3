"""The arithmetic of DOMAIN.md, case by case, without a database."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from targets.arithmetic import (
    Status,
    combined_rate,
    count_threshold_by,
    evaluate,
    meets_rate,
    rate_percent,
    rate_shortfall,
)


def count_rule(online, through=12, target=20):
    return evaluate(measure="count", target=Decimal(target), online=online, total=online, through=through)


def rate_rule(online, total, percent, through=12):
    return evaluate(measure="rate", target=Decimal(percent), online=online, total=total, through=through)


def test_a_commune_with_19_online_district_dossiers_misses_c1_at_year_end():
    outcome = count_rule(19)
    assert outcome.status == Status.MISSED
    assert outcome.shortfall == 1


def test_a_commune_with_20_online_district_dossiers_meets_c1():
    outcome = count_rule(20)
    assert outcome.status == Status.MET
    assert outcome.shortfall == 0


def test_c1_is_met_as_soon_as_20_are_reached_even_in_march():
    assert count_rule(20, through=3).status == Status.MET


@pytest.mark.parametrize(
    "through, needed",
    [(3, 5), (6, 10), (9, 15)],
)
def test_c1_on_track_thresholds_by_month(through, needed):
    assert count_threshold_by(Decimal(20), through) == needed
    assert count_rule(needed, through=through).status == Status.ON_TRACK
    assert count_rule(needed - 1, through=through).status == Status.AT_RISK


def test_on_track_threshold_rounds_up():
    # 20 × 1 / 12 = 1.67 → 2 dossiers by the end of January
    assert count_threshold_by(Decimal(20), 1) == 2
    assert count_rule(1, through=1).status == Status.AT_RISK


@pytest.mark.parametrize("online, total", [(1, 4), (25, 100), (250, 1000)])
def test_exactly_25_percent_meets_c2(online, total):
    assert rate_rule(online, total, 25).status == Status.MET
    assert rate_rule(online, total, 25).shortfall == 0


def test_24_99_percent_does_not_meet_c2():
    outcome = rate_rule(2499, 10000, 25)
    assert outcome.status == Status.MISSED
    assert outcome.rate == Decimal("24.99")
    assert outcome.shortfall == 2  # 2501 / 10002 = 25.005 %; 2500 / 10001 = 24.998 %


def test_299_of_1000_misses_d1_and_300_of_1000_meets_it():
    assert rate_rule(299, 1000, 30).status == Status.MISSED
    assert rate_rule(300, 1000, 30).status == Status.MET


def test_the_worked_example_of_the_domain_brief():
    outcome = rate_rule(20, 100, 25)
    assert outcome.rate == Decimal("20.00")
    assert outcome.shortfall == 7  # 27/107 = 25.2 %; 26/106 = 24.5 %


def test_no_dossiers_under_a_rate_rule_is_no_data_never_met():
    outcome = rate_rule(0, 0, 25)
    assert outcome.status == Status.NO_DATA
    assert outcome.shortfall is None
    assert outcome.rate is None
    assert rate_rule(0, 0, 25, through=9).status == Status.NO_DATA


def test_during_the_year_a_rate_rule_is_on_track_when_met_at_the_current_rate():
    assert rate_rule(25, 100, 25, through=9).status == Status.ON_TRACK
    assert rate_rule(24, 100, 25, through=9).status == Status.AT_RISK


def test_rates_are_compared_exactly_not_in_floating_point():
    # 0.1 + 0.2 style traps: 1/3 of dossiers online against 33.33 % and 33.34 %
    assert meets_rate(1, 3, Decimal("33.33"))
    assert not meets_rate(1, 3, Decimal("33.34"))
    assert meets_rate(7, 20, Decimal("35"))


def test_a_100_percent_target_cannot_be_reached_once_a_dossier_was_filed_in_person():
    assert rate_shortfall(9, 10, Decimal(100)) is None
    assert rate_shortfall(10, 10, Decimal(100)) == 0


def test_a_district_rate_weighs_units_by_volume_never_averages_percentages():
    # 10/10 = 100 % and 0/90 = 0 %: the average would be 50 %, the district's rate is 10 %
    assert combined_rate([(10, 10), (0, 90)]) == Decimal("10.00")
    assert combined_rate([(0, 0)]) is None


def test_rate_percent_rounds_half_up_to_two_decimals():
    assert rate_percent(1, 8) == Decimal("12.50")
    assert rate_percent(1, 3) == Decimal("33.33")
    assert rate_percent(2, 3) == Decimal("66.67")


percentages = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99.99"), places=2)


@given(
    total=st.integers(min_value=1, max_value=10**7),
    online_share=st.fractions(min_value=0, max_value=1),
    percent=percentages,
)
def test_the_rate_shortfall_is_sufficient_and_minimal(total, online_share, percent):
    online = int(online_share * total)
    x = rate_shortfall(online, total, percent)
    p = Fraction(percent)
    assert x is not None and x >= 0
    assert (online + x) * 100 >= p * (total + x)
    if x > 0:
        assert (online + x - 1) * 100 < p * (total + x - 1)


@given(online=st.integers(min_value=0, max_value=10**6), total_extra=st.integers(min_value=0, max_value=10**6),
       percent=percentages)
def test_met_exactly_when_the_shortfall_is_zero(online, total_extra, percent):
    total = online + total_extra
    if total == 0:
        return
    assert meets_rate(online, total, percent) == (rate_shortfall(online, total, percent) == 0)


def test_pages_round_the_rate_once_from_the_exact_fraction():
    from django.utils import translation

    from dvctt_portal.figures import format_rate_of

    # 108 / 518 = 20.849 %: the two-decimal JSON rate is 20.85, but the page says 20,8 % like Excel's 0.0%
    assert rate_percent(108, 518) == Decimal("20.85")
    assert rate_percent(108, 518, places=1) == Decimal("20.8")
    with translation.override("vi"):
        assert format_rate_of(108, 518) == "20,8 %"
        assert format_rate_of(1, 4) == "25,0 %"


def test_statuses_and_measures_are_published_by_these_names():
    from targets.arithmetic import Measure

    assert [status.value for status in Status] == ["met", "on_track", "at_risk", "missed", "no_data"]
    assert [measure.value for measure in Measure] == ["count", "rate", "coverage", "catalog_share"]


def test_the_exact_fraction_for_spreadsheets():
    from fractions import Fraction

    from targets.arithmetic import rate_fraction

    assert rate_fraction(1, 4) == Fraction(1, 4)
    assert rate_fraction(3, 1) == Fraction(3)
    assert rate_fraction(0, 0) is None


def test_an_outcome_cannot_be_changed_once_computed():
    import dataclasses

    outcome = evaluate(measure="rate", target=Decimal(25), online=1, total=4, through=12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.status = Status.MISSED


def test_a_month_outside_the_year_or_an_unknown_measure_is_refused_loudly():
    with pytest.raises(ValueError, match="^through must be a month 1–12, got 13$"):
        evaluate(measure="count", target=Decimal(20), online=1, total=1, through=13)
    with pytest.raises(ValueError, match="^through must be a month 1–12, got 0$"):
        evaluate(measure="count", target=Decimal(20), online=1, total=1, through=0)
    with pytest.raises(ValueError, match="^unknown measure 'share'$"):
        evaluate(measure="share", target=Decimal(20), online=1, total=1, through=12)
