"""What activities/ adds to the start page, the menu and the demo data."""

from django.urls import reverse
from django.utils.translation import gettext as _

from activities import (
    demo,  # noqa: F401  (registers the demo builder)
    personal_data,  # noqa: F401  (registers its part of a person's data)
)
from applications.models import Participation
from ligepraksis.models import Role, RoleGrant
from ligepraksis.permissions import rounds_for_user
from ligepraksis.registry import Card, Link, measured_pages, menu_links, round_menu_links, start_cards
from practices.permissions import own_practice_ids


@menu_links(order=10)
def hours(request):
    if own_practice_ids(request.user):
        return [Link(_("Hours"), reverse("activities:my_hours"))]
    return []


@round_menu_links(order=20)
def round_links(user, round_obj, *, is_leader):
    if not is_leader:
        return []
    return [
        Link(_("Activity overview"), reverse("activities:overview", args=[round_obj.pk])),
        Link(_("Hour claims"), reverse("activities:claims", args=[round_obj.pk])),
    ]


@start_cards
def activity_cards(request):
    cards = [
        Card(
            title=_("Inspiration activities"),
            text=_(
                "Webinars, talks, courses and theme days for doctors and practice staff; every general "
                "practice in the region is welcome."
            ),
            links=(Link(_("See the activities and sign up"), reverse("activities:catalogue")),),
            order=10,
        )
    ]
    user = request.user
    if not user.is_authenticated:
        return cards
    links = []
    if own_practice_ids(user):
        links.append(Link(_("Our hours toward the target"), reverse("activities:my_hours")))
    for r in rounds_for_user(user, Role.PROJECT_LEADER).order_by("-year", "name"):
        links.append(
            Link(
                _("Activity overview for %(name)s") % {"name": r.name},
                reverse("activities:overview", args=[r.pk]),
            )
        )
        links.append(
            Link(_("Hour claims in %(name)s") % {"name": r.name}, reverse("activities:claims", args=[r.pk]))
        )
    if links:
        cards.append(Card(title=_("Hours and activities"), links=tuple(links), order=40))
    return cards


@measured_pages
def pages():
    grant = RoleGrant.objects.filter(role=Role.PROJECT_LEADER).select_related("user").order_by("pk").first()
    if grant is None:
        return []
    out = [
        (grant.user, reverse("activities:catalogue")),
        (grant.user, reverse("activities:overview", args=[grant.round_id])),
        (grant.user, reverse("activities:claims", args=[grant.round_id])),
    ]
    participation = Participation.objects.active().filter(round_id=grant.round_id).order_by("pk").first()
    if participation:
        out.append((grant.user, reverse("activities:practice_hours", args=[participation.practice_id])))
    return out
