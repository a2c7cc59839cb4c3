"""Entry pages: completeness matrix, the grid of a unit-month, its history, template download,
spreadsheet upload with preview, and year/month locks. Thin: access helper → form → service."""

import base64
import hashlib
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.core.paginator import Paginator
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, ngettext
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from units.access import (
    confirms_on_behalf, get_unit_for_user, lock_district, may_approve, may_comment, may_confirm, may_enter, may_enter_any,
    may_lock,
)
from units.models import Unit

from . import cycle, dossier_jobs, dossiers, exporting, grid as grids, importing, rules, services
from .forms import MONTH_CHECKED, CountGridForm, DossierUploadForm, LockForm, MonthActionForm, UploadForm
from .grid_html import section_rows_html
from .matrix_html import matrix_rows_html
from .locks import future_message, lock_message, period_label
from .models import Authority, ChangeReason, Channel, DerivedMonth, Dossier, DossierImportJob, MonthComment, MonthReport, UnusualCheck
from .services import (
    CountsRefused, StaleCounts, UnusualNotConfirmed, derived_month_message, lock_period, merge_stale_grid, save_month,
    unlock_period,
)

IMPORT_SESSION_KEY = "entry_import"
SAVED_SESSION_KEY = "entry_saved"


def _valid_month(year: int, month: int) -> None:
    if not (rules.is_valid_year(year) and rules.is_valid_month(month)):
        raise Http404(_("Không có tháng này."))


@login_required
def entry_index(request):
    """Which unit has entered which month of the year; one click opens the grid."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or grids.default_entry_year(request.user, today.year))
    except ValueError:
        year = today.year
    if not rules.is_valid_year(year):
        year = today.year
    locks = may_lock(request.user)
    district = lock_district(request.user) if locks else None
    matrix = grids.build_matrix(Unit.objects.visible_to(request.user).in_year(year), year, district=district)
    context = {
        "matrix": matrix,
        "matrix_rows_html": matrix_rows_html(matrix, year),
        "year": year,
        "years": grids.year_choices(year),
        "may_lock": locks and district is not None,
        "may_import": may_enter_any(request.user),
        "lock_history": grids.lock_history(district, year) if locks and district is not None else [],
        "template_month": today.month if year == today.year else 12,
        "months": range(1, 13),
        "year_lock_text": lock_message(matrix.year_lock) if matrix.year_lock else "",
        "due_day": district.report_due_day if district is not None else rules.DEFAULT_DUE_DAY,
    }
    return render(request, "submissions/entry_index.html", context)


def _grid_context(request, grid, form, can_edit, conflict="", both_changed=(), updated=(), changed_ids=(), **extra):
    derived = DerivedMonth.objects.select_related("unit").filter(unit=grid.unit, year=grid.year, month=grid.month).first()
    editable = can_edit and grid.lock is None and not grid.is_future and derived is None
    rows_with_fields = []
    for section in grid.sections:
        rows = [(row, form[row.total_name], form[row.online_name], form.row_errors(row), row.procedure.pk in both_changed,
                 form[row.checked_name]) for row in section.rows]
        rows_with_fields.append((section, section_rows_html(rows, can_edit=editable, changed_ids=changed_ids)))
    return {
        "grid": grid,
        "form": form,
        "can_edit": editable,
        "changed_ids": changed_ids,
        "may_enter": can_edit,
        "derived_text": derived_month_message(derived) if derived else "",
        "lock_text": lock_message(grid.lock, month=grid.month) if grid.lock else "",
        "future_text": future_message(grid.year, grid.month) if grid.is_future else "",
        "rows_with_fields": rows_with_fields,
        "conflict": conflict,
        "cycle": _cycle_panel(request.user, grid),
        "month_checked": form[MONTH_CHECKED],
        # A commune's district procedures (some 80 rows) fold while none has a figure (the script
        # folds them; without it every row shows). Never after a refused save: its rows are wanted.
        "folded_sections": [section.key for section in grid.sections if not form.is_bound
                            and section.key in (Authority.DISTRICT, Authority.PROVINCE) and not any(row.is_saved for row in section.rows)],
        "both_changed_count": len(both_changed),
        "updated_count": len(updated),
        **extra,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entry_grid(request, unit_code: str, year: int, month: int):
    """The counts of one unit-month: one row per procedure, saved all together."""
    _valid_month(year, month)
    unit, can_edit = get_unit_for_user(request.user, unit_code, for_edit=request.method == "POST", year=year, month=month)
    grid = grids.build_grid(unit, year, month)
    status, conflict, merged = 200, "", None
    if request.method == "POST":
        form = CountGridForm(request.POST, rows=grid.rows)
        if grid.is_future:
            form.add_error(None, future_message(year, month))
        elif grid.lock is not None:
            form.add_error(None, lock_message(grid.lock, month=month))
        if form.is_valid():
            try:
                changes = save_month(
                    unit=unit, year=year, month=month, values=form.values(), version=form.cleaned_data["version"],
                    user=request.user, reason=ChangeReason.GRID, confirmed=form.confirmed(),
                )
            except StaleCounts as refused:
                # Nothing was written: the page again, with both people's numbers (services.merge_stale_grid).
                conflict, status = refused.message, 409
                merged = merge_stale_grid(
                    unit=unit, year=year, month=month, posted=request.POST, typed=form.values(),
                    seen_version=form.cleaned_data["version"],
                )
                grid, form = merged.grid, CountGridForm(merged.data, rows=merged.grid.rows)
                form.is_valid()
            except UnusualNotConfirmed as refused:
                grid.show_pending(refused.findings)  # the rows ask for the tick; nothing was written
                form.add_error(None, refused.message)
            except CountsRefused as refused:
                form.add_error(None, refused.message)
            else:
                _remember_saved(request, unit, year, month, changes, confirmed=_newly_confirmed(grid, form.confirmed()))
                return redirect("submissions:entry_grid", unit_code=unit.code, year=year, month=month)
    else:
        form = CountGridForm(rows=grid.rows, initial={"version": grid.version})
    saved_changes = _saved_changes(request, unit, year, month) if request.method == "GET" else []
    both_changed, updated = (merged.both_changed, merged.updated) if merged else (set(), set())
    context = _grid_context(
        request, grid, form, can_edit, conflict=conflict, both_changed=both_changed, updated=updated,
        changed_ids={change["procedure_id"] for change in saved_changes} | updated,
        saved_changes=saved_changes,
        previous_url=reverse("submissions:entry_grid", args=[unit.code, *grid.previous]),
        next_url=reverse("submissions:entry_grid", args=[unit.code, *grid.next]),
    )
    return render(request, "submissions/entry_grid.html", context, status=status)


def _cycle_panel(user, grid) -> dict:
    """Where the unit-month stands and what this person may do next (the grid's side panel)."""
    unit, year, month = grid.unit, grid.year, grid.month
    place = cycle.unit_month(unit, year, month)
    report = MonthReport.objects.select_related("confirmed_by", "approved_by").filter(
        unit=unit, year=year, month=month
    ).first()
    open_month = grid.lock is None and rules.has_ended(year, month, today=timezone.localdate())
    state = place.state
    return {
        "place": place,
        "label": grids.CELL_LABELS[state],
        "report": report,
        "comments": list(MonthComment.objects.filter(unit=unit, year=year, month=month).select_related("author")),
        "may_comment": may_comment(user, unit),
        "may_declare_empty": grid.lock is None and rules.has_ended(year, month, today=timezone.localdate())
        and state in (rules.MonthState.MISSING, rules.MonthState.NOT_DUE)
        and not grid.saved_rows and bool(grid.rows) and may_enter(user, unit),
        "may_confirm": open_month and state in (rules.MonthState.ENTERED, rules.MonthState.EMPTY) and may_confirm(user, unit),
        "may_approve": open_month and state == rules.MonthState.CONFIRMED and may_approve(user, unit),
        "may_unapprove": grid.lock is None and state == rules.MonthState.APPROVED and may_approve(user, unit),
    }


MONTH_ACTIONS = {
    # action: (who may, question, done message, reason required)
    "empty": (
        lambda user, unit: may_enter(user, unit),
        gettext_lazy("Ghi %(period)s của %(unit)s là “không phát sinh hồ sơ”? Tháng sẽ được tính là đã báo cáo, với số 0."),
        gettext_lazy("Đã ghi %(period)s của %(unit)s là không phát sinh hồ sơ."),
        False,
    ),
    "confirm": (
        may_confirm,
        gettext_lazy("Xác nhận số liệu %(period)s của %(unit)s là đúng và đủ? Sửa số liệu sau khi xác nhận sẽ đưa tháng về “đã nhập”."),
        gettext_lazy("Đã xác nhận số liệu %(period)s của %(unit)s."),
        False,
    ),
    "approve": (
        may_approve,
        gettext_lazy("Phê duyệt số liệu %(period)s của %(unit)s? Sau khi phê duyệt, số liệu chỉ sửa được khi hủy phê duyệt (có lý do)."),
        gettext_lazy("Đã phê duyệt số liệu %(period)s của %(unit)s."),
        False,
    ),
    "typed": (
        lambda user, unit: may_enter(user, unit),
        gettext_lazy("Chuyển %(period)s của %(unit)s về nhập tay? Số liệu giữ như danh sách hồ sơ đã tính; từ nay được "
                     "sửa trên bảng nhập, và danh sách nhập sau không tính lại tháng này. Hãy ghi lý do."),
        gettext_lazy("Đã chuyển %(period)s của %(unit)s về nhập tay."),
        True,
    ),
    "unapprove": (
        may_approve,
        gettext_lazy("Hủy phê duyệt số liệu %(period)s của %(unit)s? Hãy ghi lý do; tháng trở về “đơn vị đã xác nhận”."),
        gettext_lazy("Đã hủy phê duyệt số liệu %(period)s của %(unit)s."),
        True,
    ),
}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def month_action(request, unit_code: str, year: int, month: int, action: str):
    """A unit-month's transition (declare empty, confirm, approve, unapprove): a confirmation page
    first, then the service; never one click."""
    _valid_month(year, month)
    if action not in MONTH_ACTIONS:
        raise Http404
    unit, _can_edit = get_unit_for_user(request.user, unit_code, year=year, month=month)
    allowed, question, done, reason_required = MONTH_ACTIONS[action]
    if not allowed(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền làm việc này với số liệu của đơn vị này."))
    words = {"period": period_label(year, month).lower(), "unit": unit.name}
    form = MonthActionForm(request.POST if request.method == "POST" else None, reason_required=reason_required)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            _run_month_action(action, unit=unit, year=year, month=month, user=request.user,
                              reason=form.cleaned_data.get("reason", ""))
        except CountsRefused as refused:
            form.add_error(None, refused.message)
            status = 409
        else:
            messages.success(request, done % words)
            return redirect("submissions:entry_grid", unit_code=unit.code, year=year, month=month)
    elif request.method == "POST":
        status = 400
    context = {"unit": unit, "year": year, "month": month, "action": action, "question": question % words,
               "form": form, "on_behalf": action == "confirm" and confirms_on_behalf(request.user, unit)}
    return render(request, "submissions/month_action.html", context, status=status)


@login_required
@require_POST
def comment_add(request, unit_code: str, year: int, month: int):
    """A note on the unit-month, from the grid's panel; back to the grid."""
    _valid_month(year, month)
    unit, _can_edit = get_unit_for_user(request.user, unit_code, year=year, month=month)
    if not may_comment(request.user, unit):
        raise PermissionDenied(_("Bạn không ghi chú được cho đơn vị này."))
    try:
        services.add_comment(unit=unit, year=year, month=month, text=request.POST.get("text", ""), user=request.user)
    except CountsRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Đã lưu ghi chú."))
    return redirect("submissions:entry_grid", unit_code=unit.code, year=year, month=month)


@login_required
@require_POST
def comment_delete(request, pk: int):
    """Take back one's own note; the month's history keeps it."""
    comment = MonthComment.objects.select_related("unit").filter(pk=pk).first()
    if comment is None:
        raise Http404(_("Không có ghi chú này."))
    unit, _can_edit = get_unit_for_user(request.user, comment.unit.code, year=comment.year, month=comment.month)
    try:
        services.delete_comment(comment=comment, user=request.user)
    except CountsRefused as refused:
        raise PermissionDenied(refused.message) from None
    messages.success(request, _("Đã xóa ghi chú."))
    return redirect("submissions:entry_grid", unit_code=unit.code, year=comment.year, month=comment.month)


def _run_month_action(action: str, *, unit, year: int, month: int, user, reason: str) -> None:
    if action == "empty":
        services.record_empty_month(unit=unit, year=year, month=month, user=user, reason=ChangeReason.GRID)
    elif action == "confirm":
        services.confirm_month(unit=unit, year=year, month=month, user=user, on_behalf=confirms_on_behalf(user, unit))
    elif action == "approve":
        services.approve_month(unit=unit, year=year, month=month, user=user)
    elif action == "typed":
        services.switch_to_typed_counts(unit=unit, year=year, month=month, user=user, reason=reason)
    else:
        services.unapprove_month(unit=unit, year=year, month=month, user=user, reason=reason)


def _newly_confirmed(grid, confirmed: frozenset) -> int:
    """How many saved unusual values, not confirmed before, the ticks just confirmed."""
    saved = [item.finding for row in grid.rows for item in row.unusual if not item.confirmed]
    saved += [item.finding for item in grid.month_unusual if not item.confirmed]
    return sum(1 for finding in saved if (finding.procedure_id, finding.unusual.field, finding.unusual.value) in confirmed)


def _remember_saved(request, unit, year: int, month: int, changes, *, confirmed: int = 0) -> None:
    """What was just saved, for the page the save redirects to (and its message)."""
    request.session[SAVED_SESSION_KEY] = {
        "unit": unit.code,
        "year": year,
        "month": month,
        "changes": [
            {
                "procedure_id": change.procedure.pk, "code": change.procedure.code, "name": change.procedure.name,
                "old_total": change.old_total, "old_online": change.old_online,
                "new_total": change.new_total, "new_online": change.new_online,
            }
            for change in changes
        ],
    }
    if changes:
        messages.success(
            request,
            _("Đã lưu số liệu tháng %(month)s/%(year)s của %(unit)s: %(count)s dòng thay đổi.")
            % {"month": month, "year": year, "unit": unit.name, "count": len(changes)},
        )
    elif confirmed:
        messages.success(request, _("Không có số nào thay đổi; đã ghi nhận bạn xác nhận các số liệu bất thường đã đánh dấu."))
    else:
        messages.info(request, _("Không có số nào thay đổi; không cần lưu."))


def _saved_changes(request, unit, year: int, month: int) -> list[dict]:
    """The changes just saved to this unit-month (shown once), or none."""
    saved = request.session.pop(SAVED_SESSION_KEY, None)
    if not saved or (saved.get("unit"), saved.get("year"), saved.get("month")) != (unit.code, year, month):
        return []
    return [change for change in saved.get("changes", []) if isinstance(change, dict)]


@login_required
def entry_history(request, unit_code: str, year: int, month: int):
    """Every change of a unit-month: who, when, old → new, and how it came."""
    _valid_month(year, month)
    unit, _can_edit = get_unit_for_user(request.user, unit_code, year=year, month=month)
    records, truncated = grids.month_history(unit, year, month)
    reasons = dict(ChangeReason.choices)
    for record in records:
        record.how = reasons.get(record.history_change_reason or "", _("Khác"))
        record.action = grids.history_action_label(record)
    notes = list(MonthComment.history.filter(unit_id=unit.pk, year=year, month=month)
                 .select_related("history_user").order_by("-history_id")[:200])
    checks = list(UnusualCheck.objects.filter(unit=unit, year=year, month=month)
                  .select_related("confirmed_by", "procedure").order_by("-confirmed_at", "-pk")[:200])
    context = {"unit": unit, "year": year, "month": month, "records": records, "truncated": truncated, "notes": notes,
               "checks": checks}
    return render(request, "submissions/entry_history.html", context)


@login_required
def template_download(request, year: int, month: int, extension: str):
    """The month's template for all the units the person sees, or one (?unit=CODE)."""
    _valid_month(year, month)
    if extension not in ("xlsx", "csv"):
        raise Http404
    code = request.GET.get("unit")
    if code:
        unit, _can_edit = get_unit_for_user(request.user, code, year=year, month=month)
        units = Unit.objects.filter(pk=unit.pk)
    else:
        unit = None
        units = Unit.objects.visible_to(request.user).active()
    rows = exporting.template_rows(units, year, month)
    if extension == "xlsx":
        response = HttpResponse(content_type=exporting.XLSX_CONTENT_TYPE)
        buffer = io.BytesIO()
        exporting.write_xlsx(rows, buffer)
        response.write(buffer.getvalue())
    else:
        response = HttpResponse(content_type=exporting.CSV_CONTENT_TYPE)
        exporting.write_csv(rows, response)
    response["Content-Disposition"] = content_disposition_header(True, exporting.filename_for(year, month, unit, extension))
    return response


@login_required
def template_choose(request):
    """The template download form; once filled (?year=&month=[&unit=]&format=) it sends to the file."""
    context = {**_template_links(), "template_unit": request.GET.get("unit", "")}
    if "year" not in request.GET and "month" not in request.GET:
        return render(request, "submissions/template_choose.html", context)
    try:
        year, month = int(request.GET.get("year", "")), int(request.GET.get("month", ""))
        if not (rules.is_valid_year(year) and rules.is_valid_month(month)):
            raise ValueError
    except ValueError:
        context["error"] = _("Năm hoặc tháng không hợp lệ.")
        return render(request, "submissions/template_choose.html", context, status=400)
    extension = "csv" if request.GET.get("format") == "csv" else "xlsx"
    url = reverse("submissions:template_download", args=[year, month, extension])
    code = request.GET.get("unit", "").strip()
    if code:
        unit, _can_edit = get_unit_for_user(request.user, code)
        url += "?" + urlencode({"unit": unit.code})
    return redirect(url)


def _require_import(user):
    if not may_enter_any(user):
        raise PermissionDenied(_("Bạn không có quyền nhập số liệu."))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_upload(request):
    """Upload a filled template; the answer is a preview: the counts of changes, the first ones, every error."""
    _require_import(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            preview = importing.preview_import(data=data, filename=upload.name, user=request.user)
            digest = hashlib.sha256(data).hexdigest()
            if preview.ok and preview.writes_anything:
                # Kept until confirmed: the file itself (size-limited by the form) and the versions it was compared with.
                request.session[IMPORT_SESSION_KEY] = {
                    "name": upload.name,
                    "data": base64.b64encode(data).decode("ascii"),
                    "sha256": digest,
                    "versions": importing.stored_versions(preview),
                }
            else:
                request.session.pop(IMPORT_SESSION_KEY, None)
            return render(request, "submissions/import_preview.html", {"preview": preview, "sha256": digest})
    else:
        request.session.pop(IMPORT_SESSION_KEY, None)
        form = UploadForm()
    return render(request, "submissions/import_upload.html", {"form": form, **_template_links()})


def _template_links():
    today = timezone.localdate()
    return {"template_year": today.year, "template_month": today.month, "months": range(1, 13)}


@login_required
@require_POST
def import_confirm(request):
    """Apply the previewed file: checked again now; all of it in one transaction, or nothing."""
    _require_import(request.user)
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or request.POST.get("sha256") != stored.get("sha256"):
        messages.error(request, _("Không còn tệp nào chờ xác nhận; hãy tải tệp lên lại."))
        return redirect("submissions:import_upload")
    data = base64.b64decode(stored["data"])
    preview = importing.preview_import(data=data, filename=stored["name"], user=request.user)
    try:
        changes = importing.apply_import(
            preview,
            user=request.user,
            reason=ChangeReason.UPLOAD,
            versions=importing.versions_from_store(stored.get("versions")),
            # the tick vouches for the unusual values the person was shown, and for no others
            confirm_unusual=bool(preview.warnings) and request.POST.get("confirm_unusual") == preview.warnings_digest,
        )
    except UnusualNotConfirmed as refused:
        # The file waits for the tick: nothing was written, the same preview asks again.
        return render(request, "submissions/import_preview.html",
                      {"preview": preview, "sha256": stored["sha256"], "tick_missing": ngettext(
                          "Có %(count)s số bất thường chưa được xác nhận: kiểm tra lại, đánh dấu ô bên dưới rồi bấm "
                          "Xác nhận ghi. Chưa có số nào được ghi.",
                          "Có %(count)s số bất thường chưa được xác nhận: kiểm tra lại, đánh dấu ô bên dưới rồi bấm "
                          "Xác nhận ghi. Chưa có số nào được ghi.",
                          len(refused.findings)) % {"count": len(refused.findings)}})
    except CountsRefused as refused:
        request.session.pop(IMPORT_SESSION_KEY, None)
        return render(
            request, "submissions/import_preview.html", {"preview": preview, "refused": refused.message}, status=409
        )
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(
        request, _("Đã ghi %(count)s thay đổi từ tệp %(file)s.") % {"count": len(changes), "file": preview.filename}
    )
    return render(
        request, "submissions/import_done.html", {"preview": preview, "listed": importing.ChangeList.of(changes)}
    )


def _lock_request(request):
    if not may_lock(request.user):
        raise PermissionDenied(_("Chỉ Cơ quan Tổ chức - Nội vụ được khóa, mở khóa số liệu."))
    district = lock_district(request.user)
    if district is None:
        raise PermissionDenied(_("Tài khoản chưa gắn với huyện nào."))
    form = LockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Năm hoặc tháng không hợp lệ."))
        return district, None, None
    return district, form.cleaned_data["year"], form.cleaned_data["month"]


def _back_to_index(year):
    url = reverse("submissions:entry_index")
    return redirect(f"{url}?year={year}" if year else url)


def _change_lock(request, service, done_message: str):
    """Lock or unlock the month the form names, with the service, once confirmed on a page of its
    own (never one click); back to the matrix with a message. A whole year is locked and unlocked
    from the year-end page, which keeps its official result."""
    district, year, month = _lock_request(request)
    if year is not None and month is None:
        messages.warning(request, _("Khóa, mở khóa cả năm được làm ở trang chấm điểm cuối năm, để lưu kết quả chính thức."))
        return redirect("reports:year_end", year=year)
    if year is not None and request.POST.get("confirmed") != "yes":
        return render(request, "submissions/lock_confirm.html", {
            "year": year, "month": month, "locking": service is lock_period,
            "period": period_label(year, month).lower(), "action": request.path,
        })
    if year is not None:
        try:
            service(district=district, year=year, month=month, user=request.user, reason="web")
        except CountsRefused as refused:
            messages.warning(request, refused.message)
        else:
            messages.success(request, done_message % {"period": period_label(year, month).lower()})
    return _back_to_index(year)


@login_required
@require_POST
def lock_view(request):
    return _change_lock(request, lock_period, _("Đã khóa %(period)s."))


@login_required
@require_POST
def unlock_view(request):
    return _change_lock(request, unlock_period, _("Đã mở khóa %(period)s."))


DOSSIERS_PER_PAGE = 100


@login_required
@require_http_methods(["GET", "HEAD"])
def month_dossiers(request, unit_code: str, year: int, month: int):
    """The dossiers behind a unit-month's figures (see `_dossiers_page`)."""
    _valid_month(year, month)
    unit, _can_edit = get_unit_for_user(request.user, unit_code, year=year, month=month)
    return _dossiers_page(request, unit, year, month, month)


@login_required
@require_http_methods(["GET", "HEAD"])
def year_dossiers(request, unit_code: str, year: int):
    """The dossiers behind a figure of the year: `?from=1&through=9` months, and a rule's scope —
    `authority`, `min_level`, `own` (only the procedures the unit handles) — as a dashboard's card
    links to it."""
    _valid_month(year, 1)
    first, through = _month_param(request.GET.get("from"), 1), _month_param(request.GET.get("through"), 12)
    unit, _can_edit = get_unit_for_user(request.user, unit_code, year=year, month=through)
    return _dossiers_page(request, unit, year, min(first, through), through)


def _month_param(value, default: int) -> int:
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 1 <= int(text) <= 12 else default


def _dossiers_page(request, unit, year: int, first: int, through: int):
    """The dossiers counted in a unit's figures of those months — its own, and for a commune the
    district or province procedures its people filed — filtered by procedure, channel and a rule's
    scope, a page at a time, or all as .xlsx; nothing of the applicants, which the portal never holds."""
    listed = (Dossier.objects.filter(dossiers.scope_q(unit), received_on__year=year, received_on__month__gte=first,
                                       received_on__month__lte=through)
                .select_related("procedure").order_by("received_on", "code"))
    filters = {"procedure": request.GET.get("procedure", "").strip()[:40], "channel": request.GET.get("channel", ""),
               "authority": request.GET.get("authority", ""), "min_level": request.GET.get("min_level", ""),
               "own": request.GET.get("own", "")}
    if filters["procedure"]:
        listed = listed.filter(procedure__code=filters["procedure"])
    if filters["channel"] in Channel.values:
        listed = listed.filter(channel=filters["channel"])
    if filters["authority"] in Authority.values:
        listed = listed.filter(procedure__authority=filters["authority"])
    if filters["min_level"] in ("2", "3", "4"):
        listed = listed.filter(procedure__online_level__gte=int(filters["min_level"]))
    if filters["own"] == "1":
        listed = listed.filter(procedure__department=unit)
    if request.GET.get("format") == "xlsx":
        return _dossiers_workbook(unit, year, through, listed)
    page = Paginator(listed, DOSSIERS_PER_PAGE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in filters.items() if value}
    if first != through or request.GET.get("from"):
        kept.update({"from": first, "through": through})
    hidden = [(key, value) for key, value in kept.items() if key not in ("procedure", "channel")]
    return render(request, "submissions/month_dossiers.html", {
        "unit": unit, "year": year, "month": through, "first": first, "page": page, "channels": Channel.choices,
        "query": urlencode(kept), "hidden": hidden, **filters,
    })


def _dossiers_workbook(unit, year: int, month: int, dossiers) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Hồ sơ"))
    sheet.append([_("Hệ thống nguồn"), _("Mã hồ sơ"), _("Mã thủ tục"), _("Tên thủ tục"), _("Ngày tiếp nhận"),
                  _("Kênh nộp"), _("Ngày trả kết quả")])
    labels = dict(Channel.choices)
    for dossier in dossiers.iterator(chunk_size=2000):
        sheet.append([exporting.formula_safe(dossier.source), exporting.formula_safe(dossier.code),
                      exporting.formula_safe(dossier.procedure.code), exporting.formula_safe(dossier.procedure.name),
                      dossier.received_on, str(labels[dossier.channel]), dossier.result_on])
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=exporting.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"ho-so-{unit.code}-{year}-{month:02d}.xlsx")
    return response




def _units_to_enter(user):
    return [unit for unit in Unit.objects.visible_to(user).select_related("district") if may_enter(user, unit)]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_upload(request):
    """Upload a one-stop system's dossier list: it is stored and checked in the background, and
    its page shows the reading's progress, then the preview — dossiers new, changed, unchanged,
    per month and unit — or every row that stops it. The person's recent lists are listed."""
    _require_import(request.user)
    if request.method == "POST":
        form = DossierUploadForm(request.POST, request.FILES)
        if form.is_valid():
            values = form.cleaned_data
            job = dossier_jobs.start_job(user=request.user, upload=values["file"], source=values["source"],
                                     take_over_typed=values["take_over_typed"])
            return redirect("submissions:dossier_job", job_id=job.pk)
    else:
        form = DossierUploadForm()
    jobs = DossierImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "submissions/dossier_upload.html", {"form": form, "jobs": jobs})


COLUMN_NAMES = {
    "code": gettext_lazy("Mã hồ sơ"), "procedure_code": gettext_lazy("Mã thủ tục"),
    "procedure_name": gettext_lazy("Tên thủ tục"), "received": gettext_lazy("Ngày nộp, ngày tiếp nhận"),
    "channel": gettext_lazy("Kênh nộp, hình thức nộp"), "unit": gettext_lazy("Đơn vị tiếp nhận, xử lý"),
    "commune": gettext_lazy("Xã, phường (địa bàn)"), "address": gettext_lazy("Địa chỉ (chỉ để xác định xã)"),
    "result_date": gettext_lazy("Ngày trả kết quả"), "result_electronic": gettext_lazy("Trả kết quả điện tử"),
}


def _own_job(request, job_id: int) -> DossierImportJob:
    """A list the person uploaded (another's is not found, as a unit they may not see)."""
    _require_import(request.user)
    job = DossierImportJob.objects.filter(pk=job_id, created_by=request.user).first()
    if job is None:
        raise Http404(_("Không có danh sách này."))
    return job


@login_required
@require_http_methods(["GET", "HEAD"])
def dossier_job(request, job_id: int):
    """One uploaded list: its reading's progress (the page refreshes itself while it runs), then
    the preview to confirm, the columns to map, the rows that stop it, or what was imported."""
    job = _own_job(request, job_id)
    if job.finished and job.outcome.get("header_candidates") and job.stored_as:
        return _mapping_page(request, job, errors=[], chosen={})
    return render(request, "submissions/dossier_job.html", {"job": job, "outcome": job.outcome})


def _mapping_page(request, job, *, errors, chosen, status=200):
    columns = [(column, COLUMN_NAMES[column]) for column in dossiers.MAPPED_COLUMNS]
    return render(request, "submissions/dossier_mapping.html", {
        "job": job, "candidates": dossier_jobs.header_texts(job), "columns": columns, "source": job.source,
        "chosen": chosen, "errors": errors}, status=status)


@login_required
@require_POST
def dossier_mapping(request, job_id: int):
    """Save how a source names its columns (its profile), then check the list again with it."""
    job = _own_job(request, job_id)
    columns = {column: request.POST.get(f"column_{column}", "") for column in dossiers.MAPPED_COLUMNS}
    try:
        dossier_jobs.map_job_columns(job=job, user=request.user, columns=columns)
    except dossiers.DossiersRefused as refused:
        if not job.outcome.get("header_candidates") or not job.stored_as:
            messages.error(request, " ".join(refused.messages))
            return redirect("submissions:dossier_upload")
        return _mapping_page(request, job, errors=refused.messages, chosen=request.POST, status=400)
    return redirect("submissions:dossier_job", job_id=job.pk)


@login_required
@require_POST
def dossier_confirm(request, job_id: int):
    """Import the checked list in the background: checked again as it is written; all of it, or nothing."""
    job = _own_job(request, job_id)
    try:
        dossier_jobs.confirm_job(job=job, user=request.user, confirm_unusual=request.POST.get("confirm_unusual") == "1")
    except dossiers.DossiersRefused as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("submissions:dossier_upload")
    return redirect("submissions:dossier_job", job_id=job.pk)
