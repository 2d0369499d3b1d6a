"""URLs of interviews, practice evaluations, the knowledge-sharing register and the public postcards."""

from django.urls import path

from evaluation.views import sharing as views

urlpatterns = [
    path("runder/<int:round_id>/interviews/", views.interviews, name="interviews"),
    path("runder/<int:round_id>/interviews/nyt/", views.interview_new, name="interview_new"),
    path("interviews/<int:pk>/", views.interview, name="interview"),
    path("runder/<int:round_id>/evalueringer/", views.evaluations, name="evaluations"),
    path("fremdrift/<int:pk>/evaluering/", views.practice_evaluation, name="practice_evaluation"),
    path("fremdrift/<int:pk>/evaluering/samtykke/", views.evaluation_consent, name="evaluation_consent"),
    path("runder/<int:round_id>/videndeling/", views.register, name="register"),
    path("fremdrift/<int:pk>/videndeling/", views.participation_register, name="participation_register"),
    path("videndeling/<int:pk>/", views.knowledge_item, name="knowledge_item"),
    path("postkort/", views.postcards, name="postcards"),
    path("postkort/<int:pk>/", views.postcard, name="postcard"),
]
