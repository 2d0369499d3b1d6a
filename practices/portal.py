"""What practices/ adds to the start page, the menu and the demo data."""

from django.urls import reverse
from django.utils.translation import gettext as _

from ligepraksis.registry import Card, Link, start_cards
from practices import (
    demo,  # noqa: F401  (registers the demo builder)
    personal_data,  # noqa: F401  (registers its part of a person's data)
)
from practices.models import Practice
from practices.permissions import own_practice_ids


@start_cards
def practice_cards(request):
    ids = own_practice_ids(request.user)
    if not ids:
        return []
    practices = Practice.objects.filter(pk__in=ids).order_by("name")
    links = tuple(
        Link(_("People of %(practice)s") % {"practice": p.name}, reverse("practices:people", args=[p.pk]))
        for p in practices
    )
    return [Card(title=_("Your practice"), links=links, order=20)]
