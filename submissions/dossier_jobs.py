"""Dossier lists as background jobs: an upload is stored, checked (the preview), then imported
once its uploader confirms — each step a task (submissions.tasks) that records its progress and
outcome on the `DossierImportJob` for the job's page. The one writer of `DossierImportJob`; the
import itself is submissions.dossiers'."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import Unit

from .dossiers import INLINE_MAX_ROWS, DossierPreview, DossiersRefused, read_and_import, save_source_profile
from .models import DossierImportJob

def _upload_dir():
    from django.conf import settings

    settings.DVCTT_UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    return settings.DVCTT_UPLOAD_DIR


def _enqueue(job: DossierImportJob) -> None:
    """Run the job's step in the background (inline on the embedded portal); called once the job
    is saved, outside any transaction, so the worker and the page see it."""
    from .tasks import run_dossier_job

    run_dossier_job.enqueue(job.pk)


def start_job(*, user, upload, source: str, take_over_typed: bool = False) -> DossierImportJob:
    """Store an uploaded list (a Django upload, read in chunks) and check it in the background."""
    import hashlib
    import uuid

    stored_as = f"{uuid.uuid4().hex}.{'xlsx' if upload.name.lower().endswith('.xlsx') else 'csv'}"
    digest, size = hashlib.sha256(), 0
    with open(_upload_dir() / stored_as, "wb") as stored:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            stored.write(chunk)
    job = DossierImportJob(created_by=user, created_at=timezone.now(), source=" ".join(str(source).split())[:100],
                           filename=upload.name[:255], file_size=size, sha256=digest.hexdigest(), stored_as=stored_as,
                           take_over_typed=take_over_typed)
    job.save()
    _forget_old_files()
    _enqueue(job)
    return job


KEEP_FILES = timedelta(days=7)  # a checked list waits this long to be confirmed


def _forget_old_files() -> None:
    """Delete the files of lists uploaded more than KEEP_FILES ago and never imported (checked,
    not confirmed; or whose worker stopped): their pages then say to upload them again."""
    old = DossierImportJob.objects.filter(created_at__lt=timezone.now() - KEEP_FILES).exclude(stored_as="")
    for stored_as in old.values_list("stored_as", flat=True):
        (_upload_dir() / stored_as).unlink(missing_ok=True)
    old.update(stored_as="")


def confirm_job(*, job: DossierImportJob, user, confirm_unusual: bool) -> DossierImportJob:
    """Import a checked list: its step becomes the import, checked again as it is written."""
    return _queue_step(job, user=user, step=DossierImportJob.Step.IMPORT, confirm_unusual=confirm_unusual,
                       waiting=lambda found: found.step == DossierImportJob.Step.PREVIEW
                       and found.status == DossierImportJob.Status.DONE and found.outcome.get("ok"),
                       refusal=_("Danh sách này không còn chờ xác nhận; hãy tải tệp lên lại."))


def map_job_columns(*, job: DossierImportJob, user, columns: dict) -> DossierImportJob:
    """Save how the job's source names its columns (DossiersRefused when incomplete), then check
    the list again with them."""
    return _queue_step(job, user=user, step=DossierImportJob.Step.PREVIEW, outcome={},
                       waiting=lambda found: bool(found.outcome.get("header_candidates")),
                       refusal=_("Không còn danh sách nào chờ xác định cột; hãy tải tệp lên lại."),
                       first=lambda found: save_source_profile(source=found.source, columns=columns, user=user))


def _queue_step(job: DossierImportJob, *, user, step: str, waiting, refusal: str, first=None,
                **changes) -> DossierImportJob:
    """Queue a job's next step, when the job is the person's, its file still kept and `waiting`
    says it waits for that step (DossiersRefused otherwise); `first` is done in the same transaction."""
    with transaction.atomic():
        job = DossierImportJob.objects.select_for_update().get(pk=job.pk)
        if job.created_by_id != user.pk or not job.stored_as or not waiting(job):
            raise DossiersRefused([refusal])
        if first is not None:
            first(job)
        job.step, job.status, job.rows_read, job.started_at, job.finished_at = (
            step, DossierImportJob.Status.QUEUED, 0, None, None)
        for name, value in changes.items():
            setattr(job, name, value)
        job.save()
    _enqueue(job)
    return job


def header_texts(job: DossierImportJob) -> list[str]:
    """The texts of the row of the job's list likeliest to be its header (for the mapping step)."""
    return list(job.outcome.get("header_candidates") or [])


class _Progress:
    """Tells the job's page how far the reading is, at most once a second: in its own connection
    while the import's transaction is open (PostgreSQL; SQLite has one writer, and runs jobs
    inline, where nobody waits on the page)."""

    def __init__(self, job_pk: int):
        self.job_pk, self.last, self.side = job_pk, 0.0, None

    def __call__(self, rows_read: int, rows_total: int | None) -> None:
        import time

        from django.db import DEFAULT_DB_ALIAS, connection, connections

        if time.monotonic() - self.last < 1:
            return
        self.last = time.monotonic()
        if not connection.in_atomic_block:
            DossierImportJob.objects.filter(pk=self.job_pk).update(rows_read=rows_read, rows_total=rows_total)
            return
        if connection.vendor == "sqlite":
            return
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        table, quote = DossierImportJob._meta.db_table, self.side.ops.quote_name
        with self.side.cursor() as cursor:
            cursor.execute(f"UPDATE {quote(table)} SET rows_read = %s, rows_total = %s WHERE id = %s",
                           [rows_read, rows_total, self.job_pk])

    def close(self):
        if self.side is not None:
            self.side.close()


def _outcome(preview: DossierPreview) -> dict:
    """What the job's page shows of a preview or an import (JSON)."""
    result = preview.result
    outcome = {"ok": preview.ok, "errors": preview.errors, "unusual": preview.unusual,
               "header_candidates": preview.header_candidates}
    if result is not None:
        outcome.update(total=result.total, not_counted=result.not_counted, new=result.new, changed=result.changed, unchanged=result.unchanged,
                       counts_changed=result.counts_changed, taken_over=[list(month) for month in result.taken_over],
                       per_month_unit=[[year, month, unit, count]
                                       for (year, month, unit), count in sorted(result.per_month_unit.items())],
                       months=len(result.months))
    return outcome


def run_job(job_pk: int) -> None:
    """Do a job's step: check the list (and, when unusual values stop it, what it would do once
    they are confirmed), or import it; the outcome goes on the job, and the file is deleted once
    it is imported or refused. Never raises: a failure is the job's status."""
    from django.conf import settings

    from units.access import may_enter

    job = DossierImportJob.objects.select_related("created_by").filter(pk=job_pk).first()
    if job is None or job.status != DossierImportJob.Status.QUEUED:
        return
    DossierImportJob.objects.filter(pk=job.pk).update(status=DossierImportJob.Status.RUNNING, started_at=timezone.now(),
                                                      rows_read=0)
    progress = _Progress(job.pk)
    user = job.created_by
    units = [unit for unit in Unit.objects.visible_to(user).select_related("district") if may_enter(user, unit)]
    dry_run = job.step == DossierImportJob.Step.PREVIEW
    path = _upload_dir() / job.stored_as
    try:
        with open(path, "rb") as stored:
            options = {"source": job.source, "units": units, "user": user, "take_over_typed": job.take_over_typed}
            if settings.TASKS_BACKEND == "inline":  # the upload's request waits for it
                options["max_rows"] = INLINE_MAX_ROWS
            preview = read_and_import(stored, job.filename, dry_run=dry_run, confirm_unusual=job.confirm_unusual,
                                      progress=progress, **options)
            if dry_run and preview.unusual:  # what it would do once they are confirmed, and the values
                confirmed = read_and_import(stored, job.filename, dry_run=True, confirm_unusual=True, **options)
                if confirmed.ok:
                    confirmed.unusual, preview = preview.unusual, confirmed
        status = DossierImportJob.Status.DONE if preview.ok else DossierImportJob.Status.REFUSED
        outcome, rows_read = _outcome(preview), preview.rows_read
    except Exception:  # a job's failure is shown on its page and logged, never lost
        import logging

        logging.getLogger(__name__).exception("dossier import job %s failed", job.pk)
        status, rows_read, outcome = DossierImportJob.Status.FAILED, 0, {"ok": False, "errors": [
            _("Lỗi hệ thống khi đọc danh sách; quản trị viên đã được ghi nhận lỗi. Hãy thử lại sau.")]}
    finally:
        progress.close()
    keep_file = dry_run and status == DossierImportJob.Status.DONE or bool(outcome.get("header_candidates"))
    if not keep_file:
        path.unlink(missing_ok=True)
    DossierImportJob.objects.filter(pk=job.pk).update(
        status=status, outcome=outcome, finished_at=timezone.now(), stored_as=job.stored_as if keep_file else "",
        rows_read=rows_read or F("rows_read"),
        rows_total=rows_read if status == DossierImportJob.Status.DONE else F("rows_total"))
