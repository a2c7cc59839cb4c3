"""A database restart or failover costs a reconnection, not a 500: a worker's kept connection is
tested before a request reuses it (CONN_HEALTH_CHECKS). PostgreSQL only (CI's second pass):
SQLite has no server to lose."""

import io

import psycopg2
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a database server to drop the connection"),
]


def serve(handler, path, cookie):
    """One request through the WSGI handler as gunicorn calls it (the test client would skip the
    per-request connection handling that this is about)."""
    environ = RequestFactory().get(path).environ
    environ.update({"HTTP_COOKIE": cookie, "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO()})
    status = []
    body = b"".join(handler(environ, lambda line, headers, exc_info=None: status.append(line)))
    return int(status[0].split()[0]), body


def test_the_next_request_after_the_server_drops_the_connection_succeeds(staff, monkeypatch):
    client = Client()
    client.force_login(staff)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    # As in production: the worker keeps its connection between requests; the health check is
    # the one settings.py configures.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    handler = WSGIHandler()
    page = reverse("submissions:entry_index")
    status, _body = serve(handler, page, cookie)
    assert status == 200
    backend = connection.connection.info.backend_pid

    params = connection.get_connection_params()
    other = psycopg2.connect(**{key: value for key, value in params.items() if key != "cursor_factory"})
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    other.close()

    status, body = serve(handler, page, cookie)
    assert status == 200, body[:500]
    assert connection.connection.info.backend_pid != backend
