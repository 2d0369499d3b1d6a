"""The region's rates by year (administrators and the region's project leaders)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from finance import permissions
from finance.forms import RateForm
from finance.selectors.rates import region_rates
from finance.services import rates as services
from ligepraksis.errors import DomainError
from ligepraksis.forms import add_domain_error


@login_required
def rates(request, region_id: int):
    region = permissions.rate_regions(request.user).filter(pk=region_id).first()
    if region is None:
        raise Http404
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.rate_save(
                user=request.user, region=region, year=d["year"], hourly=d["hourly"], per_km=d["per_km"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The rates are saved."))
            return redirect("finance:rates", region_id=region.pk)
    return render(
        request, "finance/rates.html", {"region": region, "rates": region_rates(region), "form": form}
    )
