"""URLs of evaluation/ questionnaires."""

from django.urls import path

from evaluation.views import questionnaires as views

urlpatterns = [
    path("runder/<int:round_id>/spoergeskemaer/", views.questionnaires, name="questionnaires"),
    path("runder/<int:round_id>/spoergeskemaer/nyt/", views.questionnaire_new, name="questionnaire_new"),
    path("spoergeskemaer/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("spoergeskemaer/<int:pk>/spoergsmaal/nyt/", views.question_new, name="question_new"),
    path("spoergeskemaer/<int:pk>/send/", views.questionnaire_send, name="questionnaire_send"),
    path("spoergeskemaer/<int:pk>/resultater/", views.results, name="results"),
    path("spoergeskemaer/<int:pk>/svar/eksport/<str:fmt>/", views.answers_export, name="answers_export"),
    path("spoergeskema/<int:questionnaire_id>/svar/<str:token>/", views.answer, name="answer"),
    path("praksis/<int:practice_id>/spoergeskemasvar/", views.practice_answers, name="practice_answers"),
]
