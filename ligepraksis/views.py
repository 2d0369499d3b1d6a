from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from ligepraksis import permissions
from ligepraksis.models import ProgrammeRound, Role, RoleGrant


def home(request):
    now = timezone.now()
    context = {
        "open_rounds": ProgrammeRound.objects.filter(
            applications_open_at__lte=now, application_deadline__gt=now
        ),
    }
    user = request.user
    if user.is_authenticated:
        context.update(
            review_rounds=ProgrammeRound.objects.filter(
                pk__in=permissions.round_ids_with_role(user, Role.PROJECT_LEADER, Role.STEERING)
            ),
            leader_rounds=ProgrammeRound.objects.filter(
                pk__in=permissions.round_ids_with_role(user, Role.PROJECT_LEADER)
            ),
            roles=RoleGrant.objects.filter(user=user),
        )
    return render(request, "home.html", context)


def health(request):
    """For the load balancer and docker-compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
