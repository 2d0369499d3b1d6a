"""Practices, their provider numbers, the people in them, their dated memberships, and who may act
for a practice (a practice grant)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ligepraksis.cpr import GuardedCharField, validate_email_no_cpr
from ligepraksis.validators import validate_cvr, validate_provider_number


def new_feed_token() -> str:
    """A fresh calendar-feed key: 256 random bits, URL-safe (43 characters).

    A calendar program cannot log in, so the feed URL is the key. It is stored on the row (unique),
    looked up in the database, and replaced to revoke it; rows made before the keys existed, and
    people who left, have none until one is needed (`practices.services.feed_token_ensure`).
    """
    return secrets.token_urlsafe(32)


def feed_token_field():
    return models.CharField(
        _("calendar-feed key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )


class PracticeType(models.TextChoices):
    """The organisational form of a practice (praksisform)."""

    SOLO = "solo", _("Solo practice")
    PARTNERSHIP = "partnership", _("Partnership practice")
    COOPERATING = "cooperating", _("Cooperating practice")
    REGION_CLINIC = "region_clinic", _("Region-run or tendered clinic")


class Practice(models.Model):
    name = GuardedCharField(_("practice name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, unique=True, validators=[validate_cvr])
    address = GuardedCharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = GuardedCharField(_("city"), max_length=100)
    municipality = models.ForeignKey(
        "ligepraksis.Municipality",
        on_delete=models.PROTECT,
        related_name="practices",
        verbose_name=_("municipality"),
    )
    form = models.CharField(_("practice form"), max_length=20, choices=PracticeType.choices)
    doctor_capacities = models.DecimalField(
        _("doctor capacities"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    staff_count = models.PositiveSmallIntegerField(_("practice staff"), validators=[MaxValueValidator(500)])
    listed_patients = models.PositiveIntegerField(
        _("listed patients"), validators=[MaxValueValidator(100_000)]
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    confirmed_at = models.DateTimeField(
        _("registration confirmed"),
        null=True,
        blank=True,
        help_text=_("A project leader confirmed that the practice was registered by its own people."),
    )
    feed_token = feed_token_field()

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(doctor_capacities__gt=0), name="practice_capacities_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_confirmed(self) -> bool:
        """Registered by the portal's staff, or confirmed by a project leader (see practice_register)."""
        return self.confirmed_at is not None

    def provider_numbers_display(self) -> str:
        return ", ".join(p.number for p in self.provider_numbers.all())


class ProviderNumber(models.Model):
    """Ydernummer: six digits kept as text so a leading zero survives. A practice may have several."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="provider_numbers", verbose_name=_("practice")
    )
    number = models.CharField(
        _("provider number"), max_length=6, unique=True, validators=[validate_provider_number]
    )

    class Meta:
        verbose_name = _("provider number")
        verbose_name_plural = _("provider numbers")
        ordering = ["number"]

    def __str__(self):
        return self.number


class PersonKind(models.TextChoices):
    DOCTOR = "doctor", _("Doctor")
    STAFF = "staff", _("Practice staff")


class Person(models.Model):
    """A doctor or staff member of one practice. May never log in, yet can attend and have hours.

    A human who works in two practices is a person in each, and both may share one login (`user`):
    sign-ups and hours keep the practice they were made for.
    """

    name = GuardedCharField(_("name"), max_length=200)
    kind = models.CharField(_("doctor or staff"), max_length=10, choices=PersonKind.choices)
    title = GuardedCharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True, validators=[validate_email_no_cpr])
    phone = GuardedCharField(_("phone"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name=_("login"),
    )
    feed_token = feed_token_field()
    # Set when the person's name and contact details were erased (practices/personal_data.py); the
    # rows that carry counts and amounts (sign-ups, attendance, hours) stay, pointing at this row.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships in force on a day (today in Danish time): begun, and not ended before it."""
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))

    def continuing(self, on=None):
        """Current memberships that go on after the day: the person has not left and does not leave
        that day. The calendar feeds use it, so a person recorded as leaving today drops out at once."""
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def open(self):
        """Memberships without an end date (a person can have at most one per practice)."""
        return self.filter(ended_on__isnull=True)


class Membership(models.Model):
    """A person's dated membership of a practice; people can leave (ended_on)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("practice")
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="membership_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["person", "practice"], condition=Q(ended_on__isnull=True), name="membership_one_open"
            ),
        ]

    def __str__(self):
        return f"{self.person} @ {self.practice}"


class PracticeGrant(models.Model):
    """A login that may act for a practice (apply, sign up, log hours, change its people).

    The one home of "acts for a practice": granted when a practice is registered, when its
    coordinators are selected, or when a colleague gives a person a login; removed when they leave.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_grants",
        verbose_name=_("login"),
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="grants", verbose_name=_("practice")
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("practice access")
        verbose_name_plural = _("practice access")
        constraints = [models.UniqueConstraint(fields=["user", "practice"], name="practicegrant_unique")]

    def __str__(self):
        return f"{self.user} · {self.practice}"


class AccessConsent(models.Model):
    """A practice asks to attach an existing login to one of its people; the login's owner consents by
    an e-mailed link (security finding 8). Until then the login gets no access to the practice."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="access_consents", verbose_name=_("person")
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="access_consents", verbose_name=_("practice")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("login")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent to practice access")
        verbose_name_plural = _("consents to practice access")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "practice", "account"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_consent_per_person",
            )
        ]

    def __str__(self):
        return f"{self.account} · {self.practice}"
