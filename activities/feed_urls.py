"""The secret-link calendar feeds, included at /kalender/ (no login: the random key in the URL is the key)."""

from django.urls import path

from activities import feeds

app_name = "calendar"
urlpatterns = [
    path("person/<str:token>.ics", feeds.person_feed, name="person"),
    path("praksis/<str:token>.ics", feeds.practice_feed, name="practice"),
]
