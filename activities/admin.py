"""Admin for the activity catalogue (editable) and the programme records (read-only).

Activities and their sessions are catalogue data: an administrator may correct them here. Sign-ups,
attendance, hour claims and nudges change only through the portal's services, which check the rules
(capacity, waiting list, deadlines, approval); the admin shows them.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from activities import services
from activities.models import (
    Activity,
    HourClaim,
    HourNudge,
    Registration,
    RegistrationStatus,
    Session,
)
from ligepraksis.admin_mixins import ReadOnlyAdminMixin
from ligepraksis.cpr import validate_no_cpr


class SessionAdminForm(forms.ModelForm):
    """The capacity can never drop below the people already confirmed (as in services.session_save)."""

    online_link = forms.URLField(
        label=_("online link"), required=False, assume_scheme="https", validators=[validate_no_cpr]
    )

    class Meta:
        model = Session
        fields = (
            "activity",
            "starts_at",
            "ends_at",
            "place",
            "online_link",
            "capacity",
            "signup_deadline",
            "cancelled_at",
            "cancel_reason",
        )

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and self.instance.pk:
            confirmed = self.instance.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            if capacity < confirmed:
                raise forms.ValidationError(
                    _("%(count)s people are already confirmed; the capacity cannot be lower.")
                    % {"count": confirmed}
                )
        return capacity


def _save_session(obj: Session, save) -> None:
    """Save a session from the admin as the portal's form does: a move (time, place or online link)
    raises its calendar version and tells those signed up (services.session_move_announce). The
    admin's change view runs in a transaction, so the outbox rows go with the change or not at all."""
    if obj.pk:
        stored = Session.objects.select_for_update().select_related("activity").filter(pk=obj.pk).first()
        if stored is not None:
            services.session_move_announce(session=obj, stored=stored)
    save()


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionAdminForm
    extra = 0
    fields = ("starts_at", "ends_at", "place", "online_link", "capacity", "signup_deadline", "cancelled_at")
    show_change_link = True


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "provider",
        "round",
        "hours",
        "online",
        "required",
    )
    list_filter = ("round", "kind", "provider", "audience", "online")
    search_fields = ("title", "description", "provider__name")
    list_select_related = ("provider", "round")
    autocomplete_fields = ("provider", "round")
    inlines = (SessionInline,)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Session:
            return super().save_formset(request, form, formset, change)
        for obj in formset.save(commit=False):
            _save_session(obj, obj.save)
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class RegistrationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Registration
    extra = 0
    fields = ("person", "practice", "status", "created_at", "walk_in", "attended", "cancelled_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "practice")


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ("activity", "starts_at", "place", "capacity", "confirmed", "waitlisted", "cancelled_at")
    list_filter = ("activity__round", ("cancelled_at", admin.EmptyFieldListFilter), "activity__kind")
    search_fields = ("activity__title", "place")
    list_select_related = ("activity",)
    autocomplete_fields = ("activity",)
    date_hierarchy = "starts_at"
    inlines = (RegistrationInline,)

    def save_model(self, request, obj, form, change):
        _save_session(obj, lambda: super(SessionAdmin, self).save_model(request, obj, form, change))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_confirmed=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
                ),
                n_waitlisted=Count(
                    "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
                ),
            )
        )

    @admin.display(description=_("Confirmed"), ordering="n_confirmed")
    def confirmed(self, obj):
        return obj.n_confirmed

    @admin.display(description=_("On the waiting list"), ordering="n_waitlisted")
    def waitlisted(self, obj):
        return obj.n_waitlisted


# --- Programme records (read-only) -----------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("person", "practice", "session", "status", "walk_in", "attended", "created_at")
    list_filter = ("session__activity__round", "status", "attended", "walk_in")
    search_fields = ("person__name", "practice__name", "session__activity__title")
    list_select_related = ("person", "practice", "session__activity")
    date_hierarchy = "created_at"


@admin.register(HourClaim)
class HourClaimAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("practice", "person", "hours", "occurred_on", "status", "submitted_at", "decided_by")
    list_filter = ("round", "status")
    search_fields = ("practice__name", "person__name", "description")
    list_select_related = ("practice", "person", "decided_by")
    date_hierarchy = "occurred_on"


@admin.register(HourNudge)
class HourNudgeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("participation", "sent_at", "created_at")
    list_filter = ("participation__round",)
    search_fields = ("participation__practice__name",)
    list_select_related = ("participation__practice", "participation__round")
