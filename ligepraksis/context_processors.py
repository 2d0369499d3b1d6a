from ligepraksis import permissions, registry
from ligepraksis.models import ProgrammeRound, Role


def portal(request):
    """Navigation for the base template: the apps' menu links and the rounds the user works in."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    context = {"nav_links": registry.collect_menu(request)}
    round_ids = permissions.round_ids_with_role(user, Role.PROJECT_LEADER, Role.STEERING)
    if round_ids:
        leader_ids = permissions.round_ids_with_role(user, Role.PROJECT_LEADER)
        rounds = list(ProgrammeRound.objects.filter(pk__in=round_ids).order_by("-year", "name"))
        for r in rounds:
            r.nav_links = registry.collect_round_menu(user, r, is_leader=r.pk in leader_ids)
        context["nav_review_rounds"] = rounds
    return context
