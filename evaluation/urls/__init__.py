"""evaluation/ URLs, one module per topic (see evaluation/__init__.py)."""

from evaluation.urls import questionnaires, reports

app_name = "evaluation"
urlpatterns = [
    *questionnaires.urlpatterns,
    *reports.urlpatterns,
]
