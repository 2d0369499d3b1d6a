"""evaluation/ URLs, one module per topic (see evaluation/__init__.py)."""

from evaluation.urls import questionnaires

app_name = "evaluation"
urlpatterns = [
    *questionnaires.urlpatterns,
]
