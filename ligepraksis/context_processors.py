from ligepraksis import permissions
from ligepraksis.models import ProgrammeRound, Role


def portal(request):
    """Navigation facts for the base template (grants are cached on the user per request)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    review_ids = permissions.round_ids_with_role(user, Role.PROJECT_LEADER, Role.STEERING)
    if not review_ids:
        return {}
    leader_ids = permissions.round_ids_with_role(user, Role.PROJECT_LEADER)
    rounds = list(ProgrammeRound.objects.filter(pk__in=review_ids).order_by("-year", "name"))
    return {
        "nav_review_rounds": rounds,
        "nav_leader_rounds": [r for r in rounds if r.pk in leader_ids],
    }
