"""evaluation/ in the admin: questionnaires and their questions (with history); invitations, responses
and answers read-only (an anonymous response must not be tied to anyone by hand either)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import Answer, Invitation, Question, Questionnaire, Response
from ligepraksis.admin_mixins import ReadOnlyAdminMixin


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ("title", "round", "phase", "anonymous", "sent_at")
    list_filter = ("round", "phase")


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = ("text", "questionnaire", "kind", "order")
    list_filter = ("questionnaire__round",)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("questionnaire", "practice", "email", "sent_at", "reminded_at", "answered")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "questionnaire", "answered_on")


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("pk", "question", "number")
