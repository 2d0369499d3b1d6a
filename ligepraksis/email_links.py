"""Signed e-mail links that confirm an address and log its owner in (applying, joining activities)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from ligepraksis import mail
from ligepraksis.services import user_get_or_create


def send_login_link(
    request, *, email: str, salt: str, url_name: str, template: str, payload=None, context=None
):
    """Mail a link to `url_name` carrying a signed token with the address (and `payload`).
    The mail is templates/emails/<template>_subject.txt and _body.txt, with `link` in the context."""
    token = signing.dumps({"email": email, **(payload or {})}, salt=salt)
    context = {**(context or {}), "link": request.build_absolute_uri(reverse(url_name, args=[token]))}
    with transaction.atomic():
        mail.enqueue(to=email, template=template, context=context)


def login_from_link(request, token: str, *, salt: str) -> dict | None:
    """Log in the owner of a confirmed address (creating the account if new) and return the token's
    data; None, with a message for the user, if the link is expired, invalid or the account closed."""
    try:
        data = signing.loads(token, salt=salt, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, _("The link has expired. Please ask for a new one."))
        return None
    except signing.BadSignature:
        messages.error(request, _("The link is not valid. Please ask for a new one."))
        return None
    user = user_get_or_create(email=data["email"])
    if not user.is_active:
        messages.error(request, _("This account is closed."))
        return None
    login(request, user, backend="ligepraksis.auth.EmailBackend")
    return data
