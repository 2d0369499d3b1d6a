from django.urls import path

from activities import views

app_name = "activities"
urlpatterns = [
    # The public catalogue
    path("aktiviteter/", views.catalogue, name="catalogue"),
    path("aktiviteter/<int:pk>/", views.activity, name="activity"),
    # Sign-up and a practice's hours
    path("aktiviteter/hold/<int:pk>/tilmeld/", views.signup, name="signup"),
    path("aktiviteter/tilmeldinger/<int:pk>/afmeld/", views.registration_cancel, name="registration_cancel"),
    path("timer/", views.my_hours, name="my_hours"),
    path("praksis/<int:pk>/timer/", views.practice_hours, name="practice_hours"),
    path("praksis/<int:pk>/timer/historik/", views.practice_history, name="practice_history"),
    path("praksis/<int:pk>/timer/ny/", views.claim_new, name="claim_new"),
    path("timer/<int:pk>/dokumentation/", views.claim_evidence, name="claim_evidence"),
    # Project leaders
    path("runder/<int:round_id>/timer/", views.claims, name="claims"),
    path("runder/<int:round_id>/timer/beslutning/", views.claims_decide, name="claims_decide"),
    path("runder/<int:round_id>/aktivitetsoverblik/", views.overview, name="overview"),
    path("runder/<int:round_id>/aktiviteter/eksport/", views.catalogue_export, name="catalogue_export"),
    path("runder/<int:round_id>/tilmeldinger/eksport/", views.signups_export, name="signups_export"),
    path("runder/<int:round_id>/aktiviteter/import/", views.catalogue_import, name="catalogue_import"),
    # Catalogue editing (project leaders and providers)
    path("runder/<int:round_id>/aktiviteter/ny/", views.activity_new, name="activity_new"),
    path("aktiviteter/<int:pk>/rediger/", views.activity_edit, name="activity_edit"),
    path("aktiviteter/<int:pk>/hold/ny/", views.session_new, name="session_new"),
    path("aktiviteter/hold/<int:pk>/rediger/", views.session_edit, name="session_edit"),
    path("aktiviteter/hold/<int:pk>/aflys/", views.session_cancel, name="session_cancel"),
    path("aktiviteter/hold/<int:pk>/fremmoede/", views.attendance, name="attendance"),
    # Leaders' and providers' own activities with past sessions and their attendance
    path("aktiviteter/mine/", views.my_activities, name="mine"),
]
