"""URLs of the evaluation's reports (the files themselves are the core's job page and download)."""

from django.urls import path

from evaluation.views import reports as views

urlpatterns = [
    path("runder/<int:round_id>/rapporter/", views.reports, name="reports"),
    path("runder/<int:round_id>/rapporter/bestil/<str:kind>/", views.report_request, name="report_request"),
    path("rapporter/<int:pk>/proev-igen/", views.report_retry, name="report_retry"),
]
