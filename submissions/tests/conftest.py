import pytest


@pytest.fixture
def staff_client(client_for, staff):
    return client_for(staff)
