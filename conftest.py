"""Shared fixtures: the Đức Thọ reference data and one person per role."""

import pytest

from targets.reference_data import load_reference
from units.models import District, Unit
from units.roles import Role
from factories import make_person  # noqa: F401 (tests import it from here too)

COMMUNE_A = "18229"  # Thị trấn Đức Thọ
COMMUNE_B = "18259"  # Xã Tùng Ảnh
DEPARTMENT = "440.TCKH"  # Phòng Tài chính - Kế hoạch


@pytest.fixture(autouse=True)
def _fast_passwords(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DVCTT_UPLOAD_DIR = tmp_path / "uploads"  # the dossier lists waiting for their jobs


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the Đức Thọ reference data (loaded once per run)."""
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def reference(db):
    """The district, its 28 units, the 126-procedure catalog and the 2020 policy."""
    district = District.objects.filter(code="440").first()
    if district is None:  # a transactional test flushed the database: load it again
        return load_reference()
    return {"district": district}


@pytest.fixture
def commune_a(reference):
    return Unit.objects.get(code=COMMUNE_A)


@pytest.fixture
def commune_b(reference):
    return Unit.objects.get(code=COMMUNE_B)


@pytest.fixture
def department(reference):
    return Unit.objects.get(code=DEPARTMENT)


@pytest.fixture
def head_of_commune_a(commune_a):
    return make_person("head_a", Role.UNIT_HEAD, unit=commune_a)


@pytest.fixture
def head_of_commune_b(commune_b):
    return make_person("head_b", Role.UNIT_HEAD, unit=commune_b)


@pytest.fixture
def head_of_department(department):
    return make_person("head_dept", Role.UNIT_HEAD, unit=department)


@pytest.fixture
def staff(reference):
    return make_person("staff", Role.STAFF, district=reference["district"])


@pytest.fixture
def home_affairs(reference):
    return make_person("noivu", Role.HOME_AFFAIRS, district=reference["district"])


@pytest.fixture
def administrator(reference):
    return make_person("admin", Role.ADMIN, district=reference["district"])


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client logged in as that person."""

    def login(user):
        client.force_login(user)
        return client

    return login
