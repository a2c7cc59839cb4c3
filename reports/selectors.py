"""What each report shows, gathered from the engine in a fixed number of queries.

Each function takes a validated period and the units the person may see, calls
`targets.progress` and arranges its results; nothing here adds dossiers or divides them.
"""

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from submissions.dossiers import scope_q
from submissions.models import DerivedMonth, Dossier, DossierCount, LockException, MonthComment
from targets.arithmetic import Measure, Scoring, Status, count_threshold_by
from dvctt_portal.figures import format_number, rate_percent
from targets.breakdowns import ProcedureLine, monthly_series, procedure_breakdown
from targets.completeness import Completeness, UnitCompleteness, compute_completeness, district_units
from targets.documents import progress_from_document
from submissions.rules import month_range_label
from targets.models import TargetPolicy
from targets.progress import compute_progress, compute_progress_many
from targets.results import Progress, RuleProgress, UnitProgress, earns_points
from units.models import PROVINCE_KIND_LABELS, Unit, UnitKind

from .charts import monthly_chart, progress_bar
from .periods import Period
from .rows import overview_columns, rules_shown, unit_rows
from .wording import (
    earned_text,
    forecast_text,
    overall_status,
    procedures_text,
    shortfall_sentence,
    status_label,
    target_text,
    value_text,
)


@dataclass
class RuleCard:
    progress: RuleProgress
    sentence: str
    value_text: str
    target_text: str
    bar: str
    chart: str
    through: int
    points: list = field(default_factory=list)
    months: tuple[int, int] = (1, 12)  # the policy's first and last month
    dossiers_query: str = ""  # the filters of the dossiers behind the figure, when the unit's come from lists

    @property
    def rule(self):
        return self.progress.rule

    @property
    def procedures_text(self) -> str:
        return procedures_text(self.progress) if self.progress.of is not None else ""

    @property
    def earned_text(self) -> str:
        return earned_text(self.progress) if self.progress.is_proportional else ""

    @property
    def forecast_text(self) -> str:
        return forecast_text(self.progress)

    @property
    def pace(self) -> int | None:
        """For a count rule during the year: online dossiers needed by now to be on track."""
        first_month, last_month = self.months
        if self.progress.measure != Measure.COUNT or self.through >= last_month:
            return None
        return count_threshold_by(self.progress.target, self.through, first_month=first_month, last_month=last_month)


@dataclass
class UnitDashboard:
    unit: Unit
    period: Period
    entry: UnitProgress | None
    cards: list[RuleCard]
    lines: list[ProcedureLine]
    rank: tuple[int, int] | None
    completeness: UnitCompleteness | None = None

    @property
    def basis(self) -> str:
        """What the unit's results rest on, in one sentence."""
        return reported_text(self.completeness, self.period.through, sentence=True)

    @property
    def statuses(self) -> Counter:
        return Counter(card.progress.status for card in self.cards)

    @property
    def scores(self) -> bool:
        """Whether the policy earns points (a proportional rule): then the unit's score is shown."""
        return earns_points(card.rule for card in self.cards)

    @property
    def score_text(self) -> str:
        return format_number(self.entry.score) if self.entry else ""

    @property
    def forecast_score_text(self) -> str:
        """The score if every rule goes as its forecast says ("" at the policy's last month, or
        when a rule cannot be forecast)."""
        score = self.entry.forecast_score if self.entry else None
        return "" if score is None else format_number(score)

    @property
    def open_cards(self) -> list[RuleCard]:
        """The rules still to work on: at risk, missed or without data."""
        return [card for card in self.cards if card.progress.status in (Status.AT_RISK, Status.MISSED, Status.NO_DATA)]

    @property
    def meeting(self) -> int:
        statuses = self.statuses
        return statuses[Status.MET] + statuses[Status.ON_TRACK]

    @property
    def tone(self) -> str:
        """The worst status among the unit's rules, for the colour and symbol of the headline."""
        return overall_status(self.entry) if self.entry and self.entry.rules else Status.NO_DATA

    @property
    def headline(self) -> str:
        """Where the unit stands, in one sentence."""
        year, count = self.period.year, len(self.cards)
        if self.entry is None:
            return _("Đơn vị đã ngừng hoạt động nên không được tính chỉ tiêu.")
        if not count:
            return _("Năm %(year)s chưa có chỉ tiêu nào áp dụng cho đơn vị này.") % {"year": year}
        values = {"n": count, "year": year, "open": count - self.meeting}
        if self.period.is_year_end:
            missed = self.statuses[Status.MISSED]
            if not missed and self.meeting == count:
                return ngettext("Đơn vị đạt chỉ tiêu năm %(year)s.", "Đơn vị đạt cả %(n)s chỉ tiêu năm %(year)s.", count) % values
            if missed and not self.entry.points:  # only proportional rules missed: points earned, none deducted
                return ngettext(
                    "Đơn vị chưa đạt mức %(missed)s/%(n)s chỉ tiêu năm %(year)s — được %(score)s điểm.",
                    "Đơn vị chưa đạt mức %(missed)s/%(n)s chỉ tiêu năm %(year)s — được %(score)s điểm.",
                    missed,
                ) % {**values, "missed": missed, "score": format_number(self.entry.score)}
            if missed:
                return ngettext(
                    "Đơn vị không đạt %(missed)s/%(n)s chỉ tiêu năm %(year)s — bị trừ %(points)s điểm thi đua.",
                    "Đơn vị không đạt %(missed)s/%(n)s chỉ tiêu năm %(year)s — bị trừ %(points)s điểm thi đua.",
                    missed,
                ) % {**values, "missed": missed, "points": format_number(self.entry.points)}
        if self.meeting == count:
            return ngettext(
                "Đơn vị đang đạt chỉ tiêu.", "Đơn vị đang đạt hoặc đúng tiến độ cả %(n)s chỉ tiêu.", count
            ) % values
        return ngettext(
            "Còn %(open)s/%(n)s chỉ tiêu chưa đạt — xem việc cần làm dưới đây.",
            "Còn %(open)s/%(n)s chỉ tiêu chưa đạt — xem việc cần làm dưới đây.",
            count - self.meeting,
        ) % values


def dossiers_query(rule, policy, through: int) -> str:
    """The dossier page's filters for a rule's figure: its months and its procedures' scope."""
    from urllib.parse import urlencode

    query = {"from": policy.first_month, "through": min(through, policy.last_month), "authority": rule.authority,
             "min_level": rule.min_online_level}
    if rule.own_procedures_only:
        query["own"] = 1
    return urlencode(query)


def units_with_lists(year: int, units) -> set[int]:
    """The units (a queryset or ids) with a month of `year` whose counts come from dossier lists:
    their figures can be traced to their dossiers. One query, on the small table of such months."""
    return set(DerivedMonth.objects.filter(year=year, unit__in=units).values_list("unit_id", flat=True).distinct().order_by())


def dossiers_url(unit: Unit, rule, policy, through: int) -> str | None:
    """The page of the dossiers behind a unit's figure for a rule (None for a unit whose code
    cannot be in an address)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("submissions:year_dossiers", args=[unit.code, policy.year]) + "?" + dossiers_query(
            rule, policy, through)
    except NoReverseMatch:
        return None


def rule_card(progress: RuleProgress, points, *, year: int, through: int, months=(1, 12),
              dossiers_query: str = "") -> RuleCard:
    value = progress.online if progress.measure == Measure.COUNT else progress.rate
    shown = value_text(progress)
    label = f"{shown} / {target_text(progress.rule)} — {status_label(progress.status)}"
    return RuleCard(
        progress=progress,
        sentence=shortfall_sentence(progress),
        value_text=shown,
        target_text=target_text(progress.rule),
        bar=progress_bar(value, progress.target, label=label, status=progress.status.value),
        chart=monthly_chart(points, rule=progress.rule, year=year, through=through),
        through=through,
        points=points,
        months=months,
        dossiers_query=dossiers_query,
    )


def unit_dashboard(unit: Unit, period: Period) -> UnitDashboard:
    """The unit's results, its rank among units of its kind, its months and procedures.

    Queries: units of the kind (1), their sums (1), the unit's months (1), its procedures (1).
    """
    policy, through = period.policy, period.through
    progress = compute_progress(policy, through, units=Unit.objects.filter(district_id=unit.district_id, kind=unit.kind))
    entry = progress.for_unit(unit.pk)
    series = monthly_series(policy, unit, through)
    has_dossiers = Dossier.objects.filter(scope_q(unit), received_on__year=policy.year).exists()
    cards = [
        rule_card(rule, series.get(rule.code, []), year=policy.year, through=through,
                  months=(policy.first_month, policy.last_month),
                  dossiers_query=dossiers_query(rule.rule, policy, through) if has_dossiers else "")
        for rule in (entry.rules if entry else [])
    ]
    completeness = compute_completeness(unit.district, policy.year, through, units=[unit])
    return UnitDashboard(
        unit=unit,
        period=period,
        entry=entry,
        cards=cards,
        lines=list(procedure_breakdown(policy, through, units=[unit], rules=progress.rules)),
        rank=progress.rank_of(unit) if entry else None,
        completeness=completeness.units[0] if completeness.units else None,
    )


def reported_text(entry: UnitCompleteness | None, through: int, *, sentence: bool = False) -> str:
    """"đủ 9/9 tháng" or "tạm tính: còn thiếu T6" — what one unit's results rest on."""
    if entry is None or not entry.applies:
        return _("Đơn vị không có thủ tục mức độ 3, 4 để báo cáo.") if sentence else str(_("không áp dụng"))
    if entry.complete:
        if sentence:
            return _("Dựa trên số liệu đầy đủ %(n)s/%(through)s tháng.") % {"n": entry.months_expected, "through": through}
        return _("đủ %(n)s/%(through)s tháng") % {"n": entry.months_expected, "through": through}
    months = month_range_label(entry.months_missing)
    if sentence:
        return _("Kết quả tạm tính: còn thiếu số liệu %(months)s (đã báo cáo %(reported)s/%(expected)s tháng phải báo cáo).") % {
            "months": months, "reported": entry.months_reported, "expected": entry.months_expected}
    return _("tạm tính: thiếu %(months)s") % {"months": months}


@dataclass
class Overview:
    period: Period
    progress: Progress
    columns: list
    rows: list
    completeness: Completeness | None = None
    rules: list = field(default_factory=list)  # the rules shown, in the order of the columns
    visible_units: object = None  # the queryset of the units shown

    @cached_property
    def with_lists(self) -> set[int]:
        """The units whose figures come from dossier lists (read when the page links to them)."""
        return units_with_lists(self.period.year, self.visible_units) if self.visible_units is not None else set()

    @property
    def scores(self) -> bool:
        """Whether a rule shown earns points or measures procedures (Decision 766): the page says how."""
        return earns_points(self.rules) or any(rule.measure not in (Measure.COUNT, Measure.RATE) for rule in self.rules)

    def dossier_links(self) -> dict:
        """{column key: the URL of a row's dossiers} for each rule's value: a figure of a unit
        whose counts come from lists opens the dossiers behind it."""
        policy, through = self.period.policy, self.period.through

        def link(rule):
            return lambda record: (dossiers_url(record["unit"], rule, policy, through)
                                   if record["unit"].pk in self.with_lists else None)

        return {f"r{index}_value": link(rule) for index, rule in enumerate(self.rules)}


def overview(period: Period, *, visible_units, unit_ids: set, rule_code: str = "", status: str = "") -> Overview:
    """Every visible unit's results (the summary is over all of them); the rows of the units
    that passed the filters. Queries: the units (1), their sums (1)."""
    progress = compute_progress(period.policy, period.through, units=visible_units)
    district = period.policy.district
    completeness = compute_completeness(district, period.year, period.through,
                                        units=district_units(district, period.year).filter(pk__in=visible_units))
    entries = [entry for entry in progress.units if entry.unit.pk in unit_ids]
    rules = rules_shown(progress, entries, rule_code=rule_code)
    rows = list(unit_rows(progress, rules, unit_ids=unit_ids, status=status))
    for row in rows:
        row["reported"] = reported_text(completeness.for_unit(row["unit"].pk), period.through)
    return Overview(period=period, progress=progress, columns=overview_columns(rules), rows=rows,
                    completeness=completeness, rules=rules, visible_units=visible_units)


@dataclass
class YearEnd:
    progress: Progress
    flagged: list[UnitProgress]
    no_data: list[UnitProgress]
    lock: object | None
    dossier_links: dict = field(default_factory=dict)  # "unit id:rule code" → its dossiers' page

    @property
    def points(self):
        return sum((entry.points for entry in self.flagged), 0)

    @property
    def scored(self) -> list[UnitProgress]:
        """The units some rule applies to (the others are "không áp dụng")."""
        return [entry for entry in self.progress.units if entry.rules]

    @property
    def proportional_rules(self) -> list:
        """The rules that earn points (Decision 766); none under the 2020 letter."""
        return [rule for rule in self.progress.rules if rule.scoring == Scoring.PROPORTIONAL]

    @property
    def score_tables(self) -> list[dict]:
        """When rules earn points: one table per kind of unit, its units in the ranking's order
        (highest score first), with the points of each proportional rule that applies to them."""
        if not self.proportional_rules:
            return []
        tables = []
        for kind in dict.fromkeys(entry.unit.kind for entry in self.scored):
            ranking = self.progress.ranking(kind)
            applied = {rule.code for entry in ranking for rule in entry.rules}
            rules = [rule for rule in self.proportional_rules if rule.code in applied]
            label = PROVINCE_KIND_LABELS[kind] if self.progress.policy.district.is_province else UnitKind(kind).label
            tables.append({"kind": label, "rules": rules, "rows": [
                {"position": f"{position}/{len(ranking)}", "entry": entry, "earned": [entry.rule(rule.code) for rule in rules]}
                for position, entry in enumerate(ranking, start=1)]})
        return tables


def year_end(period: Period, *, visible_units, lock, record=None) -> YearEnd:
    """The scoring of a period; for a locked year at month 12, what its official result `record` recorded."""
    if record is not None and period.through == 12:
        progress = progress_from_document(
            period.policy, json.loads(record.document), unit_ids=set(visible_units.values_list("pk", flat=True))
        )
    else:
        progress = compute_progress(period.policy, period.through, units=visible_units)
    flagged = [entry for entry in progress.units if entry.flagged]
    with_lists = units_with_lists(period.year, [entry.unit.pk for entry in flagged]) if flagged else set()
    return YearEnd(
        progress=progress,
        flagged=flagged,
        no_data=[entry for entry in progress.units if entry.has_no_data],
        lock=lock,
        dossier_links={f"{entry.unit.pk}:{rule.code}": dossiers_url(entry.unit, rule.rule, period.policy, period.through)
                       for entry in flagged if entry.unit.pk in with_lists for rule in entry.missed_rules},
    )


def scoring_lines(progress: Progress) -> Iterator[ProcedureLine]:
    """The per-procedure detail of every unit of the progress, streamed: a generator over one
    query read in chunks (the query runs when the lines are first read)."""
    return procedure_breakdown(
        progress.policy, progress.through, units=[entry.unit for entry in progress.units], rules=progress.rules
    )


@dataclass
class ExceptionLine:
    exception: object  # submissions.models.LockException
    state: str  # open, expired, revoked, closed
    changes: int  # dossier counts changed under it


def lock_exceptions(district, year: int) -> list[ExceptionLine]:
    """A year's lock exceptions, newest first, each with its state and the number of count changes
    made under it (the unit-month's history while it was open). Two queries."""
    exceptions = list(
        LockException.objects.filter(unit__district=district, year=year)
        .select_related("unit", "granted_by", "revoked_by").order_by("-granted_at")
    )
    history = (
        DossierCount.history.filter(
            unit_id__in={e.unit_id for e in exceptions}, year=year, month__in={e.month for e in exceptions},
            history_date__gte=min((e.granted_at for e in exceptions), default=timezone.now()),
        ).values_list("unit_id", "month", "history_date")
        if exceptions else []
    )
    history = list(history)
    today = timezone.localdate()
    lines = []
    for exception in exceptions:
        end = exception.ended_at
        changes = sum(1 for unit_id, month, moment in history
                      if (unit_id, month) == (exception.unit_id, exception.month) and exception.granted_at <= moment < end)
        if exception.closed_at is not None and exception.revoked_at is None:
            state = "closed"
        elif exception.revoked_at is not None:
            state = "revoked"
        elif exception.is_open(today):
            state = "open"
        else:
            state = "expired"
        lines.append(ExceptionLine(exception=exception, state=state, changes=changes))
    return lines


def scoring_notes(completeness: Completeness, record=None) -> list[str]:
    """What the scoring rests on, printed under the workbook's title: completeness, and for a
    locked year its official result's hash and the reason it was locked while not ready (the
    gaps themselves are listed under the summary: `record.gaps`)."""
    notes = [completeness.statement()]
    if record is not None:
        notes.append(_("Kết quả chính thức khi khóa, SHA-256: %(hash)s") % {"hash": record.sha256})
        if record.reason:
            notes.append(_("Khóa khi số liệu chưa sẵn sàng, lý do: %(reason)s") % {"reason": record.reason})
    return notes


def month_notes(units, year: int, through: int) -> dict[int, list]:
    """{unit id: its notes on months 1–through}, oldest first (one query)."""
    notes: dict[int, list] = {}
    for comment in MonthComment.objects.filter(unit__in=[unit.pk for unit in units], year=year, month__lte=through) \
            .select_related("author").order_by("month", "created_at"):
        notes.setdefault(comment.unit_id, []).append(comment)
    return notes


# ---------------------------------------------------------------------------------------------
# A province: its districts ranked (before 7/2025), its communes and departments (after)


@dataclass(frozen=True)
class AdministrationRow:
    """One administration's results in a year, for the province's ranking of its districts."""

    progress: Progress
    units: int  # units a rule applies to
    on_course: int  # of which every rule met or on track
    points: Decimal  # points lost in all
    position: int = 0

    @property
    def administration(self):
        return self.progress.policy.district

    @property
    def share(self) -> Decimal | None:
        return rate_percent(self.on_course, self.units, places=1)


@dataclass
class ProvinceOverview:
    year: int
    through: int
    districts: list[AdministrationRow]  # ranked
    own: list[Progress]  # the province's own policies that year (communes and departments ranked)


GOOD_STATUSES = {Status.MET, Status.ON_TRACK}


def _administration_row(progress: Progress) -> AdministrationRow:
    ruled = [entry for entry in progress.units if entry.rules]
    on_course = sum(1 for entry in ruled if all(rule.status in GOOD_STATUSES for rule in entry.rules))
    points = sum((entry.points for entry in ruled), Decimal("0"))
    return AdministrationRow(progress, len(ruled), on_course, points)


def province_years(administrations) -> list[int]:
    """The years in which any of these administrations set targets, latest first (one query)."""
    return sorted(set(TargetPolicy.objects.filter(district__in=administrations).values_list("year", flat=True)),
                  reverse=True)


def province_overview(administrations, *, year: int, through: int) -> ProvinceOverview:
    """The year of a province: each district with targets that year ranked (share of units on
    course, then fewest points lost), and the province's own policies with their units.

    Queries: the policies (1), their rules (1), and per policy months the units, their sums and
    what they report on (3) — the same for 1 district or 700, 5 communes or 10,000."""
    policies = list(TargetPolicy.objects.filter(district__in=administrations, year=year)
                    .select_related("district").order_by("first_month", "district__code"))
    progresses = compute_progress_many(policies, through)
    rows = [_administration_row(progress) for progress in progresses if not progress.policy.district.is_province]
    rows.sort(key=lambda row: (-(row.share or Decimal(-1)), row.points, row.administration.code))
    ranked = [AdministrationRow(row.progress, row.units, row.on_course, row.points, position)
              for position, row in enumerate(rows, start=1)]
    own = [progress for progress in progresses if progress.policy.district.is_province]
    return ProvinceOverview(year, through, ranked, own)
