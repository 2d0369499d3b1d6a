"""URLs of progress/ consultants."""

from django.urls import path

from progress.views import consultants as views

urlpatterns = [
    path("konsulent/", views.consultant_home, name="consultant_home"),
    path("deltagelse/<int:pk>/konsulent/", views.consultant_sessions, name="consultant_sessions"),
    path("deltagelse/<int:pk>/konsulent/budget/", views.consultant_budget, name="consultant_budget"),
    path("runder/<int:round_id>/konsulenter/", views.consultant_assign, name="consultant_assign"),
]
