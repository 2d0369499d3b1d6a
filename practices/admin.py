"""Admin for practices and people (reference data, editable) and practice access."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from practices import personal_data
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
    list_display = ("name", "kind", "title", "email", "user", "anonymised_at")
    list_filter = ("kind", ("anonymised_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "email", "memberships__practice__name")
    autocomplete_fields = ("user",)
    list_select_related = ("user",)
    readonly_fields = ("anonymised_at",)
    inlines = (PersonMembershipInline,)
    actions = ("export_personal_data", "anonymise_now", reset_feed_links)

    @admin.action(description=_("Export personal data (JSON)"), permissions=["view"])
    def export_personal_data(self, request, queryset):
        """Everything the portal holds about the chosen people: the person, memberships, sign-ups and
        attendance, hour claims, applications they coordinate and e-mails to them."""
        persons = list(queryset.order_by("pk"))
        content = personal_data.persons_export_json(persons)
        name = f"persondata-{persons[0].pk}" if len(persons) == 1 else "persondata"
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.json"'
        response["Cache-Control"] = "private, no-store"
        for person in persons:
            self.log_change(request, person, _("Personal data exported."))
        return response

    @admin.action(description=_("Anonymise now"), permissions=["change"])
    def anonymise_now(self, request, queryset):
        """A confirmation page first; then names and contact details go, counts and amounts stay."""
        if request.POST.get("post") == "yes":
            count = 0
            for person in queryset:
                person = personal_data.person_anonymise(person=person)
                self.log_change(request, person, _("Anonymised."))  # the log shows the new name only
                count += 1
            self.message_user(
                request,
                ngettext("%(count)d person is anonymised.", "%(count)d people are anonymised.", count)
                % {"count": count},
                messages.SUCCESS,
            )
            return None
        current = set(
            Membership.objects.current().filter(person__in=queryset).values_list("person_id", flat=True)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Anonymise now"),
            "opts": self.model._meta,
            "queryset": queryset,
            "current_ids": current,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/practices/person/anonymise_confirmation.html", context)


@admin.register(PracticeGrant)
class PracticeGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "practice", "granted_at")
    search_fields = ("user__email", "practice__name", "practice__cvr")
    autocomplete_fields = ("user", "practice")
    list_select_related = ("user", "practice")
