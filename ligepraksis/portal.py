"""The core's part of the registries: its demo builder and its national-data builder (the regions,
rounds and logins), and the start page as a measured page, for an anonymous visitor and for the first
login of each role."""

from django.urls import reverse

from ligepraksis import (
    demo,  # noqa: F401  (registers the core demo builder)
    national,  # noqa: F401  (registers the core national-data builder)
)
from ligepraksis.models import Role, RoleGrant
from ligepraksis.registry import MeasuredPage, measured_pages


@measured_pages
def pages():
    home = reverse("home")
    out = [MeasuredPage("start page", "anonymous", home)]
    for role in Role:
        grant = RoleGrant.objects.filter(role=role).select_related("user").order_by("pk").first()
        if grant is not None:
            out.append(MeasuredPage("start page", role.value, home, grant.user))
    return out
