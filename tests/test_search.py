"""Search without diacritics or case (issue 16, point 6): "tung anh" and "TÙNG ẢNH" find Xã Tùng
Ảnh wherever units or procedures are searched — the overview, the admin — on SQLite and on
PostgreSQL (.ci/run runs this file on both)."""

import pytest
from django.urls import reverse

from dvctt_portal.text import fold, matches

TUNG_ANH = "Xã Tùng Ảnh"


def test_folding_drops_diacritics_case_and_extra_spaces():
    assert fold("Xã  TÙNG ẢNH") == "xa tung anh"
    assert fold("Phòng Tài chính - Kế hoạch") == "phong tai chinh - ke hoach"
    assert fold("Đức Thọ") == "duc tho"  # đ is a letter of its own, not a d with a mark
    assert fold("Tu\u0300ng") == fold("Tùng")  # decomposed (as some keyboards send it) or not


@pytest.mark.parametrize("query", ["tung anh", "TÙNG ẢNH", "tùng", "Tung  Anh", "xa tung", "18259"])
def test_every_way_of_typing_it_finds_the_commune(query):
    assert matches(query, TUNG_ANH, "18259")


@pytest.mark.parametrize("query", ["tung anh hue", "Tân Hương", "18229"])
def test_other_words_do_not(query):
    assert not matches(query, TUNG_ANH, "18259")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["tung anh", "TÙNG ẢNH", "tùng"])
def test_the_overview_finds_xa_tung_anh(client_for, home_affairs, query):
    response = client_for(home_affairs).get(reverse("reports:overview"), {"year": 2020, "q": query})
    html = response.content.decode()
    assert response.status_code == 200 and TUNG_ANH in html
    assert "Xã Tân Hương" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["tung anh", "TÙNG ẢNH"])
def test_the_admin_finds_the_unit_its_counts_and_its_procedures(client_for, administrator, query, commune_a):
    from submissions.models import DossierCount, Procedure
    from units.models import Unit

    client = client_for(administrator)
    units = client.get(reverse("admin:units_unit_changelist"), {"q": query})
    assert list(units.context["cl"].queryset) == [Unit.objects.get(name=TUNG_ANH)]

    tung_anh = Unit.objects.get(name=TUNG_ANH)
    procedure = Procedure.objects.for_entry(tung_anh, 2020).first()
    DossierCount.objects.create(unit=tung_anh, procedure=procedure, year=2020, month=9, total=3, online=1)
    DossierCount.objects.create(unit=commune_a, procedure=procedure, year=2020, month=9, total=3, online=1)
    counts = client.get(reverse("admin:submissions_dossiercount_changelist"), {"q": query})
    assert [count.unit.name for count in counts.context["cl"].queryset] == [TUNG_ANH]


@pytest.mark.django_db
def test_the_admin_finds_a_procedure_by_its_name_without_marks(client_for, administrator, reference):
    from submissions.models import Procedure

    birth = Procedure.objects.filter(name="Đăng ký khai sinh").first()
    found = client_for(administrator).get(reverse("admin:submissions_procedure_changelist"), {"q": "dang ky khai sinh"})
    assert birth in list(found.context["cl"].queryset)
