from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from ligepraksis.cpr import contains_cpr


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Danish unless the user chose another language (the language cookie); the browser's wish is ignored."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivatePagesNotCachedMiddleware:
    """`Cache-Control: private, no-store` on what only its reader may see.

    That is every response to a signed-in user and every file download (a response with a
    Content-Disposition, such as an export or a calendar feed), unless the view chose a Cache-Control
    of its own. A shared proxy must not keep such a page, nor the browser after the user signed out.
    """

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.has_header("Content-Disposition"):
            response["Cache-Control"] = self.VALUE
        return response


def client_ip_address(request) -> str | None:
    """The client's address for django-axes (settings.AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT proxies in front (the TLS proxy of docker-compose.yml is one), the
    client is the entry that many places from the end of X-Forwarded-For: the entries before it come
    from the client itself and may be forged. Without proxies, or with a header too short to hold
    that entry, it is REMOTE_ADDR.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


REDACTED_USERNAME = "[cpr-number-removed]"


def login_username(request, credentials=None) -> str | None:
    """The name django-axes counts failures under (settings.AXES_USERNAME_CALLABLE).

    The login compares e-mail addresses whatever their case and surrounding spaces
    (ligepraksis.auth.EmailBackend), so axes must count `A@x.dk` and ` a@x.dk` as one account:
    otherwise each spelling would get its own allowance of failures.
    """
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    elif request is not None:
        raw = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = None
    if not isinstance(raw, str):
        return raw
    # django-axes stores the username of every failed login: never keep a CPR number typed there.
    return REDACTED_USERNAME if contains_cpr(raw) else raw.strip().lower()
