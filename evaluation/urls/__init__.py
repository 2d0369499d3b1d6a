"""evaluation/ URLs, one module per topic (see evaluation/__init__.py)."""

from evaluation.urls import questionnaires, reports, sharing

app_name = "evaluation"
urlpatterns = [
    *questionnaires.urlpatterns,
    *sharing.urlpatterns,
    *reports.urlpatterns,
]
