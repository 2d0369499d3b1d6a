"""What practices/ adds to the start page, the menu and the demo data."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ligepraksis.permissions import role_grants
from ligepraksis.registry import Card, Link, practice_part, start_cards
from practices import (
    demo,  # noqa: F401  (registers the demo builder)
    national,  # noqa: F401  (registers the national-data builder: practices and people)
    personal_data,  # noqa: F401  (registers its part of a person's data)
)
from practices.models import Practice
from practices.permissions import own_practice_ids


@start_cards
def practice_cards(request):
    user = request.user
    ids = own_practice_ids(user)
    if not ids:
        if user.is_authenticated and not role_grants(user):
            # A newcomer: a practice that did not apply joins the activities by registering.
            return [
                Card(
                    title=_("Sign up for activities without applying"),
                    text=_("Register your practice to sign its people up for the inspiration activities."),
                    next_step=Link(_("Register your practice"), reverse("practices:join_practice")),
                    order=12,
                    key="join",
                )
            ]
        return []
    practices = Practice.objects.filter(pk__in=ids).order_by("name")
    links = tuple(
        Link(_("People of %(practice)s") % {"practice": p.name}, reverse("practices:people", args=[p.pk]))
        for p in practices
    )
    return [
        Card(
            title=_("People and logins"),
            text=_("Who belongs to the practice, who has a login, and calendar links."),
            links=links,
            part=practice_part(),
            order=24,
            key="practice-people",
        )
    ]
