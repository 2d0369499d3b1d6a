"""Form pieces every app shares."""

from __future__ import annotations

import unicodedata

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ligepraksis import links, mail
from ligepraksis.cpr import validate_email_no_cpr
from ligepraksis.middleware import login_username


class CrispyFormMixin:
    """Bootstrap 5 layout by crispy-forms; the template writes the <form> tag and the CSRF token."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class EmailForm(CrispyFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254, validators=[validate_email_no_cpr]
    )


def add_domain_error(form, exc) -> None:
    """Show a service's DomainError next to the field it names, or above the form."""
    form.add_error(exc.field if exc.field and exc.field in form.fields else None, exc.message)


def form_errors_message(form) -> str:
    """A form's errors as one message for a page that cannot show the form again, each naming its
    field by the field's (translated) label: "Begrundelse: Teksten ser ud til ..." rather than
    Django's `errors.as_text()` ("* reason * ..."), which shows the field's code name."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        for error in errors:
            text = str(error)
            parts.append(f"{label}: {text}" if label and str(label).lower() not in text.lower() else text)
    return " ".join(parts)


def _same_address(a: str, b: str) -> bool:
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The "forgotten your password" form for every active account, mailing through the outbox.

    Django's form leaves out accounts without a usable password, but an applicant, a practice that
    joined and a colleague given a login on the practice's page of people have none and are told to
    choose one here. The page answers the same whether or not the address has an account.
    """

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (u for u in users if _same_address(email, u.email))

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the outbox (templates/emails/password_reset_*.txt), not straight to the server, with
        the link made from SITE_URL (not from the Host header the request came with)."""
        context = {
            **context,
            "reset_url": links.absolute_url("password_reset_confirm", context["uid"], context["token"]),
        }
        with transaction.atomic():
            mail.enqueue(to=to_email, template="password_reset", context=context)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Choosing a password by an e-mailed link proves the address is the owner's: django-axes' lock on
    the account's name is lifted with it, so the lockout page can send a locked-out user here."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            from axes.utils import reset

            reset(username=login_username(None, {settings.AXES_USERNAME_FORM_FIELD: user.email}))
        return user
