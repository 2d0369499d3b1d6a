"""URLs of finance/ rates."""

from django.urls import path

from finance.views import rates

urlpatterns = [
    path("regioner/<int:region_id>/takster/", rates.rates, name="rates"),
]
