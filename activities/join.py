"""Light accounts: any practice in the region can join the activities without applying.

Also the practice's own page of people, where a practice user adds colleagues, gives them a login
and records that someone has left.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from applications import services as app_services
from applications.forms import EmailForm, PracticeRegisterForm, _Crispy
from applications.models import Membership, Person, PersonKind
from ligepraksis import permissions
from ligepraksis.cpr import validate_no_cpr
from ligepraksis.email_links import login_from_link, send_login_link
from ligepraksis.errors import DomainError
from ligepraksis.models import Region

JOIN_SALT = "activities.join"


class JoinPracticeForm(PracticeRegisterForm):
    person_name = forms.CharField(
        label=gettext_lazy("Your name"), max_length=200, validators=[validate_no_cpr]
    )
    person_kind = forms.ChoiceField(label=gettext_lazy("You are"), choices=PersonKind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["person_name", "person_kind", "provider_numbers", *self.Meta.fields])


class PersonForm(_Crispy, forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, validators=[validate_no_cpr])
    kind = forms.ChoiceField(label=gettext_lazy("Doctor or staff"), choices=PersonKind.choices)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    give_access = forms.BooleanField(
        label=gettext_lazy("Give this person a login to the practice's pages"), required=False
    )


@require_http_methods(["GET", "POST"])
def join(request):
    """Step 1: confirm an e-mail address; the signed link logs in."""
    if request.user.is_authenticated:
        return redirect("activities:join_practice")
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        send_login_link(
            request, email=email, salt=JOIN_SALT, url_name="activities:join_verify", template="join"
        )
        return render(request, "applications/apply_sent.html", {"email": email})
    return render(request, "activities/join.html", {"form": form})


def join_verify(request, token: str):
    if login_from_link(request, token, salt=JOIN_SALT) is None:
        return redirect("activities:join")
    return redirect("activities:join_practice")


@login_required
@require_http_methods(["GET", "POST"])
def join_practice(request):
    """Step 2: register the practice (a practice that is already registered is joined via a colleague)."""
    own = permissions.own_practice_ids(request.user)
    if own:
        messages.info(request, _("You already have access to your practice."))
        return redirect("activities:practice_people", pk=sorted(own)[0])
    region = Region.objects.order_by("pk").first()
    form = JoinPracticeForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            practice = app_services.practice_join(
                user=request.user,
                person_name=data.pop("person_name"),
                person_kind=data.pop("person_kind"),
                provider_numbers=data.pop("provider_numbers"),
                **data,
            )
            messages.success(request, _("Your practice is registered. You can now sign up for activities."))
            return redirect("activities:practice_people", pk=practice.pk)
        except DomainError as exc:
            if exc.field == "provider_numbers" and "already" in str(exc.message):
                form.add_error(
                    "provider_numbers",
                    _(
                        "This practice is already registered. Ask a colleague who has access to add you "
                        "on the practice's page of people."
                    ),
                )
            elif exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                form.add_error(None, exc.message)
    return render(request, "activities/join_practice.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def practice_people(request, pk: int):
    practice = permissions.get_practice_for_user(request.user, pk)
    may_change = practice.pk in permissions.own_practice_ids(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            messages.error(request, _("Only the practice itself can change its people."))
        elif form.is_valid():
            d = form.cleaned_data
            try:
                from activities import services as activity_services

                person = activity_services.person_add(
                    user=request.user, practice=practice, name=d["name"], kind=d["kind"], email=d["email"]
                )
                if d["give_access"]:
                    app_services.person_give_access(user=request.user, practice=practice, person=person)
                messages.success(request, _("%(name)s is added.") % {"name": person.name})
                return redirect("activities:practice_people", pk=pk)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    today = timezone.localdate()
    members = (
        Membership.objects.filter(practice=practice)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("person__user")
        .order_by("person__name")
    )
    return render(
        request,
        "activities/practice_people.html",
        {"practice": practice, "members": members, "form": form, "may_change": may_change},
    )


@login_required
@require_POST
def person_access(request, pk: int, person_pk: int):
    practice = permissions.get_practice_for_user(request.user, pk)
    person = Person.objects.filter(pk=person_pk, memberships__practice=practice).distinct().first()
    if person is None:
        messages.error(request, _("That person is not in the practice."))
        return redirect("activities:practice_people", pk=pk)
    try:
        if request.POST.get("action") == "leave":
            app_services.membership_end(user=request.user, practice=practice, person=person)
            messages.success(
                request, _("%(name)s is recorded as having left the practice.") % {"name": person.name}
            )
        else:
            app_services.person_give_access(user=request.user, practice=practice, person=person)
            messages.success(
                request,
                _("%(name)s has a login now and can choose a password with “Forgotten your password”.")
                % {"name": person.name},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("activities:practice_people", pk=pk)
