"""progress/ in the admin."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ligepraksis.admin_mixins import ReadOnlyAdminMixin
from progress.models.material import Material
from progress.models.reports import StatusReport, StatusReportReminder


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
