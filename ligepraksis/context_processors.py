from ligepraksis import permissions
from ligepraksis.models import ProgrammeRound, Role


def portal(request):
    """Navigation facts for the base template (grants are cached on the user per request)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    context = {"nav_has_practice": bool(permissions.own_practice_ids(user))}
    review_ids = permissions.round_ids_with_role(user, Role.PROJECT_LEADER, Role.STEERING)
    if review_ids:
        leader_ids = permissions.round_ids_with_role(user, Role.PROJECT_LEADER)
        rounds = list(ProgrammeRound.objects.filter(pk__in=review_ids).order_by("-year", "name"))
        for r in rounds:
            r.nav_is_leader = r.pk in leader_ids
        context["nav_review_rounds"] = rounds
    return context
