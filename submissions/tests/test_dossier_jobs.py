"""A dossier list read and imported as a background job: queued in the portal's database, run
by the worker, its progress and outcome on its page; inline on the embedded portal."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from submissions.models import Dossier, DossierImportJob

SAMPLE = Path(__file__).parent / "data" / "danh-sach-ho-so-2020-08.xlsx"
UPLOAD_PAGE_QUERIES = 7  # session, person, navigation, the recent lists (at most 10)
JOB_PAGE_QUERIES = 7  # session, person, navigation, the job (its outcome stored with it)


@pytest.fixture
def queued(settings):
    """Jobs go to the database queue (TASKS_BACKEND=database) and wait for `manage.py db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _work():
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, stdout=io.StringIO(),
                 stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks, as in production
def test_a_queued_list_shows_its_progress_until_the_worker_has_checked_it(reference, staff, client_for, queued):
    client = client_for(staff)
    upload = client.post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa huyện Đức Thọ"})
    job = DossierImportJob.objects.get()
    assert upload["Location"] == reverse("submissions:dossier_job", args=[job.pk])
    waiting = client.get(upload["Location"]).content.decode()
    assert "Đang chờ đến lượt xử lý" in waiting and '<meta http-equiv="refresh"' in waiting and "<progress" in waiting
    _work()
    job.refresh_from_db()
    assert job.status == "done" and job.step == "preview" and job.rows_read == job.rows_total == 67  # title rows, header, 60 dossiers, total
    checked = client.get(upload["Location"]).content.decode()
    assert "60 hồ sơ: 60 mới" in checked and 'http-equiv="refresh"' not in checked and not Dossier.objects.exists()
    client.post(reverse("submissions:dossier_confirm", args=[job.pk]))
    assert "Đang chờ đến lượt xử lý" in client.get(upload["Location"]).content.decode()
    assert not Dossier.objects.exists()  # not before the worker imports it
    _work()
    assert Dossier.objects.count() == 60
    assert "60 hồ sơ mới" in client.get(upload["Location"]).content.decode()


def test_a_list_is_only_its_uploaders(reference, staff, client_for):
    from conftest import make_person
    from units.roles import Role

    client_for(staff).post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa huyện Đức Thọ"})
    job = DossierImportJob.objects.get()
    colleague = client_for(make_person("canbo2", Role.STAFF, district=reference["district"]))
    assert colleague.get(reverse("submissions:dossier_job", args=[job.pk])).status_code == 404
    assert colleague.post(reverse("submissions:dossier_confirm", args=[job.pk])).status_code == 404
    assert not Dossier.objects.exists()


def test_a_job_that_fails_says_so_on_its_page_and_keeps_nothing(reference, staff, client_for, monkeypatch):
    from submissions import dossier_jobs

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(dossier_jobs, "read_and_import", broken)
    page = client_for(staff).post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa"}, follow=True)
    assert page.status_code == 200 and "Lỗi hệ thống khi đọc danh sách" in page.content.decode()
    job = DossierImportJob.objects.get()
    assert job.status == "failed" and job.stored_as == ""


def test_a_refused_list_is_not_kept_on_disk(reference, staff, client_for, settings):
    bad = "Mã hồ sơ;Mã thủ tục;Ngày nộp;Kênh nộp\nHS-1;2.001019;31/02/2020;Trực tuyến\n"
    page = client_for(staff).post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile("ds.csv", bad.encode("utf-8-sig")), "source": "Một cửa"}, follow=True)
    assert "ngày nộp “31/02/2020” không đọc được" in page.content.decode()
    assert DossierImportJob.objects.get().status == "refused" and not any(settings.DVCTT_UPLOAD_DIR.iterdir())


def test_a_file_of_another_kind_or_too_large_is_refused_before_it_is_stored(reference, staff, client_for, settings):
    client = client_for(staff)
    page = client.post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile("ds.xls", b"\xd0\xcf\x11\xe0"), "source": "Một cửa"})
    assert page.status_code == 200 and "Chỉ nhận tệp .xlsx hoặc .csv" in page.content.decode()
    settings.DVCTT_MAX_DOSSIER_UPLOAD_BYTES = 100
    page = client.post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile("ds.csv", b"x" * 200), "source": "Một cửa"})
    assert "Tệp quá lớn" in page.content.decode() and not DossierImportJob.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer: jobs run inline there")
@pytest.mark.django_db(transaction=True)
def test_the_progress_is_seen_while_the_import_transaction_is_still_open(staff):
    from django.db import connections, transaction
    from django.utils import timezone

    from submissions.dossier_jobs import _Progress

    job = DossierImportJob.objects.create(created_by=staff, created_at=timezone.now(), source="X", filename="x.csv",
                                          file_size=1, sha256="0")
    progress = _Progress(job.pk)
    with transaction.atomic():
        progress(120_000, 500_000)
        observer = connections.create_connection("default")
        with observer.cursor() as cursor:
            cursor.execute("SELECT rows_read, rows_total FROM submissions_dossierimportjob WHERE id = %s", [job.pk])
            assert cursor.fetchone() == (120_000, 500_000)
        observer.close()
    progress.close()


def test_a_list_too_long_to_read_while_its_page_waits_says_how_to_import_it(reference, staff, client_for, monkeypatch):
    from submissions import dossier_jobs

    monkeypatch.setattr(dossier_jobs, "INLINE_MAX_ROWS", 50)  # the sample's 67 rows stand for 50,001
    page = client_for(staff).post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa"}, follow=True)
    assert "Danh sách có 67 dòng trở lên" in page.content.decode() and "TASKS_BACKEND=database" in page.content.decode()
    assert not Dossier.objects.exists()


def test_a_write_that_waits_out_a_long_import_on_sqlite_is_told_to_retry_not_given_a_500(reference, staff, client_for,
                                                                                     monkeypatch):
    from django.db import OperationalError

    from submissions import dossier_jobs

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(dossier_jobs, "start_job", locked)
    page = client_for(staff).post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa"})
    assert page.status_code == 503 and page["Retry-After"] == "60"
    assert "Cổng đang bận ghi dữ liệu" in page.content.decode()


def test_a_job_whose_worker_stopped_hours_ago_says_so_and_stops_refreshing(reference, staff, client_for, queued):
    from datetime import timedelta

    from django.utils import timezone

    client = client_for(staff)
    client.post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa"})
    job = DossierImportJob.objects.get()
    page = client.get(reverse("submissions:dossier_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "đã dừng giữa chừng" not in page
    DossierImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=3))
    page = client.get(reverse("submissions:dossier_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "đã dừng giữa chừng" in page


def test_a_checked_list_not_confirmed_within_a_week_is_deleted_and_its_page_says_so(reference, staff, client_for,
                                                                                   settings):
    from datetime import timedelta

    from django.utils import timezone

    client = client_for(staff)
    upload = {"file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa"}
    client.post(reverse("submissions:dossier_upload"), upload)
    waiting = DossierImportJob.objects.get()
    DossierImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=8))
    client.post(reverse("submissions:dossier_upload"), {**upload, "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes())})
    waiting.refresh_from_db()
    assert waiting.stored_as == "" and len(list(settings.DVCTT_UPLOAD_DIR.iterdir())) == 1  # the new list's
    page = client.get(reverse("submissions:dossier_job", args=[waiting.pk])).content.decode()
    assert "tệp đã được xóa" in page and "Xác nhận nhập danh sách" not in page


@pytest.mark.parametrize("lists", [1, 10])
def test_the_upload_and_job_pages_read_as_many_queries_for_one_list_as_for_ten(reference, staff, client_for, lists,
                                                                               django_assert_max_num_queries):
    """The upload page shows the person's recent lists (at most 10) and the job page one list's
    preview, with its per-month table and refusals, read from the job's stored outcome."""
    client = client_for(staff)
    for _ in range(lists):
        client.post(reverse("submissions:dossier_upload"), {
            "file": SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), "source": "Một cửa huyện Đức Thọ"})
    job = DossierImportJob.objects.latest("pk")
    with django_assert_max_num_queries(UPLOAD_PAGE_QUERIES):
        assert client.get(reverse("submissions:dossier_upload")).status_code == 200
    with django_assert_max_num_queries(JOB_PAGE_QUERIES):
        page = client.get(reverse("submissions:dossier_job", args=[job.pk]))
    assert "60 hồ sơ: 60 mới" in page.content.decode()
    client.post(reverse("submissions:dossier_confirm", args=[job.pk]))
    with django_assert_max_num_queries(JOB_PAGE_QUERIES):
        assert "60 hồ sơ mới" in client.get(reverse("submissions:dossier_job", args=[job.pk])).content.decode()
