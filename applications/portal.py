"""What applications/ adds to the start page, the menu and the demo data."""

from django.urls import reverse
from django.utils.translation import gettext as _

from applications import (
    demo,  # noqa: F401  (registers the demo builder)
    permissions,  # noqa: F401  (registers who may see a practice)
    personal_data,  # noqa: F401  (registers its part of a person's data)
)
from ligepraksis.models import Role, RoleGrant
from ligepraksis.permissions import rounds_for_user
from ligepraksis.registry import Card, Link, measured_pages, menu_links, round_menu_links, start_cards


@menu_links(order=20)
def my_applications(request):
    return [Link(_("My applications"), reverse("applications:mine"))]


@round_menu_links(order=10)
def round_links(user, round_obj, *, is_leader):
    links = [Link(_("Applications"), reverse("applications:round_list", args=[round_obj.pk]))]
    if is_leader:
        links.append(Link(_("Selection"), reverse("applications:selection", args=[round_obj.pk])))
    return links


@start_cards
def application_cards(request):
    user = request.user
    if not user.is_authenticated:
        return []
    links = [Link(_("My applications"), reverse("applications:mine"))]
    for r in rounds_for_user(user, Role.PROJECT_LEADER, Role.STEERING).order_by("-year", "name"):
        links.append(
            Link(
                _("Applications in %(name)s") % {"name": r.name},
                reverse("applications:round_list", args=[r.pk]),
            )
        )
    for r in rounds_for_user(user, Role.PROJECT_LEADER).order_by("-year", "name"):
        links.append(
            Link(
                _("Selection workspace for %(name)s") % {"name": r.name},
                reverse("applications:selection", args=[r.pk]),
            )
        )
    return [Card(title=_("Your work"), links=tuple(links), order=30)]


@measured_pages
def pages():
    grant = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    if grant is None:
        return []
    r = grant.round_id
    return [
        (grant.user, reverse("applications:round_list", args=[r])),
        (grant.user, reverse("applications:selection", args=[r])),
        (grant.user, reverse("applications:selection", args=[r]) + "?suggest=1"),
        (grant.user, reverse("applications:export", args=[r]) + "?format=xlsx"),
    ]
