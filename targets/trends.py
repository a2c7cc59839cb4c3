"""A unit's online rate year by year across reorganisations: before a merge, the sum of its
predecessors; after a split, its share of the unit it came from.

`unit_trends(units, first_year, last_year)` reads three things — the lineage, the yearly sums of
every unit involved, and nothing per unit — and `trend_of` is pure arithmetic on them. Nothing
is moved: each unit keeps its own counts, and the history is added up when it is read (DHIS2's
merge moves the data and deletes the sources; here both eras stay as they were reported).
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt_portal.figures import rate_percent
from submissions.models import DossierCount, Procedure
from submissions.rules import TARGET_MIN_LEVEL
from units.models import Lineage, Unit
from units.rules import exists_in, period_of

MAX_GENERATIONS = 20  # a chain of reorganisations longer than this is a loop in the data


@dataclass(frozen=True)
class TrendYear:
    year: int
    online: int
    total: int
    made_of: tuple[str, ...]  # the codes whose figures were added up that year
    rate: Decimal | None = None  # percent, two decimals
    change: Decimal | None = None  # against the year before, in percentage points
    rank: int | None = None  # among the unit's peers (same kind, same administration), by rate
    peers: int = 0


@dataclass
class Trend:
    unit: Unit
    years: list[TrendYear] = field(default_factory=list)
    sources: list[tuple[str, list[str]]] = field(default_factory=list)  # (period, predecessor names)

    @property
    def labels(self) -> list[str]:
        """"2020–6/2025: tổng của Thị trấn Đức Thọ, Xã Tùng Ảnh, …" for each era before a change."""
        return [_("%(period)s: tổng của %(names)s") % {"period": period, "names": ", ".join(names)}
                for period, names in self.sources]


def weights_of(unit_id: int, links: dict[int, list[tuple[int, Fraction]]]) -> dict[int, Fraction]:
    """{unit id: the part of its figures that belongs to `unit_id`'s history}: itself 1, each
    predecessor its share (a split's successor gets its share), further back multiplied."""
    weights: dict[int, Fraction] = {unit_id: Fraction(1)}
    frontier = {unit_id: Fraction(1)}
    for _generation in range(MAX_GENERATIONS):
        following = defaultdict(Fraction)
        for successor_id, weight in frontier.items():
            for predecessor_id, share in links.get(successor_id, []):
                following[predecessor_id] += weight * share
        if not following:
            break
        for predecessor_id, weight in following.items():
            weights[predecessor_id] = weights.get(predecessor_id, Fraction(0)) + weight
        frontier = following
    return weights


def _whole(value: Fraction) -> int:
    """Half up to a whole number of dossiers (a split's share of a predecessor's)."""
    return int((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _oldest_first(unit: Unit):
    return period_of(unit)[0], unit.sort_order, unit.code


def trend_of(unit: Unit, *, years, links, sums, units_by_id) -> list[TrendYear]:
    """The unit's years: Σ weight × (online, total) of itself and its predecessors (pure)."""
    weights = weights_of(unit.pk, links)
    found = []
    for year in years:
        online = total = Fraction(0)
        made_of = []
        members = sorted(((units_by_id[member_id], weight) for member_id, weight in weights.items()
                          if member_id in units_by_id), key=lambda pair: _oldest_first(pair[0]))
        for member, weight in members:
            member_id = member.pk
            if not exists_in(first_year=member.first_year, last_year=member.last_year,
                                                 is_active=member.is_active, year=year):
                continue
            member_online, member_total = sums.get((member_id, year), (0, 0))
            online += weight * member_online
            total += weight * member_total
            if member.code not in made_of:
                made_of.append(member.code)
        whole_online, whole_total = _whole(online), _whole(total)
        found.append(TrendYear(year, whole_online, whole_total, tuple(made_of), rate_percent(whole_online, whole_total)))
    return found


def _ranked(trends: dict[int, list[TrendYear]]) -> dict[int, list[TrendYear]]:
    """Each year's rank by rate among the units given (equal rates share a rank; no dossiers, no
    rank) and the change from the year before: one sort per year, so a province of 10,000
    communes is ranked in a blink."""
    years = len(next(iter(trends.values()), []))
    rates_by_year = [sorted(each[index].rate for each in trends.values() if each[index].rate is not None)
                     for index in range(years)]
    ranked = {}
    for unit_id, its_years in trends.items():
        ranked[unit_id] = []
        for index, entry in enumerate(its_years):
            rates = rates_by_year[index]
            previous = its_years[index - 1].rate if index else None
            change = entry.rate - previous if entry.rate is not None and previous is not None else None
            rank = 1 + len(rates) - bisect_right(rates, entry.rate) if entry.rate is not None else None
            ranked[unit_id].append(TrendYear(entry.year, entry.online, entry.total, entry.made_of, entry.rate,
                                             change, rank, len(rates)))
    return ranked


def unit_trends(unit: Unit, *, first_year: int | None = None, last_year: int | None = None) -> Trend:
    """The unit's trend from `first_year` (default: the first year anybody in its history reported)
    to `last_year` (default: this year, or the unit's last), ranked among its peers (the units of
    its kind under its administration that exist when it does). Queries: the peers (1), the
    lineage (1), the predecessors when there are any (1), the yearly sums (1) — whatever the
    number of units or years."""
    start, end = period_of(unit)
    peers = [peer for peer in Unit.objects.filter(district_id=unit.district_id, kind=unit.kind)
             if period_of(peer)[0] <= end and start <= period_of(peer)[1]]
    if unit.pk not in {peer.pk for peer in peers}:
        peers.append(unit)
    links: dict[int, list[tuple[int, Fraction]]] = defaultdict(list)
    for successor_id, predecessor_id, share in Lineage.objects.values_list("successor_id", "predecessor_id", "share"):
        links[successor_id].append((predecessor_id, Fraction(share)))
    weights = {peer.pk: weights_of(peer.pk, links) for peer in peers}
    member_ids = {member_id for its in weights.values() for member_id in its}
    units_by_id = {peer.pk: peer for peer in peers}
    if member_ids - set(units_by_id):  # predecessors: read once
        units_by_id.update((member.pk, member) for member in Unit.objects.filter(pk__in=member_ids - set(units_by_id)))
    sums = {
        (row["unit_id"], row["year"]): (row["online_sum"] or 0, row["total_sum"] or 0)
        for row in DossierCount.objects.filter(unit_id__in=member_ids)
        # levels 3 and 4: every procedure but the few below (their index), not a join with the
        # catalog, which PostgreSQL answered by hashing all 56,000 procedures of the country
        .exclude(procedure_id__in=Procedure.objects.filter(online_level__lt=TARGET_MIN_LEVEL).values("pk"))
        .values("unit_id", "year").annotate(online_sum=Sum("online"), total_sum=Sum("total")).order_by()
    }
    if last_year is None:
        last_year = min(timezone.localdate().year, unit.last_year or 9999)
    if first_year is None:
        reported = [year for (member_id, year), (_online, total) in sums.items() if total and member_id in weights[unit.pk]]
        first_year = min(reported, default=last_year)
    years = range(first_year, last_year + 1)
    trends = _ranked({peer.pk: trend_of(peer, years=years, links=links, sums=sums, units_by_id=units_by_id)
                      for peer in peers})
    trend = Trend(unit=unit, years=trends[unit.pk])
    predecessors = [units_by_id[member_id] for member_id in weights[unit.pk] if member_id != unit.pk
                    and member_id in units_by_id]
    if predecessors:
        last = max(period_of(member)[1] for member in predecessors)
        first = min(period_of(member)[0] for member in predecessors)
        first_shown = max(first[0], first_year)
        trend.sources.append((f"{first_shown}–{last[1]}/{last[0]}",
                              [member.name for member in sorted(predecessors, key=lambda each: (each.sort_order, each.code))]))
    return trend
