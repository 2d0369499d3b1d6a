"""URLs of finance/ instalments."""

from django.urls import path

from finance.views import instalments

urlpatterns = [
    path(
        "penge/deltagelse/<int:pk>/rater/<int:instalment_id>/",
        instalments.instalment_decide,
        name="instalment_decide",
    ),
    path("penge/deltagelse/<int:pk>/korrektion/ny/", instalments.correction_new, name="correction_new"),
    path("runder/<int:round_id>/rater/", instalments.round_instalments, name="instalments"),
]
