"""URLs of progress/ records."""

from django.urls import path

from progress.views import records as views

urlpatterns = [
    path("fremdrift/<int:pk>/klinikmodul/", views.clinic_module, name="clinic_module"),
    path("fremdrift/<int:pk>/opfoelgningsmoede/", views.followup, name="followup"),
    path("fremdrift/<int:pk>/egen-indsats/", views.intervention, name="intervention"),
    path("fremdrift/<int:pk>/egen-indsats/pdsa/ny/", views.pdsa_new, name="pdsa_new"),
    path("pdsa/<int:pk>/", views.pdsa_edit, name="pdsa_edit"),
]
