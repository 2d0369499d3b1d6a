"""finance/ in the admin: rates, paid items, budget lines, expenses and entries, with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from finance.models import (
    BudgetLine,
    EarningEntry,
    Expense,
    Instalment,
    MoneyCorrection,
    ParticipationInstalment,
    PayItem,
    PaymentBatch,
    Rate,
)
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


@admin.register(Instalment)
class InstalmentAdmin(SimpleHistoryAdmin):
    """The round's instalments and the milestone kinds that open each (data)."""

    list_display = ("round", "number", "name", "milestone_kinds", "budget_line")
    list_filter = ("round",)


@admin.register(ParticipationInstalment)
class ParticipationInstalmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Approvals, withholdings and payments change only through the services (exactly once); shown."""

    list_display = ("participation", "instalment", "status", "amount", "paid_on")
    list_select_related = ("participation__practice", "participation__round", "instalment")
    raw_id_fields = ("participation", "approved_by", "withheld_by", "batch")


@admin.register(MoneyCorrection)
class MoneyCorrectionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("participation", "amount", "created_at")
    list_select_related = ("participation__practice", "participation__round")
    raw_id_fields = ("participation", "created_by")


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("round", "reference", "paid_on", "total")
    raw_id_fields = ("created_by",)
