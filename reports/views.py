"""Dashboards, the district overview, the year-end scoring page, their spreadsheets and the JSON.

Thin views: access helper → period form → `reports.selectors` (which calls the engine) →
template or workbook. Every figure comes from `targets.progress`.
"""

import re
from datetime import timedelta
from functools import cached_property

import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django_filters.views import FilterView

from django.contrib import messages

from submissions.services import CountsRefused
from submissions import rules
from targets.trends import unit_trends
from targets.completeness import compute_completeness, district_units, last_due_month
from targets.quality import quality_items
from targets.documents import progress_document
from targets.models import TargetPolicy
from targets.progress import compute_progress
from targets.services import (
    YearNotReady, grant_lock_exceptions, late_units, lock_year, revoke_exception, standing_result, unlock_year, year_gaps,
)
from submissions.locks import period_label
from submissions.models import LockException
from units.access import get_unit_for_user, home_unit, lock_district, may_confirm, may_lock
from units.models import Unit, UnitKind

from . import selectors
from units.access import EXPORT_SCORING, VIEW_ALL_UNITS, district_for, readable_administrations, sees_all_units

from .access import PermissionRequired
from .filters import OverviewFilter
from .forms import CompletenessForm, LockExceptionForm, YearLockForm
from .reminders import pending_months, pending_sentence
from .locks import lock_description, year_lock
from .periods import PeriodForm, known_year, default_year, district_policies, period_from_query, period_of, with_defaults
from .rows import procedure_columns, procedure_rows, ranking_rows, summary_rows
from .tables import ReportTable, column_groups, table_columns
from .workbooks import XLSX_CONTENT_TYPE, completeness_workbook, overview_workbook, scoring_workbook


def period_query(period) -> str:
    return urlencode({"year": period.year, "through": period.through})


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# ---------------------------------------------------------------------------------------------
# A unit's dashboard


@login_required
def unit_dashboard(request, unit_code):
    unit, _can_edit = get_unit_for_user(request.user, unit_code, year=query_year(request.GET.get("year")),
                                        administration=request.GET.get("administration"))
    form, period = period_from_query(request.GET, district=unit.district)
    context = {"unit": unit, "form": form, "period": period}
    if period is None:
        return render(request, "reports/unit_dashboard.html", context, status=400)
    dashboard = selectors.unit_dashboard(unit, period)
    table = ReportTable(
        list(procedure_rows(dashboard.lines, {unit.pk: unit})),
        extra_columns=table_columns(procedure_columns(with_unit=False)),
        order_by="-total",
        empty_text=_("Chưa có hồ sơ nào của các thủ tục được tính chỉ tiêu."),
        attrs={"class": "data-table data-table--wide", "aria-labelledby": "procedures-heading"},
    )
    tables.RequestConfig(request, paginate=False).configure(table)
    context.update(dashboard=dashboard, table=table, query=period_query(period), pending=_pending_for(request.user, unit),
                   trend=unit_trends(unit))
    return render(request, "reports/unit_dashboard.html", context)


def query_year(value) -> int | None:
    """A year from the query string, or None (it only picks which unit a reused code names; the
    period form checks the year itself)."""
    text = str(value or "")
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


def _pending_for(user, unit) -> dict | None:
    """For whoever can act on it (the unit's head, staff who enter for it): the unit's months due
    and not confirmed, and the grid of the oldest."""
    if not may_confirm(user, unit):
        return None
    pending = pending_months([unit], today=timezone.localdate()).get(unit.pk)
    if not pending:
        return None
    first = pending[0]
    return {"sentence": pending_sentence(pending),
            "url": reverse("submissions:entry_grid", args=[unit.code, first.year, first.month])}


# Codes of letters, digits, dots, dashes and underscores stand in an address as they are written:
# for them the dashboard's address is made from one reverse() per request, not one per row (an
# overview of 300 units spent a tenth of its time in reverse). Any other code takes reverse().
_PLAIN_CODE = re.compile(r"[A-Za-z0-9._-]+")
_CODE_MARK = "0UNITCODE0"


def dashboard_url(code: str, query: str = "") -> str | None:
    """The address of a unit's dashboard, or None for a code that cannot be in one (units.W001)."""
    try:
        url = reverse("reports:unit_dashboard", args=[code])
    except NoReverseMatch:
        return None
    return f"{url}?{query}" if query else url


def dashboard_urls(query: str = ""):
    """dashboard_url for many rows: the same addresses, the pattern reversed once."""
    pattern = reverse("reports:unit_dashboard", args=[_CODE_MARK])
    before, after = pattern.split(_CODE_MARK)
    suffix = f"{after}?{query}" if query else after

    def url_of(code: str) -> str | None:
        if _PLAIN_CODE.fullmatch(code or ""):
            return f"{before}{code}{suffix}"
        return dashboard_url(code, query)
    return url_of


@login_required
def my_dashboard(request):
    """The unit head's own dashboard; district staff have no unit and go to the overview."""
    unit = home_unit(request.user)
    if unit is not None:
        url = dashboard_url(unit.code)
        if url is None:
            raise Http404(_("Không tìm thấy đơn vị."))
    elif sees_all_units(request.user):
        url = reverse("reports:overview")
    else:
        raise Http404(_("Tài khoản của bạn chưa gắn với đơn vị nào."))
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


# ---------------------------------------------------------------------------------------------
# The district overview


class OverviewView(LoginRequiredMixin, tables.SingleTableMixin, FilterView):
    """Every unit the person may see, per rule: value, target, status, shortfall; the points.

    People who do not see all units (unit heads, units.access.sees_all_units) get the ranking of their kind of unit
    instead: positions, names and one word each, no other unit's figures.
    """

    filterset_class = OverviewFilter
    table_class = ReportTable
    table_pagination = False
    template_name = "reports/overview.html"

    def get(self, request, *args, **kwargs):
        if not sees_all_units(request.user):
            self.district = district_for(request.user)
            self.policies = district_policies(self.district)
            return self.ranking(request)
        # ?administration=440: a province's people open one of its districts (before 7/2025).
        self.district = district_for(request.user, request.GET.get("administration"))
        self.policies = district_policies(self.district)
        self.administrations = []
        if self.district is not None and (self.district.is_province or self.district.parent_id):
            self.administrations = list(readable_administrations(request.user).order_by("level", "code"))
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response.status_code = 400
        return response

    def get_queryset(self):
        units = Unit.objects.visible_to(self.request.user)  # the engine keeps the units of that year
        return units.filter(district=self.district) if self.district else units.none()

    @cached_property
    def query(self):
        query = self.request.GET
        if self.administrations:
            query = query.copy()
            query["administration"] = self.district.code
            if query.get("year") and known_year(query.get("year"), self.policies) is None and "administration" in self.request.GET:
                del query["year"]  # another administration's year: this one's default
        return with_defaults(query, district=self.district, policies=self.policies)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        year = self.query.get("year")
        policy = self.policies.get(known_year(year, self.policies))
        if policy is not None:
            prefetch_related_objects([policy], "rules")
        kwargs.update(data=self.query, years=self.policies, rules=policy.rules.all() if policy else [],
                      administrations=self.administrations,
                      province=bool(self.district and self.district.is_province))
        return kwargs

    @cached_property
    def report(self):
        if not self.filterset.is_valid() or not self.policies:
            return None
        values = self.filterset.form.cleaned_data
        period = period_of(policies=self.policies, year=values["year"], through=values["through"])
        ids = set(self.object_list.values_list("pk", flat=True))
        return selectors.overview(
            period, visible_units=self.get_queryset(), unit_ids=ids,
            rule_code=values.get("rule") or "", status=values.get("status") or "",
        )

    def get_table_data(self):
        return self.report.rows if self.report else []

    def get_table_kwargs(self):
        if not self.report:
            return {"extra_columns": []}
        # The administration too: a code may name two units in one year (18229 in 2025).
        query = period_query(self.report.period) + "&" + urlencode({"administration": self.district.code})
        url_of = dashboard_urls(query)
        links = {"name": lambda record: url_of(record["code"]), **self.report.dossier_links()}
        return {
            "extra_columns": table_columns(self.report.columns, links=links),
            "groups": column_groups(self.report.columns),
            "attrs": {"class": "data-table data-table--overview", "aria-labelledby": "units-heading"},
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.report
        context.update(
            report=report,
            period=report.period if report else None,
            summaries=list(summary_rows(report.progress)) if report else [],
            completeness=report.completeness if report else None,
            no_policy=not self.policies,
            district=self.district,
            province_link=bool(self.administrations),
            export_query=self.request.GET.urlencode(),
        )
        return context

    def ranking(self, request):
        """The unit head's view of the overview: the ranking of their kind of unit."""
        unit = home_unit(request.user)
        if unit is None:
            raise PermissionDenied(_("Chỉ cán bộ huyện và thủ trưởng đơn vị được xem trang này."))
        form, period = period_from_query(request.GET, district=unit.district)
        context = {"form": form, "period": period, "unit": unit, "ranking_only": True}
        if period is None:
            return render(request, "reports/overview_ranking.html", context, status=400)
        progress = compute_progress(
            period.policy, period.through, units=Unit.objects.filter(district_id=unit.district_id)
        )
        context.update(
            ranking=list(ranking_rows(progress, unit.kind)),
            summaries=list(summary_rows(progress)),
            kind_label=unit.kind_label,
            query=period_query(period),
        )
        return render(request, "reports/overview_ranking.html", context)


class OverviewXlsxView(PermissionRequired, OverviewView):
    """Exactly the table the overview shows for the same query string (filters and sort)."""

    permission_required = VIEW_ALL_UNITS

    def render_to_response(self, context, **response_kwargs):
        report = self.report
        if report is None:
            return HttpResponse(_("Bộ lọc không hợp lệ."), status=400, content_type="text/plain; charset=utf-8")
        table = context["table"]
        content = overview_workbook(
            report.progress, report.columns, [row.record for row in table.rows],
            filters=self.filterset.description(), notes=[report.completeness.statement()],
        )
        period = report.period
        return xlsx_response(content, f"tong-hop-dvctt-{period.year}-thang-{period.through:02d}.xlsx")


# ---------------------------------------------------------------------------------------------
# Year-end scoring (Home Affairs)


class YearEndMixin(PermissionRequired):
    permission_required = EXPORT_SCORING

    def year_end(self, request, year):
        """(context, status): the scoring of that year through `?through=` (default 12)."""
        district = district_for(request.user)
        policies = district_policies(district)
        context = {"year": year, "years": sorted(policies, reverse=True)}
        if year not in policies:
            context["error"] = _("Năm %(year)s chưa có chỉ tiêu (chính sách) của huyện.") % {"year": year}
            return context, 404
        query = request.GET.copy()
        query["year"] = str(year)
        form = PeriodForm(with_defaults(query, district=district, policies=policies, fixed_through=12), years=policies)
        context["form"] = form
        if not form.is_valid():
            return context, 400
        period = period_of(policies=policies, year=year, through=form.cleaned_data["through"])
        lock = year_lock(district, year)
        record = standing_result(district, year) if lock else None
        visible = Unit.objects.visible_to(request.user)
        report = selectors.year_end(period, visible_units=visible, lock=lock, record=record)
        completeness = compute_completeness(district, year, period.through, units=district_units(district, year).filter(pk__in=visible))
        context.update(
            period=period,
            report=report,
            summaries=list(summary_rows(report.progress)),
            lock=lock,
            lock_text=lock_description(lock) if lock else "",
            record=record,
            completeness=completeness,
            provisional=[entry for entry in completeness.behind],
            provisional_ids={entry.unit.pk for entry in completeness.behind} if not record else set(),
            may_lock=may_lock(request.user),
            query=urlencode({"through": period.through}),
        )
        return context, 200


class YearEndView(YearEndMixin, View):
    def get(self, request, year):
        context, status = self.year_end(request, year)
        return render(request, "reports/year_end.html", context, status=status)


class YearEndXlsxView(YearEndMixin, View):
    def get(self, request, year):
        context, status = self.year_end(request, year)
        if status != 200:
            return render(request, "reports/year_end.html", context, status=status)
        report = context["report"]
        content = scoring_workbook(
            report.progress, selectors.scoring_lines(report.progress), locked=report.lock is not None,
            produced_on=timezone.localdate(), notes=selectors.scoring_notes(context["completeness"], context.get("record")),
            gaps=context["record"].gaps if context.get("record") else (),
        )
        return xlsx_response(content, f"cham-diem-dvctt-{year}.xlsx")


# ---------------------------------------------------------------------------------------------
# Completeness and timeliness of a year


class CompletenessMixin(LoginRequiredMixin, View):
    def completeness(self, request, year):
        """(context, status): the units the person sees, through `?through=` (default: the last month due)."""
        if not rules.is_valid_year(year):
            raise Http404(_("Không có năm này."))
        district = district_for(request.user)
        if district is None:
            raise Http404(_("Tài khoản của bạn chưa gắn với huyện hay đơn vị nào."))
        form = CompletenessForm(request.GET)
        context = {"year": year, "district": district, "form": form}
        if not form.is_valid():
            return context, 400
        through = form.cleaned_data["through"] or last_due_month(district, year) or 1
        visible = Unit.objects.visible_to(request.user)
        completeness = compute_completeness(district, year, through, units=district_units(district, year).filter(pk__in=visible))
        context.update(completeness=completeness, through=through, months=range(1, 13))
        return context, 200


class CompletenessView(CompletenessMixin):
    """Per unit: months expected, reported, confirmed, approved, late and missing; the district's rates."""

    def get(self, request, year):
        context, status = self.completeness(request, year)
        if status == 200:
            completeness = context["completeness"]
            notes = selectors.month_notes([entry.unit for entry in completeness.units], year, context["through"])
            context["rows"] = [(entry, notes.get(entry.unit.pk, [])) for entry in completeness.units]
        return render(request, "reports/completeness.html", context, status=status)


class CompletenessXlsxView(CompletenessMixin):
    def get(self, request, year):
        context, status = self.completeness(request, year)
        if status != 200:
            return render(request, "reports/completeness.html", context, status=status)
        content = completeness_workbook(context["completeness"])
        return xlsx_response(content, f"tinh-hinh-bao-cao-{year}-thang-{context['through']:02d}.xlsx")


def locking_district(user, refusal: str):
    """The district Home Affairs lock (and grant exceptions) for; PermissionDenied for anybody else."""
    if not may_lock(user):
        raise PermissionDenied(refusal)
    district = lock_district(user)
    if district is None:
        raise PermissionDenied(_("Tài khoản chưa gắn với huyện nào."))
    return district


class QualityView(LoginRequiredMixin, View):
    """The unusual values of a year, to look at before the year-end lock (district staff, Home Affairs)."""

    def get(self, request, year):
        if not sees_all_units(request.user):
            raise PermissionDenied(_("Chỉ cán bộ huyện và Cơ quan Tổ chức - Nội vụ xem được trang này."))
        if not rules.is_valid_year(year):
            raise Http404(_("Không có năm này."))
        district = district_for(request.user)
        if district is None:
            raise Http404(_("Tài khoản của bạn chưa gắn với huyện hay đơn vị nào."))
        items = quality_items(district, year, unit_ids=Unit.objects.visible_to(request.user).values("pk"))
        return render(request, "reports/quality.html", {
            "year": year, "district": district, "items": items,
            "unconfirmed": sum(1 for item in items if not item.confirmed)})


class YearLockMixin(View):
    """Lock or unlock a year from the year-end page: a confirmation page first, never one click."""

    def policy(self, request, year):
        district = locking_district(request.user, _("Chỉ Cơ quan Tổ chức - Nội vụ được khóa, mở khóa số liệu."))
        policy = TargetPolicy.objects.select_related("district").filter(district=district, year=year).first()
        if policy is None:
            raise Http404(_("Năm %(year)s chưa có chỉ tiêu (chính sách) của huyện.") % {"year": year})
        return policy


class YearEndLockView(LoginRequiredMixin, YearLockMixin):
    """What is not ready, then lock: with gaps, only with a reason."""

    def get(self, request, year):
        policy = self.policy(request, year)
        return self.page(request, policy, YearLockForm())

    def post(self, request, year):
        policy = self.policy(request, year)
        form = YearLockForm(request.POST)
        if form.is_valid():
            try:
                lock_year(policy=policy, user=request.user, reason=form.cleaned_data["reason"], how="web")
            except YearNotReady:
                form.add_error("reason", _("Số liệu năm chưa sẵn sàng: muốn khóa vẫn phải ghi lý do."))
            except CountsRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Đã khóa năm %(year)s và lưu kết quả chính thức.") % {"year": year})
                return redirect("reports:year_end", year=year)
        return self.page(request, policy, form, status=400)

    def page(self, request, policy, form, status=200):
        gaps = year_gaps(policy)
        context = {"year": policy.year, "policy": policy, "gaps": gaps, "lines": gaps.lines(), "form": form,
                   "lock": year_lock(policy.district, policy.year)}
        return render(request, "reports/year_lock.html", context, status=status)


class YearEndUnlockView(LoginRequiredMixin, YearLockMixin):
    def get(self, request, year):
        policy = self.policy(request, year)
        return render(request, "reports/year_unlock.html", {"year": year, "lock": year_lock(policy.district, year),
                                                            "record": standing_result(policy.district, year)})

    def post(self, request, year):
        policy = self.policy(request, year)
        try:
            unlock_year(policy=policy, user=request.user, how="web")
        except CountsRefused as refused:
            messages.warning(request, refused.message)
        else:
            messages.success(request, _("Đã mở khóa năm %(year)s; kết quả chính thức đã lưu được thu hồi.") % {"year": year})
        return redirect("reports:year_end", year=year)


# ---------------------------------------------------------------------------------------------
# Lock exceptions (Home Affairs)


class LockExceptionsView(LoginRequiredMixin, View):
    """The exceptions of a year: granted, open, expired, revoked, with the changes made under each;
    and the form that reopens a locked month for one unit, or for every late unit."""

    def setup_year(self, request, year):
        district = locking_district(request.user, _("Chỉ Cơ quan Tổ chức - Nội vụ được mở ngoại lệ khóa."))
        if not rules.is_valid_year(year):
            raise Http404(_("Không có năm này."))
        return district

    def get(self, request, year):
        district = self.setup_year(request, year)
        return self.page(request, district, year, self.form(district, year))

    def post(self, request, year):
        district = self.setup_year(request, year)
        form = self.form(district, year, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            units = late_units(district, year, data["month"]) if data["all_late"] else [data["unit"]]
            try:
                granted = grant_lock_exceptions(district=district, year=year, month=data["month"], units=units,
                                                reason=data["reason"], expires_on=data["expires_on"], user=request.user)
            except CountsRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, ngettext(
                    "Đã mở ngoại lệ cho %(count)s đơn vị, đến hết ngày %(date)s.",
                    "Đã mở ngoại lệ cho %(count)s đơn vị, đến hết ngày %(date)s.", len(granted),
                ) % {"count": len(granted), "date": data["expires_on"].strftime("%d/%m/%Y")})
                return redirect("reports:lock_exceptions", year=year)
        return self.page(request, district, year, form, status=400)

    def form(self, district, year, data=None):
        return LockExceptionForm(data, units=district_units(district, year), initial={
            "expires_on": timezone.localdate() + timedelta(days=7)})

    def page(self, request, district, year, form, status=200):
        context = {"year": year, "district": district, "form": form,
                   "exceptions": selectors.lock_exceptions(district, year), "today": timezone.localdate()}
        return render(request, "reports/lock_exceptions.html", context, status=status)


class LockExceptionRevokeView(LoginRequiredMixin, View):
    """Revoke one exception: a confirmation page, then the service (which re-issues the result)."""

    def exception(self, request, pk):
        district = locking_district(request.user, _("Chỉ Cơ quan Tổ chức - Nội vụ được thu hồi ngoại lệ khóa."))
        exception = LockException.objects.select_related("unit").filter(pk=pk, unit__district=district).first()
        if exception is None:
            raise Http404(_("Không có ngoại lệ này."))
        return exception

    def get(self, request, pk):
        return render(request, "reports/lock_exception_revoke.html", {"exception": self.exception(request, pk)})

    def post(self, request, pk):
        exception = self.exception(request, pk)
        try:
            revoke_exception(exception=exception, user=request.user)
        except CountsRefused as refused:
            messages.warning(request, refused.message)
        else:
            messages.success(request, _("Đã thu hồi ngoại lệ của %(unit)s, %(period)s.") % {
                "unit": exception.unit.name, "period": period_label(exception.year, exception.month).lower()})
        return redirect("reports:lock_exceptions", year=exception.year)


class YearEndIndexView(PermissionRequired, View):
    permission_required = EXPORT_SCORING

    def get(self, request):
        policies = district_policies(district_for(request.user))
        year = default_year(policies)
        if year is None:
            return render(request, "reports/year_end.html", {"error": _("Chưa có chỉ tiêu (chính sách) nào cho huyện.")},
                          status=404)
        return redirect("reports:year_end", year=year)


# ---------------------------------------------------------------------------------------------
# Read-only JSON for other district systems


def api_progress(request):
    """`progress --format json`, for signed-in people who see every unit.

    Anonymous callers and unit heads get 403 with a JSON message (no redirect to a login page,
    which another system could not follow); a bad year or month gets 400 with the form's errors.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Cần đăng nhập để đọc số liệu.")}, status=403)
    if not sees_all_units(request.user):
        return JsonResponse({"error": _("Bạn không có quyền đọc số liệu của mọi đơn vị.")}, status=403)
    try:  # ?administration=42: the province, or one of its districts
        administration = district_for(request.user, request.GET.get("administration"))
    except Http404:
        return JsonResponse({"error": _("Không có tỉnh, huyện này, hoặc bạn không được xem số liệu của nơi này.")},
                            status=404)
    form, period = period_from_query(request.GET, district=administration)
    if period is None:
        return JsonResponse({"error": _("Tham số không hợp lệ."), "errors": form.errors.get_json_data()}, status=400)
    visible = Unit.objects.visible_to(request.user)
    progress = compute_progress(period.policy, period.through, units=visible)
    completeness = compute_completeness(period.policy.district, period.year, period.through,
                                        units=district_units(period.policy.district, period.year).filter(pk__in=visible))
    return JsonResponse(progress_document(progress, completeness), json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------------------------------------
# A province: its districts (before 7/2025), its communes and departments (after)


class ProvinceView(PermissionRequired, View):
    """The year of a province for its staff and Home Affairs: the districts ranked, each opening
    its own overview; the province's communes and departments ranked, each opening its dashboard."""

    permission_required = VIEW_ALL_UNITS

    def get(self, request):
        administrations = list(readable_administrations(request.user))
        years = selectors.province_years(administrations)
        form = PeriodForm(request.GET or None, years=years)
        context = {"form": form, "years": years, "administrations": administrations,
                   "province": next((each for each in administrations if each.is_province), None)}
        if not years:
            return render(request, "reports/province.html", context)
        if request.GET and not form.is_valid():
            return render(request, "reports/province.html", context, status=400)
        values = form.cleaned_data if request.GET else {}
        year = values.get("year") or default_year(years)
        through = values.get("through") or (12 if year < timezone.localdate().year else max(timezone.localdate().month - 1, 1))
        overview = selectors.province_overview(administrations, year=year, through=through)
        context.update(overview=overview, year=year, through=through,
                       own=[{"progress": progress, "communes": list(progress.ranking(UnitKind.COMMUNE)),
                             "departments": list(progress.ranking(UnitKind.DEPARTMENT)),
                             "query": urlencode({"year": year, "through": through,
                                                 "administration": progress.policy.district.code})}
                            for progress in overview.own])
        return render(request, "reports/province.html", context)
