"""URLs of progress/ milestones."""

from django.urls import path

from progress.views import milestones as views

urlpatterns = [
    path("fremdrift/<int:pk>/", views.progress, name="progress"),
    path("milepaele/<int:pk>/", views.milestone, name="milestone"),
    path("runder/<int:round_id>/fremdrift/", views.dashboard, name="dashboard"),
    path("runder/<int:round_id>/milepaele/", views.template, name="template"),
]
