"""A unit's years across reorganisations, as pure arithmetic (targets.trends)."""

from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from targets.trends import TrendYear, _ranked, trend_of, weights_of


def unit(pk, code, first_year=None, last_year=None, first_month=None, last_month=None):
    return SimpleNamespace(pk=pk, code=code, first_year=first_year, last_year=last_year, first_month=first_month,
                           last_month=last_month, is_active=last_year is None, sort_order=0)


def test_a_merged_communes_history_weighs_each_predecessor_once_and_a_split_by_its_share():
    links = {10: [(1, Fraction(1)), (2, Fraction(1))], 11: [(3, Fraction(3, 5))], 12: [(3, Fraction(2, 5))]}
    assert weights_of(10, links) == {10: 1, 1: 1, 2: 1}
    assert weights_of(11, links) == {11: 1, 3: Fraction(3, 5)}


def test_the_years_add_up_the_predecessors_before_and_the_unit_after_with_shares_rounded_half_up():
    old_a, old_b = unit(1, "A", last_year=2025, last_month=6), unit(2, "B", last_year=2025, last_month=6)
    new = unit(10, "A", first_year=2025, first_month=7)
    links = {10: [(1, Fraction(1)), (2, Fraction(1))]}
    sums = {(1, 2024): (3, 10), (2, 2024): (2, 10), (1, 2025): (1, 4), (10, 2025): (5, 6), (10, 2026): (7, 7)}
    years = trend_of(new, years=range(2024, 2027), links=links, sums=sums, units_by_id={1: old_a, 2: old_b, 10: new})
    assert [(entry.year, entry.online, entry.total, entry.made_of) for entry in years] == [
        (2024, 5, 20, ("A", "B")), (2025, 6, 10, ("A", "B")), (2026, 7, 7, ("A",))]
    assert years[0].rate == Decimal("25.00")
    half = unit(11, "C", first_year=2025, first_month=7)
    shared = trend_of(half, years=[2024], links={11: [(3, Fraction(1, 2))]}, sums={(3, 2024): (5, 9)},
                      units_by_id={3: unit(3, "D", last_year=2025, last_month=6), 11: half})
    assert (shared[0].online, shared[0].total) == (3, 5)  # 2.5 → 3, 4.5 → 5


def test_ranks_are_shared_by_equal_rates_and_a_unit_without_dossiers_has_none():
    def years(*rates):
        return [TrendYear(2020 + index, 0, 0, (), None if rate is None else Decimal(rate)) for index, rate in enumerate(rates)]

    ranked = _ranked({1: years("50", "60"), 2: years("50", None), 3: years("40", "70")})
    assert [(entry.rank, entry.peers) for entry in ranked[1]] == [(1, 3), (2, 2)]
    assert [(entry.rank, entry.peers) for entry in ranked[2]] == [(1, 3), (None, 2)]
    assert ranked[3][0].rank == 3 and ranked[3][1].change == Decimal("30")
    assert ranked[2][1].change is None


def test_a_communes_trend_counts_its_level_3_and_4_dossiers_not_those_of_a_level_2_procedure(commune_a):
    from submissions.models import Authority, DossierCount, Procedure
    from targets.trends import unit_trends

    def procedure(level):
        return Procedure.objects.filter(authority=Authority.COMMUNE, online_level=level).first() or Procedure.objects.create(
            code=f"X.level{level}", name="Thử", field="Thử", authority=Authority.COMMUNE, online_level=level, first_year=2019)

    DossierCount.objects.filter(unit=commune_a).delete()
    for level, total, online in ((2, 50, 50), (3, 10, 4), (4, 6, 6)):
        DossierCount.objects.create(unit=commune_a, procedure=procedure(level), year=2020, month=3, total=total, online=online)
    trend = unit_trends(commune_a, first_year=2020, last_year=2020)
    assert (trend.years[0].online, trend.years[0].total) == (10, 16)
