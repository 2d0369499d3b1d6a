"""URLs of progress/ reports."""

from django.urls import path

from progress.views import reports as views

urlpatterns = [
    path("fremdrift/<int:pk>/statusrapporter/", views.reports, name="reports"),
    path("statusrapporter/<int:pk>/", views.report, name="report"),
    path("runder/<int:round_id>/statusrapporter/", views.round_reports, name="round_reports"),
]
