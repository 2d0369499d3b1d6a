"""Form pieces every app shares."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _


class CrispyFormMixin:
    """Bootstrap 5 layout by crispy-forms; the template writes the <form> tag and the CSRF token."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class EmailForm(CrispyFormMixin, forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)


def add_domain_error(form, exc) -> None:
    """Show a service's DomainError next to the field it names, or above the form."""
    form.add_error(exc.field if exc.field and exc.field in form.fields else None, exc.message)
