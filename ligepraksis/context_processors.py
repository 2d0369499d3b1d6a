from ligepraksis import permissions
from ligepraksis.models import Role


def portal(request):
    """Navigation facts for the base template (grants are cached on the user per request)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "nav_review_rounds": sorted(
            permissions.round_ids_with_role(user, Role.PROJECT_LEADER, Role.STEERING)
        ),
        "nav_leader_rounds": sorted(permissions.round_ids_with_role(user, Role.PROJECT_LEADER)),
    }
