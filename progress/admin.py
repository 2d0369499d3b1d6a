"""progress/ in the admin: the milestone template and the editable lists are data an administrator
may change; milestones and the practice's records are shown with their history (django-simple-history);
records change through the portal's services (versioned, validated), so the admin shows them read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ligepraksis.admin_mixins import ReadOnlyAdminMixin
from progress.models import (
    ClinicModule,
    FocusCategory,
    FollowupMeeting,
    Intervention,
    Milestone,
    MilestoneTemplate,
    PatientGroup,
    PdsaCycle,
)


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "round", "kind", "order", "due_date", "closes_by")
    list_filter = ("round", "kind", "closes_by")
    list_select_related = ("round",)
    ordering = ("round", "order")


@admin.register(PatientGroup, FocusCategory)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "active")
    list_editable = ("order", "active")


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("template", "participation", "closed_at", "closed_by")
    list_filter = ("template__kind", "closed_by", "participation__round")
    list_select_related = ("template", "participation__practice", "participation__round")
    search_fields = ("participation__practice__name",)


@admin.register(ClinicModule, FollowupMeeting, Intervention)
class RecordAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("participation", "version")
    list_select_related = ("participation__practice", "participation__round")
    search_fields = ("participation__practice__name",)


@admin.register(PdsaCycle)
class PdsaCycleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("intervention", "plan_on", "study_on")
    list_select_related = ("intervention__participation__practice",)
