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
from progress.models.consultants import ConsultantBudgetRaise, ConsultantSession
from progress.models.material import Material
from progress.models.reports import StatusReport, StatusReportReminder


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


# --- consultants --------------------------------------------------------------------------------------


@admin.register(ConsultantSession)
class ConsultantSessionAdmin(SimpleHistoryAdmin):
    """Sessions are recorded on the portal's page (its service checks the budget); the admin reads them
    and their history."""

    list_display = ("participation", "held_on", "kind", "hours", "topic", "recorded_by")
    list_filter = ("kind", "participation__round")
    search_fields = ("participation__practice__name", "topic")
    list_select_related = ("participation__practice", "participation__round", "recorded_by")
    date_hierarchy = "held_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsultantBudgetRaise)
class ConsultantBudgetRaiseAdmin(admin.ModelAdmin):
    list_display = ("participation", "kind", "hours", "raised_by", "raised_at")
    list_filter = ("kind", "participation__round")
    search_fields = ("participation__practice__name", "reason")
    list_select_related = ("participation__practice", "participation__round", "raised_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- reports: status reports change only through the portal's services (the practice files them) ---
@admin.register(StatusReport)
class StatusReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("participation", "period_start", "period_end", "traffic_light", "submitted_at")
    list_filter = ("traffic_light", "participation__round")
    list_select_related = ("participation__practice", "participation__round")
    search_fields = ("participation__practice__name",)


@admin.register(StatusReportReminder)
class StatusReportReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("participation", "period_number", "reminded_at")
    list_select_related = ("participation__practice", "participation__round")


# --- material: uploaded and changed on the portal's pages, where the file is checked by content ---
@admin.register(Material)
class MaterialAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "file_type", "published", "round", "uploaded_at")
    list_filter = ("kind", "published", "round")
