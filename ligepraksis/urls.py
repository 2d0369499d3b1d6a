from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from ligepraksis import views
from ligepraksis.forms import PasswordResetForm, SetPasswordForm

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("was", views.accessibility_statement, name="accessibility_statement"),
    path("privatliv/", views.privacy, name="privacy"),
    path("sprog/", set_language, name="set_language"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("log-ind/link/", views.signin_link, name="signin_link"),
    path("log-ind/link/<str:token>/", views.signin_link_confirm, name="signin_link_confirm"),
    path(
        "adgangskode/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("adgangskode/sendt/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "adgangskode/ny/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "adgangskode/faerdig/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("filer/<int:pk>/", views.file_job, name="file_job"),
    path("filer/<int:pk>/hent/", views.file_job_download, name="file_job_download"),
    path("", include("practices.urls")),
    path("", include("applications.urls")),
    path("", include("activities.urls")),
    path("", include("progress.urls")),
    path("", include("finance.urls")),
    path("", include("evaluation.urls")),
    path("kalender/", include("activities.feed_urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files (evidence for hour claims) are never served from MEDIA_URL: views stream them to
# those allowed to see them.
