"""Admin for accounts, reference data and programme rounds (all their numbers are data)."""

from django import forms
from django.contrib import admin
from django.contrib.admin import options as admin_options
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from ligepraksis.models import (
    Area,
    Municipality,
    ProgrammeRound,
    ProviderOrganisation,
    Region,
    ReviewCriterion,
    RoleGrant,
    SizeBand,
    TermsVersion,
    User,
)

# --- The admin site as a whole ----------------------------------------------------------------------

admin.site.site_header = _("Lige Praksis")
admin.site.site_title = _("Lige Praksis")
admin.site.index_title = _("Administration")
# Roles are RoleGrant rows and practice access PracticeGrant rows; Django's groups are not used.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
# Decimals (hours, hour targets, doctor capacities) are shown and typed the Danish way, "10,00", in
# every app's admin: a localized text field instead of a number input, which shows "10.00" and
# refuses a comma. Each ModelAdmin copies these defaults when it is registered, and this module is
# discovered before the apps above the core (INSTALLED_APPS order; tests/ligepraksis/test_admin.py).
admin_options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DecimalField] = {"localize": True}


# --- Users and roles -------------------------------------------------------------------------------


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data.get("email") or "").strip()
        if email and User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data.get("email") or "").strip()
        others = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if email and others.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("role", "round", "region", "provider", "granted_at")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin with the e-mail address as the login."""

    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "full_name", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "grants__role")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    inlines = (RoleGrantInline,)

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else ()


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "scope", "granted_at")
    list_filter = ("role", "round", "region", "provider")
    search_fields = ("user__email", "user__full_name")
    autocomplete_fields = ("user",)
    list_select_related = ("user", "round", "region", "provider")

    @admin.display(description=_("scope"))
    def scope(self, obj):
        return obj.round or obj.region or obj.provider


# --- Reference data ----------------------------------------------------------------------------------


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "municipality_count")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    inlines = (MunicipalityInline,)

    @admin.display(description=_("municipalities"))
    def municipality_count(self, obj):
        return obj.municipalities.count()


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "region")
    list_filter = ("region",)
    search_fields = ("name",)


@admin.register(ProviderOrganisation)
class ProviderOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


# --- Programme rounds -------------------------------------------------------------------------------


def terms_accepted(terms) -> bool:
    """Terms a practice has accepted are kept exactly as accepted."""
    return terms is not None and terms.pk is not None and terms.participation_set.exists()


class TermsVersionForm(forms.ModelForm):
    """Accepted terms are shown but cannot be changed (disabled fields ignore what is posted)."""

    class Meta:
        model = TermsVersion
        fields = ("round", "version", "text", "published_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if terms_accepted(self.instance):
            for field in self.fields.values():
                field.disabled = True
                field.help_text = _(
                    "Accepted by a practice; publish a new version instead of changing this one."
                )


class AreaInline(admin.StackedInline):
    model = Area
    extra = 0
    filter_horizontal = ("municipalities",)


class SizeBandInline(admin.TabularInline):
    model = SizeBand
    extra = 0


class ReviewCriterionInline(admin.TabularInline):
    model = ReviewCriterion
    extra = 0


class TermsVersionInline(admin.StackedInline):
    model = TermsVersion
    form = TermsVersionForm
    fields = ("version", "text", "published_at")
    extra = 0


@admin.register(ProgrammeRound)
class ProgrammeRoundAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "region", "applications_open_at", "application_deadline", "places")
    list_filter = ("region", "year")
    search_fields = ("name",)
    date_hierarchy = "application_deadline"
    inlines = (AreaInline, SizeBandInline, ReviewCriterionInline, TermsVersionInline)
    fieldsets = (
        (None, {"fields": ("region", "name", "year", "description")}),
        (_("Applications"), {"fields": ("applications_open_at", "application_deadline")}),
        (_("Places and review"), {"fields": ("places", "offer_days", "score_min", "score_max")}),
        (
            _("Participation"),
            {
                "fields": (
                    "hour_target",
                    "hours_count_for",
                    ("hour_window_start", "hour_window_end"),
                    "nudge_weeks_before",
                    "signups_per_practice_per_session",
                )
            },
        ),
        (
            _("Follow-up"),
            {
                "fields": (
                    ("consultant_hours_medical", "consultant_hours_process"),
                    "status_report_interval_months",
                )
            },
        ),
        (_("Personal data"), {"fields": ("retention_months",)}),
    )


@admin.register(TermsVersion)
class TermsVersionAdmin(admin.ModelAdmin):
    form = TermsVersionForm
    list_display = ("round", "version", "published_at", "accepted")
    list_filter = ("round",)
    search_fields = ("round__name", "version")
    list_select_related = ("round",)

    @admin.display(description=_("accepted by a practice"), boolean=True)
    def accepted(self, obj):
        return terms_accepted(obj)

    def has_change_permission(self, request, obj=None):
        if terms_accepted(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if terms_accepted(obj):
            return False
        return super().has_delete_permission(request, obj)
