"""Registering and joining a practice, and the practice's page of people.

Any practice, of any region (its municipality gives it), can join the activities without applying:
confirm an e-mail address, then register the practice. A practice that is already registered is
joined through a colleague, who adds people on the practice's page of people.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ligepraksis import signin, throttle
from ligepraksis.email_links import link_page, send_login_link
from ligepraksis.errors import DomainError
from ligepraksis.forms import EmailForm, add_domain_error
from ligepraksis.links import absolute_url
from practices import selectors, services
from practices.forms import JoinPracticeForm, PersonForm
from practices.permissions import acts_for, get_member_for_user, get_practice_for_user, own_practice_ids


@require_http_methods(["GET", "POST"])
@throttle.sign_in_mail
def join(request):
    """Step 1: an e-mail address gets a sign-in link (ligepraksis/signin.py)."""
    if request.user.is_authenticated:
        return redirect("practices:join_practice")
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return send_login_link(
            request,
            email=form.cleaned_data["email"],
            scope=signin.SCOPE_JOIN,
            url_name="practices:join_verify",
            template="join",
        )
    return render(request, "practices/join.html", {"form": form})


@require_http_methods(["GET", "POST"])
def join_verify(request, token: str):
    """The e-mailed link: a page with a "Log in" button, whose POST spends the link."""
    return link_page(
        request,
        token,
        scope=signin.SCOPE_JOIN,
        success_url=reverse("practices:join_practice"),
        retry_url=reverse("practices:join"),
    )


@login_required
@require_http_methods(["GET", "POST"])
@throttle.practice_registration()
def join_practice(request):
    """Step 2: register the practice (a practice that is already registered is joined via a colleague)."""
    own = own_practice_ids(request.user)
    if own:
        messages.info(request, _("You already have access to your practice."))
        return redirect("practices:people", pk=sorted(own)[0])
    form = JoinPracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            practice = services.practice_join(
                user=request.user,
                person_name=data.pop("person_name"),
                person_kind=data.pop("person_kind"),
                provider_numbers=data.pop("provider_numbers"),
                **data,
            )
            messages.success(request, _("Your practice is registered. You can now sign up for activities."))
            return redirect("practices:people", pk=practice.pk)
        except DomainError as exc:
            if exc.code in (services.PROVIDER_NUMBER_TAKEN, services.CVR_TAKEN):
                form.add_error(
                    exc.field,
                    _(
                        "This practice is already registered. Ask a colleague who has access to add you "
                        "on the practice's page of people."
                    ),
                )
            else:
                add_domain_error(form, exc)
    return render(request, "practices/join_practice.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def people(request, pk: int):
    practice = get_practice_for_user(request.user, pk)
    may_change = acts_for(request.user, practice.pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            messages.error(request, _("Only the practice itself can change its people."))
        elif form.is_valid():
            d = form.cleaned_data
            try:
                person = services.person_add(
                    user=request.user, practice=practice, name=d["name"], kind=d["kind"], email=d["email"]
                )
                messages.success(request, _("%(name)s is added.") % {"name": person.name})
                if d["give_access"]:
                    _give_access(request, practice, person)
                return redirect("practices:people", pk=pk)
            except DomainError as exc:
                add_domain_error(form, exc)
    return render(
        request,
        "practices/people.html",
        {
            "practice": practice,
            "members": selectors.current_memberships(practice),
            "form": form,
            "may_change": may_change,
        },
    )


@login_required
@require_POST
def person_access(request, pk: int, person_pk: int):
    practice = get_practice_for_user(request.user, pk)
    person = get_member_for_user(request.user, practice, person_pk)
    try:
        action = request.POST.get("action")
        if action == "leave":
            services.membership_end(user=request.user, practice=practice, person=person)
            messages.success(
                request, _("%(name)s is recorded as having left the practice.") % {"name": person.name}
            )
        elif action == "feed":
            services.feed_token_reset(user=request.user, practice=practice, person=person)
            messages.success(
                request,
                _("%(name)s has a new calendar link; the old one no longer works.") % {"name": person.name},
            )
        else:
            _give_access(request, practice, person)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("practices:people", pk=pk)


def _give_access(request, practice, person) -> None:
    outcome = services.person_give_access(
        user=request.user,
        practice=practice,
        person=person,
        link_for=lambda token: absolute_url("practices:consent", token),
    )
    if outcome == services.CONSENT_REQUESTED:
        messages.info(
            request,
            _(
                "%(email)s already has a login. We have sent it an e-mail: the login acts for the practice "
                "once its owner accepts."
            )
            % {"email": person.email},
        )
    else:
        messages.success(
            request,
            _("%(name)s has a login now and can choose a password with “Forgotten your password”.")
            % {"name": person.name},
        )


@require_http_methods(["GET", "POST"])
def consent(request, token: str):
    """The owner of an existing login accepts that it acts for a practice (the POST spends the link;
    mail scanners that open the link only GET it)."""
    found = services.consent_from_token(token)
    if request.method == "POST" and found is not None:
        try:
            found = services.consent_accept(token=token)
            messages.success(
                request, _("Your login now acts for %(practice)s.") % {"practice": found.practice.name}
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(request, "practices/consent.html", {"consent": found})


@login_required
@require_POST
def feed_reset(request, pk: int):
    """A new calendar link for the practice's feed; the old one answers 404 from now on."""
    practice = get_practice_for_user(request.user, pk)
    try:
        services.feed_token_reset(user=request.user, practice=practice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The practice has a new calendar link; the old one no longer works."))
    return redirect("practices:people", pk=pk)
