"""evaluation/ URLs, one module per topic (see evaluation/__init__.py)."""

from evaluation.urls import questionnaires, sharing

app_name = "evaluation"
urlpatterns = [
    *questionnaires.urlpatterns,
    *sharing.urlpatterns,
]
