"""Issue 18: a one-stop system's dossier list imported, the monthly counts derived from it, no
personal data kept."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from submissions.dossier_reading import DossierLine, ONLINE, POSTAL
from submissions.dossiers import DossiersRefused, derived_counts, import_dossiers
from submissions.models import DerivedMonth, Dossier, DossierCount

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "danh-sach-ho-so-2020-08.xlsx"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_the_sample_export_imports_and_the_counts_are_its_dossiers_sums(reference):
    output = run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    assert "60 hồ sơ: 60 mới, 0 thay đổi, 0 không đổi" in output
    assert Dossier.objects.count() == 60
    by_unit = (Dossier.objects.values("unit_id", "procedure_id", "received_on__month")
               .annotate(total=Count("pk"), online=Count("pk", filter=Q(channel=ONLINE))))
    for row in by_unit:
        count = DossierCount.objects.get(unit_id=row["unit_id"], procedure_id=row["procedure_id"], year=2020,
                                         month=row["received_on__month"])
        assert (count.total, count.online) == (row["total"], row["online"])
    months = set(DerivedMonth.objects.values_list("unit__code", "year", "month"))
    assert months == {(unit.code, 2020, 8) for unit in {dossier.unit for dossier in Dossier.objects.select_related("unit")}}


def test_nothing_of_the_applicants_is_stored_anywhere(reference):
    run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    text = dump.getvalue()
    assert "Dossier" in text or "dossier" in text
    for personal in ("Nguyễn Văn A", "Nguy\\u1ec5n V\\u0103n A", "000000000000", "Xóm 9", "X\\u00f3m 9"):
        assert personal not in text


def test_importing_an_overlapping_list_again_changes_nothing(reference):
    run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    counts = list(DossierCount.objects.order_by("pk").values_list("total", "online"))
    history = (Dossier.history.count(), DossierCount.history.count())
    output = run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    assert "60 hồ sơ: 0 mới, 0 thay đổi, 60 không đổi; 0 số liệu tháng được tính lại" in output
    assert counts == list(DossierCount.objects.order_by("pk").values_list("total", "online"))
    assert history == (Dossier.history.count(), DossierCount.history.count())


def _lines(reference, **changes):
    from submissions.dossier_reading import read_dossiers
    from submissions.spreadsheets import XlsxLimits

    reading = read_dossiers(SAMPLE.read_bytes(), SAMPLE.name, limits=XlsxLimits(max_rows=100, max_columns=20),
                            communes=[unit.name for unit in reference["district"].units.filter(kind="commune")])
    return reading.lines


def test_a_corrected_channel_updates_the_dossier_with_history_and_its_count(reference, staff):
    from dataclasses import replace

    units = list(reference["district"].units.all())
    lines = _lines(reference)
    import_dossiers(lines=lines, source="Một cửa", units=units, user=staff)
    first = lines[0]
    corrected = [replace(first, channel=POSTAL), *lines[1:]]
    result = import_dossiers(lines=corrected, source="Một cửa", units=units, user=staff)
    assert (result.new, result.changed, result.unchanged) == (0, 1, 59)
    dossier = Dossier.objects.get(code=first.code)
    assert dossier.channel == POSTAL and dossier.history.count() == 2
    count = DossierCount.objects.get(unit=dossier.unit, procedure=dossier.procedure, year=2020, month=8)
    assert (count.total, count.online) == derived_counts({(dossier.unit_id, 2020, 8)})[
        (dossier.unit_id, dossier.procedure_id, 2020, 8)]


def test_a_row_that_matches_no_procedure_or_commune_refuses_the_whole_list(reference, staff):
    from dataclasses import replace

    units = list(reference["district"].units.all())
    lines = _lines(reference)
    bad = [replace(lines[0], procedure_code="9.999999", procedure_name="Thủ tục không có"),
           replace(lines[1], commune_name="Xã Không Có"), *lines[2:]]
    with pytest.raises(DossiersRefused) as refused:
        import_dossiers(lines=bad, source="Một cửa", units=units, user=staff)
    assert any("không có thủ tục “9.999999 Thủ tục không có”" in message for message in refused.value.messages)
    assert any("không xác định được xã “Xã Không Có”" in message for message in refused.value.messages)
    assert not Dossier.objects.exists() and not DossierCount.objects.exists()


def test_the_command_refuses_with_exit_status_1_and_writes_nothing(reference, tmp_path):
    broken = tmp_path / "list.csv"
    broken.write_text("Mã hồ sơ;Mã thủ tục;Ngày nộp;Kênh nộp;Đơn vị xử lý\nHS-1;2.001019;13/08/2020;Fax;UBND xã Liên Minh\n",
                      encoding="utf-8-sig")
    with pytest.raises(CommandError, match="không hồ sơ nào được ghi"):
        call_command("import_dossiers", str(broken), "--source", "X", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Dossier.objects.exists()


def test_a_csv_with_a_bom_an_applicant_and_a_phone_column_imports_without_them(reference, tmp_path):
    export = tmp_path / "ds.csv"
    export.write_text("DANH SÁCH HỒ SƠ THÁNG 8/2020\n\nSố hồ sơ,Tên thủ tục,Mã TTHC,Họ tên người nộp,Số điện thoại,"
                      "Địa chỉ,Ngày tiếp nhận,Hình thức nộp,Đơn vị tiếp nhận\n"
                      "HS-9,Chứng thực di chúc,2.001019,Phạm Thị Riêng,0901234567,\"Xóm 2, xã Tùng Ảnh\",14/08/2020,"
                      "Trực tuyến,UBND xã Tùng Ảnh\nTổng cộng: 1 hồ sơ,,,,,,,,\n", encoding="utf-8-sig")
    assert "1 hồ sơ: 1 mới" in run("import_dossiers", str(export), "--source", "Một cửa")
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert "0901234567" not in dump.getvalue() and "Ri\\u00eang" not in dump.getvalue() and "Riêng" not in dump.getvalue()
    dossier = Dossier.objects.get()
    assert (dossier.unit.name, dossier.commune.name, dossier.channel) == ("Xã Tùng Ảnh", "Xã Tùng Ảnh", ONLINE)


def test_a_district_dossier_filed_by_a_communes_people_counts_for_the_department_and_for_the_commune(reference, staff):
    from datetime import date

    from submissions.models import Procedure

    procedure = Procedure.objects.filter(authority="district", online_level__gte=3).select_related("department").first()
    line = DossierLine(row=2, code="HS-C1", procedure_code=procedure.code, procedure_name="", received_on=date(2020, 8, 3),
                       channel=ONLINE, unit_name="Bộ phận một cửa huyện", commune_name="Xã Tùng Ảnh")
    import_dossiers(lines=[line], source="Một cửa", units=list(reference["district"].units.all()), user=staff)
    department = DossierCount.objects.get(unit=procedure.department, procedure=procedure, year=2020, month=8)
    commune = DossierCount.objects.get(unit__name="Xã Tùng Ảnh", procedure=procedure, year=2020, month=8)
    assert (department.total, department.online) == (1, 1) == (commune.total, commune.online)
    assert set(DerivedMonth.objects.values_list("unit__name", flat=True)) == {procedure.department.name, "Xã Tùng Ảnh"}


def test_a_month_from_the_list_is_not_typed_over_until_it_is_switched_back_with_a_reason(reference, staff):
    from submissions import services
    from submissions.versions import month_version

    units = list(reference["district"].units.all())
    import_dossiers(lines=_lines(reference), source="Một cửa", units=units, user=staff)
    derived = DerivedMonth.objects.select_related("unit").first()
    unit = derived.unit
    count = DossierCount.objects.filter(unit=unit, year=2020, month=8).select_related("procedure").first()
    typing = {"unit": unit, "year": 2020, "month": 8, "values": {count.procedure: (count.total + 5, count.online)},
              "user": staff}
    with pytest.raises(services.MonthFromDossiers, match="được tính từ danh sách hồ sơ \\(Một cửa"):
        services.save_month(version=month_version(unit.pk, 2020, 8), **typing)
    with pytest.raises(services.InvalidCounts, match="lý do"):
        services.switch_to_typed_counts(unit=unit, year=2020, month=8, user=staff, reason=" ")
    services.switch_to_typed_counts(unit=unit, year=2020, month=8, user=staff, reason="Hệ thống một cửa ghi sai kênh")
    services.save_month(version=month_version(unit.pk, 2020, 8), **typing)
    record = DerivedMonth.history.filter(unit_id=unit.pk).latest("history_date")
    assert (record.history_type, record.history_change_reason, record.history_user) == (
        "-", "Hệ thống một cửa ghi sai kênh", staff)
    same = import_dossiers(lines=_lines(reference), source="Một cửa", units=units, user=staff)
    assert (same.unchanged, same.counts_changed) == (60, 0)  # the same list leaves the typed month alone
    from dataclasses import replace

    corrected = [replace(line, channel=POSTAL) if line.unit_name.endswith(unit.name.split(" ", 1)[1]) else line
                 for line in _lines(reference)]
    with pytest.raises(DossiersRefused, match="đang nhập tay"):
        import_dossiers(lines=corrected, source="Một cửa", units=units, user=staff)


def test_a_list_over_typed_counts_takes_them_over_only_when_asked(reference, staff):
    from submissions.models import Procedure

    units = list(reference["district"].units.all())
    lines = _lines(reference)
    first = lines[0]
    commune = next(unit for unit in units if unit.name == "Xã Liên Minh")
    DossierCount.objects.create(unit=commune, procedure=Procedure.objects.get(code=first.procedure_code), year=2020,
                                month=8, total=9, online=1)
    with pytest.raises(DossiersRefused, match="Xã Liên Minh, tháng 8/2020 đang nhập tay"):
        import_dossiers(lines=lines, source="Một cửa", units=units, user=staff)
    assert not Dossier.objects.exists()
    result = import_dossiers(lines=lines, source="Một cửa", units=units, user=staff, take_over_typed=True)
    assert result.taken_over == [("Xã Liên Minh", 2020, 8)]
    record = DerivedMonth.history.filter(unit_id=commune.pk).latest("history_date")
    assert record.history_change_reason == "chuyển từ nhập tay sang danh sách hồ sơ"
    assert DossierCount.objects.get(unit=commune, procedure__code=first.procedure_code, year=2020, month=8).total == (
        Dossier.objects.filter(unit=commune, procedure__code=first.procedure_code).count())


def test_the_grid_of_a_month_from_the_list_shows_it_read_only_and_refuses_a_typed_save(reference, staff, client_for):
    from django.urls import reverse

    import_dossiers(lines=_lines(reference), source="Một cửa huyện", units=list(reference["district"].units.all()),
                    user=staff)
    unit = DerivedMonth.objects.select_related("unit").first().unit
    client = client_for(staff)
    url = reverse("submissions:entry_grid", args=[unit.code, 2020, 8])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["can_edit"]
    assert "được tính từ danh sách hồ sơ (Một cửa huyện" in page.content.decode()
    form = page.context["form"]
    data = {name: (field.value() if field.value() is not None else "") for name, field in form.fields.items()
            for field in [form[name]]}
    posted = client.post(url, data)
    assert posted.status_code == 200 and "được tính từ danh sách hồ sơ" in posted.content.decode()


def test_the_dossiers_of_a_unit_month_are_listed_from_the_command_line(reference):
    import json

    run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    listed = json.loads(run("dossiers", "--unit", "18247", "--year", "2020", "--month", "8", "--format", "json"))
    assert listed["unit_name"] == "Xã Liên Minh"
    assert len(listed["dossiers"]) == Dossier.objects.filter(Q(unit__code="18247") | Q(commune__code="18247")).count() > 0
    assert set(listed["dossiers"][0]) == {"source", "code", "procedure_code", "procedure_name", "unit_code", "commune_code",
                                          "received_on", "channel", "result_on", "result_electronic"}
    table = run("dossiers", "--unit", "18247", "--year", "2020", "--month", "8")
    assert table.startswith("Xã Liên Minh — tháng 8/2020:")
    with pytest.raises(CommandError, match="Không có đơn vị mã 99999"):
        call_command("dossiers", "--unit", "99999", "--year", "2020", "--month", "8", stdout=io.StringIO())


def test_staff_switch_a_month_from_the_list_back_to_typing_from_the_grid_with_a_reason(reference, staff, client_for):
    from django.urls import reverse

    import_dossiers(lines=_lines(reference), source="Một cửa", units=list(reference["district"].units.all()), user=staff)
    unit = DerivedMonth.objects.select_related("unit").first().unit
    client = client_for(staff)
    grid = client.get(reverse("submissions:entry_grid", args=[unit.code, 2020, 8])).content.decode()
    action = reverse("submissions:month_action", args=[unit.code, 2020, 8, "typed"])
    assert action in grid
    assert client.post(action, {"reason": ""}).status_code == 400
    assert client.post(action, {"reason": "Danh sách thiếu hồ sơ nộp qua bưu chính"}).status_code == 302
    assert not DerivedMonth.objects.filter(unit=unit, year=2020, month=8).exists()
    assert client.get(reverse("submissions:entry_grid", args=[unit.code, 2020, 8])).context["can_edit"]


def test_the_dossiers_behind_a_month_are_listed_filtered_paginated_and_downloaded(reference, staff, client_for):
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    unit = Dossier.objects.values("unit__code").annotate(n=Count("pk")).order_by("-n").first()
    code, expected = unit["unit__code"], unit["n"]
    url = reverse("submissions:month_dossiers", args=[code, 2020, 8])
    client = client_for(staff)
    page = client.get(url)
    assert page.status_code == 200 and page.context["page"].paginator.count == expected
    online = client.get(url + "?channel=online").context["page"].paginator.count
    assert online == Dossier.objects.filter(unit__code=code, channel=ONLINE).count()
    assert client.get(url + "?channel=xyz&page=abc").status_code == 200  # nonsense filters are ignored
    sheet = load_workbook(BytesIO(client.get(url + "?format=xlsx").content), read_only=True).worksheets[0]
    assert len(list(sheet.iter_rows(values_only=True))) == expected + 1
    grid = client.get(reverse("submissions:entry_grid", args=[code, 2020, 8])).content.decode()
    assert url in grid


def test_staff_upload_a_list_see_its_preview_and_confirm_it(reference, staff, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(staff)
    assert "submissions/dossier_upload.html" in [t.name for t in client.get(reverse("submissions:dossier_upload")).templates]
    upload = SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes())
    preview = client.post(reverse("submissions:dossier_upload"), {"file": upload, "source": "Một cửa huyện Đức Thọ"},
                          follow=True)
    text = preview.content.decode()
    assert preview.status_code == 200 and "60 hồ sơ: 60 mới, 0 thay đổi, 0 không đổi" in text
    assert not Dossier.objects.exists()  # a preview writes nothing
    job = preview.context["job"]
    confirm = reverse("submissions:dossier_confirm", args=[job.pk])
    assert f'action="{confirm}"' in text
    confirmed = client.post(confirm, follow=True)
    assert Dossier.objects.count() == 60
    assert "Đã nhập lúc" in confirmed.content.decode() and "60 hồ sơ mới" in confirmed.content.decode()
    job.refresh_from_db()
    assert job.stored_as == "" and not any(settings.DVCTT_UPLOAD_DIR.iterdir())  # the file is deleted once imported
    again = client.post(confirm)
    assert again.status_code == 302 and Dossier.objects.count() == 60  # nothing left to confirm
    assert job.filename in client.get(reverse("submissions:dossier_upload")).content.decode()  # among the recent lists


def test_a_list_that_cannot_be_read_is_shown_with_every_reason_and_nothing_to_confirm(reference, staff, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    bad = "Mã hồ sơ;Mã thủ tục;Ngày nộp;Kênh nộp;Đơn vị xử lý\nHS-1;2.001019;13/08/2020;Fax;UBND xã Liên Minh\n"
    page = client_for(staff).post(reverse("submissions:dossier_upload"), {
        "file": SimpleUploadedFile("ds.csv", bad.encode("utf-8-sig")), "source": "Một cửa"}, follow=True)
    text = page.content.decode()
    assert page.status_code == 200 and "không hiểu kênh nộp “Fax”" in text and "dossier_confirm" not in text
    assert "Xác nhận nhập danh sách" not in text
    assert client_for(staff).post(reverse("submissions:dossier_upload"), {"source": ""}).status_code == 200


def test_a_dashboard_figure_from_the_lists_opens_exactly_its_dossiers(reference, staff, client_for):
    from django.urls import reverse

    run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    client = client_for(staff)
    page = client.get(reverse("reports:unit_dashboard", args=["18247"]) + "?year=2020&through=9")
    cards = {card.rule.code: card for card in page.context["dashboard"].cards}
    for code, card in cards.items():
        assert card.dossiers_query
        url = reverse("submissions:year_dossiers", args=["18247", 2020]) + "?" + card.dossiers_query
        assert url.replace("&", "&amp;") in page.content.decode()
        listed = client.get(url).context["page"].paginator.count
        assert listed == card.progress.total, code
    online = client.get(reverse("submissions:year_dossiers", args=["18247", 2020]) + "?" + cards["C2"].dossiers_query
                        + "&channel=online").context["page"].paginator.count
    assert online == cards["C2"].progress.online


UNUSUAL_HEADERS = ("BÁO CÁO HỒ SƠ\nSố biên nhận;Thủ tục;Mã số thủ tục;Thời điểm nộp;Cách thức nộp;Nơi nhận;Người đứng tên\n"
                   "BN-1;Chứng thực di chúc;2.001019;13/08/2020;Trực tuyến;UBND xã Liên Minh;Phạm Văn Tư\n")


def test_a_list_with_unknown_headers_is_mapped_once_and_the_source_remembers_it(reference, staff, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from submissions.models import DossierSourceProfile

    client = client_for(staff)

    def upload():
        return client.post(reverse("submissions:dossier_upload"), {
            "file": SimpleUploadedFile("bao-cao.csv", UNUSUAL_HEADERS.encode("utf-8-sig")), "source": "Một cửa mới"},
            follow=True)

    first = upload()
    assert "submissions/dossier_mapping.html" in [t.name for t in first.templates]
    assert "Thời điểm nộp" in first.context["candidates"]
    columns = reverse("submissions:dossier_mapping", args=[first.context["job"].pk])
    incomplete = client.post(columns, {"column_code": "Số biên nhận"})
    assert incomplete.status_code == 400 and "Hãy chọn ít nhất các cột" in incomplete.content.decode()
    mapped = client.post(columns, {
        "column_code": "Số biên nhận", "column_procedure_code": "Mã số thủ tục", "column_received": "Thời điểm nộp",
        "column_channel": "Cách thức nộp", "column_unit": "Nơi nhận"}, follow=True)
    assert mapped.status_code == 200 and "1 hồ sơ: 1 mới" in mapped.content.decode()
    assert DossierSourceProfile.objects.get(source="Một cửa mới").columns["thoi diem nop"] == "received"
    assert client.post(reverse("submissions:dossier_confirm", args=[mapped.context["job"].pk])).status_code == 302
    assert Dossier.objects.get().code == "BN-1"
    again = upload()  # the same source's next list is read without asking
    assert "submissions/dossier_job.html" in [t.name for t in again.templates]
    assert "1 hồ sơ: 0 mới, 0 thay đổi, 1 không đổi" in again.content.decode()


def test_a_level_2_procedures_dossier_is_skipped_and_said_not_kept(reference, staff):
    from dataclasses import replace

    from submissions.models import Procedure

    level_2 = Procedure.objects.filter(online_level=2).first()
    lines = _lines(reference)
    skipped = replace(lines[0], code="HS-MUC-2", procedure_code=level_2.code, procedure_name=level_2.name)
    result = import_dossiers(lines=[*lines, skipped], source="Một cửa", user=staff,
                             units=list(reference["district"].units.all()))
    assert result.not_counted == 1 and result.total == 60
    assert not Dossier.objects.filter(code="HS-MUC-2").exists()
    with pytest.raises(DossiersRefused, match="không có hồ sơ nào của thủ tục tính chỉ tiêu"):
        import_dossiers(lines=[skipped], source="Một cửa", user=staff, units=list(reference["district"].units.all()))


def test_the_overview_and_the_year_end_page_open_the_dossiers_behind_a_units_figures(reference, staff, home_affairs,
                                                                                    client_for):
    import re
    from html import unescape

    from django.urls import reverse

    run("import_dossiers", str(SAMPLE), "--source", "Một cửa huyện Đức Thọ")
    listed = reverse("submissions:year_dossiers", args=["18247", 2020])
    overview = client_for(staff).get(reverse("reports:overview") + "?year=2020&through=9").content.decode()
    links = [unescape(url) for url in re.findall(r'href="([^"]*/entry/[^"]*/dossiers/[^"]*)"', overview)]
    assert any(url.startswith(listed) for url in links)
    row = next(entry for entry in client_for(staff).get(reverse("reports:overview") + "?year=2020&through=9")
               .context["table"].data.data if entry["code"] == "18247")
    for index in range(len([key for key in row if re.fullmatch(r"r\d+", key)])):
        progress = row[f"r{index}"]
        url = next(url for url in links if url.startswith(listed) and f"authority={progress.rule.authority}" in url
                   and f"min_level={progress.rule.min_online_level}" in url
                   and ("own=1" in url) == bool(progress.rule.own_procedures_only))
        assert client_for(staff).get(url).context["page"].paginator.count == progress.total
    from units.models import Unit

    without = Unit.objects.filter(district=reference["district"]).exclude(derived_months__year=2020).first()  # no list
    assert not any(url.startswith(reverse("submissions:year_dossiers", args=[without.code, 2020])) for url in links)
    year_end = client_for(home_affairs).get(reverse("reports:year_end", args=[2020]) + "?through=12")
    flagged = {entry.unit.code for entry in year_end.context["report"].flagged}
    assert "18247" in flagged and listed in unescape(year_end.content.decode())


def test_a_code_listed_twice_far_apart_refuses_the_list_though_its_batches_were_written(reference, staff, monkeypatch):
    from dataclasses import replace

    from submissions import dossiers

    monkeypatch.setattr(dossiers, "BATCH", 7)  # the rows of a province's list, in miniature
    lines = _lines(reference)
    again = replace(lines[3], row=99, channel=POSTAL)  # the same code, forty rows on, another channel
    with pytest.raises(DossiersRefused) as refused:
        import_dossiers(lines=[*lines[:50], again, *lines[50:]], source="Một cửa", user=staff,
                        units=list(reference["district"].units.all()))
    assert refused.value.messages == [f"Dòng 99: hồ sơ {lines[3].code} đã có ở dòng trên."]
    assert not Dossier.objects.exists() and not Dossier.history.exists() and not DossierCount.objects.exists()
    result = import_dossiers(lines=lines, source="Một cửa", user=staff, units=list(reference["district"].units.all()))
    assert result.new == 60 and Dossier.history.count() == 60  # batch by batch, each with its history
    recorded = Dossier.history.first()
    assert (recorded.history_type, recorded.history_user, recorded.history_change_reason) == ("+", staff, "dossiers")
    assert recorded.received_on == Dossier.objects.get(code=recorded.code).received_on


def test_a_row_refused_on_the_last_batch_leaves_nothing_of_the_first_ones(reference, staff, monkeypatch):
    from dataclasses import replace

    from submissions import dossiers

    monkeypatch.setattr(dossiers, "BATCH", 10)
    lines = _lines(reference)
    lines[-1] = replace(lines[-1], procedure_code="9.999999", procedure_name="Thủ tục không có")
    with pytest.raises(DossiersRefused):
        import_dossiers(lines=lines, source="Một cửa", user=staff, units=list(reference["district"].units.all()))
    assert not Dossier.objects.exists() and not Dossier.history.exists()
