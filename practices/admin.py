"""Admin for practices and people (reference data, editable) and practice access."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from practices.models import Membership, Person, Practice, PracticeGrant, ProviderNumber


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


@admin.register(PracticeGrant)
class PracticeGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "practice", "granted_at")
    search_fields = ("user__email", "practice__name", "practice__cvr")
    autocomplete_fields = ("user", "practice")
    list_select_related = ("user", "practice")
