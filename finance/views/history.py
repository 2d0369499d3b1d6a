"""The money history of a round (project leaders and the region's KEU secretariat)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from finance import permissions
from finance.selectors.history import changes, history_keys
from ligepraksis.paging import page_of


@login_required
def history(request, round_id: int):
    round_obj = permissions.get_round_for_budget(request.user, round_id)
    page = page_of(request, history_keys(round_obj), per_page=50)
    return render(
        request,
        "finance/history.html",
        {"round": round_obj, "page": page, "changes": changes(page.object_list)},
    )
