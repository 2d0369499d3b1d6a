"""URLs of progress/ material."""

from django.urls import path

from progress.views import material as views

urlpatterns = [
    path("materiale/", views.material, name="material"),
    path("materiale/<int:pk>/hent/", views.material_download, name="material_download"),
    path("materiale/<int:pk>/rediger/", views.material_edit, name="material_edit"),
    path("runder/<int:round_id>/materiale/", views.material_manage, name="material_manage"),
]
