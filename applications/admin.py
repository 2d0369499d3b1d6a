"""Admin for programme records (read-only).

Applications, their history, reviews, scores, recommendations and participations change only
through the portal's services, which check the rules and keep the history. The admin shows them.
"""

from django.contrib import admin
from django.db.models import Avg
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationEvent, Participation, Recommendation, Review, Score
from ligepraksis.admin_mixins import ReadOnlyAdminMixin

# --- Programme records (read-only) -----------------------------------------------------------------


class ApplicationEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ("at", "kind", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


class RecommendationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Recommendation
    extra = 0
    fields = ("recorded_at", "outcome", "reason", "recorded_by")
    readonly_fields = fields


class ReviewInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Review
    extra = 0
    fields = ("reviewer", "conflict_of_interest", "comment", "updated_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "practice",
        "provider_numbers_list",
        "municipality",
        "round",
        "status",
        "submitted_at",
        "waitlist_position",
        "offer_expires_at",
    )
    list_filter = ("round", "status", "practice__form", "practice__municipality")
    search_fields = ("practice__name", "practice__provider_numbers__number", "practice__cvr")
    list_select_related = ("practice__municipality", "round")
    date_hierarchy = "submitted_at"
    inlines = (RecommendationInline, ReviewInline, ApplicationEventInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("practice__provider_numbers")

    @admin.display(description=_("provider numbers"))
    def provider_numbers_list(self, obj):
        return obj.practice.provider_numbers_display()

    @admin.display(description=_("municipality"), ordering="practice__municipality__name")
    def municipality(self, obj):
        return obj.practice.municipality


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "application", "kind", "from_status", "to_status", "actor")
    list_filter = ("application__round", "kind", "to_status")
    search_fields = ("application__practice__name", "application__practice__provider_numbers__number")
    list_select_related = ("application__practice", "application__round", "actor")
    date_hierarchy = "at"


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "outcome", "recorded_by", "recorded_at")
    list_filter = ("application__round", "outcome", "application__status")
    search_fields = ("application__practice__name", "application__practice__provider_numbers__number")
    list_select_related = ("application__practice", "application__round", "recorded_by")


class ScoreInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Score
    extra = 0
    fields = ("criterion", "value", "comment")
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "reviewer", "conflict_of_interest", "mean_score", "updated_at")
    list_filter = ("application__round", "conflict_of_interest", "application__status")
    search_fields = (
        "application__practice__name",
        "application__practice__provider_numbers__number",
        "reviewer__email",
        "reviewer__full_name",
    )
    list_select_related = ("application__practice", "application__round", "reviewer")
    inlines = (ScoreInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(mean=Avg("scores__value"))

    @admin.display(description=_("mean score"), ordering="mean")
    def mean_score(self, obj):
        return "" if obj.mean is None else f"{obj.mean:.1f}"


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "reviewer", "criterion", "value")
    list_filter = ("review__application__round", "criterion", "value")
    search_fields = (
        "review__application__practice__name",
        "review__application__practice__provider_numbers__number",
        "review__reviewer__email",
    )
    list_select_related = (
        "review__application__practice",
        "review__application__round",
        "review__reviewer",
        "criterion",
    )

    @admin.display(description=_("application"), ordering="review__application")
    def application(self, obj):
        return obj.review.application

    @admin.display(description=_("reviewer"), ordering="review__reviewer__email")
    def reviewer(self, obj):
        return obj.review.reviewer


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("practice", "round", "terms", "accepted_by", "accepted_at", "ended_at", "consultant")
    list_filter = ("round", "ended_at")
    search_fields = ("practice__name", "practice__provider_numbers__number", "practice__cvr")
    list_select_related = ("practice", "round", "terms__round", "accepted_by", "consultant")
