"""evaluation/ in the admin: questionnaires and their questions (with history); invitations, responses
and answers read-only (an anonymous response must not be tied to anyone by hand either); interviews,
practice evaluations and the knowledge-sharing register (with history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import (
    Answer,
    Interview,
    Invitation,
    KnowledgeItem,
    PracticeEvaluation,
    Question,
    Questionnaire,
    Response,
)
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


@admin.register(Interview)
class InterviewAdmin(SimpleHistoryAdmin):
    list_display = ("participation", "scheduled_at", "status", "evaluator")
    list_filter = ("participation__round", "status")
    raw_id_fields = ("participation", "evaluator")


@admin.register(PracticeEvaluation)
class PracticeEvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("participation", "consent_given_at", "consent_withdrawn_at", "updated_at")
    list_filter = ("participation__round",)
    raw_id_fields = ("participation", "consent_by")


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "participation", "kind", "status", "happens_on")
    list_filter = ("participation__round", "kind", "status")
    raw_id_fields = ("participation", "created_by", "hour_entries")
