"""progress/ URLs, one module per topic (see progress/__init__.py)."""

from progress.urls import consultants, material, milestones, records, reports

app_name = "progress"
urlpatterns = [
    *milestones.urlpatterns,
    *records.urlpatterns,
    *reports.urlpatterns,
    *consultants.urlpatterns,
    *material.urlpatterns,
]
