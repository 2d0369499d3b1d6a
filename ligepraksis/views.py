from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from ligepraksis import registry
from ligepraksis.models import ProgrammeRound, RoleGrant


def home(request):
    """The start page: open rounds, then each app's cards for this user (``<app>/portal.py``)."""
    context = {
        "open_rounds": ProgrammeRound.objects.open_for_applications(timezone.now()),
        "cards": registry.collect_cards(request),
    }
    if request.user.is_authenticated:
        context["roles"] = RoleGrant.objects.filter(user=request.user)
    return render(request, "home.html", context)


def health(request):
    """For the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
