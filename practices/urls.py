from django.urls import path

from practices import views

app_name = "practices"
urlpatterns = [
    # A practice that did not apply joins the activities: confirm an e-mail, then register it.
    path("aktiviteter/deltag/", views.join, name="join"),
    path("aktiviteter/deltag/bekraeft/<str:token>/", views.join_verify, name="join_verify"),
    path("aktiviteter/deltag/praksis/", views.join_practice, name="join_practice"),
    path("praksis/<int:pk>/personer/", views.people, name="people"),
    path("praksis/<int:pk>/personer/<int:person_pk>/", views.person_access, name="person_access"),
    path("praksis/adgang/<str:token>/", views.consent, name="consent"),
    path("praksis/<int:pk>/kalenderlink/", views.feed_reset, name="feed_reset"),
]
