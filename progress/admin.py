"""progress/ in the admin."""

from django.contrib import admin  # noqa: E402
from simple_history.admin import SimpleHistoryAdmin  # noqa: E402

from ligepraksis.admin_mixins import ReadOnlyAdminMixin  # noqa: E402
from progress.models.material import Material  # noqa: E402
from progress.models.reports import StatusReport, StatusReportReminder  # noqa: E402


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
