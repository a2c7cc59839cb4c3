from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class ContentSecurityPolicyMiddleware:
    """Sends the portal's strict Content-Security-Policy with every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class PortalLocaleMiddleware:
    """Vietnamese unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC set
    up in English would show the portal in English; here only the language cookie set by the
    switcher at the bottom of every page changes it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is larger than DVCTT_MAX_REQUEST_BYTES before any of
    it is read (413, in Vietnamese; the dossier upload page takes DVCTT_MAX_DOSSIER_UPLOAD_BYTES), so an oversized upload reaches neither memory nor disk. The
    proxy in front should refuse it even earlier (nginx `client_max_body_size`, see the README)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DVCTT_MAX_REQUEST_BYTES
        if request.path_info == reverse("submissions:dossier_upload"):  # a province's dossier list
            limit = settings.DVCTT_MAX_DOSSIER_UPLOAD_BYTES + 256 * 1024
        if length > limit:
            request._body = b""  # nothing of the body is read, even by the CSRF check of the page below
            context = {"limit": f"{limit / (1024 * 1024):.0f}"}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every page and file the portal makes (static files are
    served before this and stay cacheable): counts, names and scores are never kept by a proxy or
    left in a shared computer's browser cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


class BusyDatabaseMiddleware:
    """A write that waited its whole timeout for SQLite's one writer (a large import holds it) is
    answered 503 in Vietnamese with Retry-After, not 500: its transaction was rolled back, so
    nothing is half saved. PostgreSQL has no such lock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError

        if isinstance(exception, OperationalError) and "database is locked" in str(exception):
            response = render(request, "503.html", status=503)
            response["Retry-After"] = "60"
            return response
        return None
