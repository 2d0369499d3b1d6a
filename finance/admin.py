"""finance/ in the admin: rates, paid items, budget lines, expenses and entries, with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance.models import BudgetLine, EarningEntry, Expense, PayItem, Rate
from ligepraksis.admin_mixins import ReadOnlyAdminMixin


@admin.register(Rate)
class RateAdmin(SimpleHistoryAdmin):
    """Editable; `Rate.clean` keeps the rates of a year with approved amounts."""

    list_display = ("region", "year", "hourly", "per_km")
    list_filter = ("region",)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.has_approved_amounts():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(PayItem)
class PayItemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """What a round pays for changes on the round's page for it (`finance:pay_items`, the service keeps
    a cap above what is approved); shown here."""

    list_display = ("round", "kind", "enabled", "cap")
    list_filter = ("round",)


@admin.register(BudgetLine)
class BudgetLineAdmin(SimpleHistoryAdmin):
    list_display = ("round", "name", "granted", "order")
    list_filter = ("round",)


@admin.register(Expense)
class ExpenseAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Expenses change only through the services (the overspend rule); shown here."""

    list_display = ("line", "description", "amount", "status", "incurred_on")
    list_select_related = ("line",)
    raw_id_fields = ("created_by",)


@admin.register(EarningEntry)
class EarningEntryAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Entries change only through the services (caps, decisions); shown here."""

    list_display = ("participation", "item", "worked_on", "hours", "km", "status")
    list_select_related = ("participation__practice", "participation__round", "item__round")
    raw_id_fields = ("participation", "submitted_by", "decided_by")
