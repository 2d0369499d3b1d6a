"""Admin for practices and people (reference data, editable) and practice access."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from practices.models import Membership, Person, Practice, PracticeGrant, ProviderNumber
from practices.services import feed_token_rotate


@admin.action(description=_("Make a new calendar link (the old one stops working)"), permissions=["change"])
def reset_feed_links(modeladmin, request, queryset):
    count = 0
    for obj in queryset:
        feed_token_rotate(obj)
        modeladmin.log_change(request, obj, [{"changed": {"fields": ["feed_token"]}}])
        count += 1
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d new calendar link; the old one no longer works.",
            "%(count)d new calendar links; the old ones no longer work.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


class ProviderNumberInline(admin.TabularInline):
    model = ProviderNumber
    extra = 0
    min_num = 1


class PracticeMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "practice"
    extra = 0
    autocomplete_fields = ("person",)
    verbose_name = _("person in the practice")
    verbose_name_plural = _("people in the practice")


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "provider_numbers_list",
        "cvr",
        "municipality",
        "form",
        "doctor_capacities",
        "staff_count",
        "listed_patients",
    )
    list_filter = ("form", "municipality__region", "municipality")
    search_fields = ("name", "cvr", "provider_numbers__number", "city", "postcode")
    autocomplete_fields = ("municipality",)
    list_select_related = ("municipality",)
    inlines = (ProviderNumberInline, PracticeMembershipInline)
    actions = (reset_feed_links,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("provider_numbers")

    @admin.display(description=_("provider numbers"))
    def provider_numbers_list(self, obj):
        return obj.provider_numbers_display()


class PersonMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "person"
    extra = 0
    autocomplete_fields = ("practice",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "title", "email", "user")
    list_filter = ("kind",)
    search_fields = ("name", "email", "memberships__practice__name")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
    inlines = (PersonMembershipInline,)
    actions = (reset_feed_links,)


@admin.register(PracticeGrant)
class PracticeGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "practice", "granted_at")
    search_fields = ("user__email", "practice__name", "practice__cvr")
    autocomplete_fields = ("user", "practice")
    list_select_related = ("user", "practice")
