"""Writes for practices and their people: register, join, add a member, give a login, leave.

Every function validates before it writes and raises DomainError with a message the view can show.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ligepraksis import mail
from ligepraksis.errors import DomainError, validate_or_refuse
from ligepraksis.links import absolute_url
from ligepraksis.permissions import forget_grants
from ligepraksis.services import user_get_or_create
from ligepraksis.validators import normalise_digits
from practices import selectors
from practices.models import (
    AccessConsent,
    Membership,
    Person,
    PersonKind,
    Practice,
    PracticeGrant,
    ProviderNumber,
    new_feed_token,
)
from practices.permissions import acts_for

CONSENT_MAX_AGE = 7 * 24 * 3600  # seconds an access-consent link stays valid

# Error codes a view may branch on (never on the translated text).
PROVIDER_NUMBER_TAKEN = "provider_number_taken"
CVR_TAKEN = "cvr_taken"


def _full_clean(obj, exclude=None):
    validate_or_refuse(obj, exclude=exclude)


def practice_grant(*, user, practice: Practice) -> PracticeGrant:
    """Let a login act for a practice (idempotent)."""
    grant, _created = PracticeGrant.objects.get_or_create(user=user, practice=practice)
    forget_grants(user)
    return grant


def practice_register(*, provider_numbers: list[str], cvr: str, registered_by=None, **fields) -> Practice:
    """A new practice with one or more provider numbers (each unique across all practices).

    Two registrations of the same practice at once end in one practice and a clear message for the
    other, never a 500: the unique indexes decide, inside a savepoint.
    """
    numbers = [normalise_digits(n) for n in provider_numbers if n and n.strip()]
    if not numbers:
        raise DomainError(
            _("At least one provider number (ydernummer) is required."), field="provider_numbers"
        )
    if len(set(numbers)) != len(numbers):
        raise DomainError(_("The same provider number is given twice."), field="provider_numbers")
    cvr = normalise_digits(cvr)

    def taken_number(number):
        return DomainError(
            _("Provider number %(number)s is already registered to a practice. Look it up instead.")
            % {"number": number},
            field="provider_numbers",
            code=PROVIDER_NUMBER_TAKEN,
        )

    cvr_taken = DomainError(
        _("A practice with this CVR number is already registered."), field="cvr", code=CVR_TAKEN
    )
    taken = list(ProviderNumber.objects.filter(number__in=numbers).values_list("number", flat=True))
    if taken:
        raise taken_number(taken[0])
    if Practice.objects.filter(cvr=cvr).exists():
        raise cvr_taken
    # A practice registered by a user (applying or joining) can be used at once, but a project leader
    # confirms it before its application can be selected; one made by staff or data is confirmed.
    confirmed_at = None if registered_by is not None else timezone.now()
    practice = Practice(
        cvr=cvr, registered_by=registered_by, confirmed_at=confirmed_at, feed_token=new_feed_token(), **fields
    )
    _full_clean(practice, exclude=["cvr", "feed_token"])
    try:
        with transaction.atomic():
            practice.save()
            for number in numbers:
                pn = ProviderNumber(practice=practice, number=number)
                _full_clean(pn, exclude=["practice", "number"])
                pn.save()
    except IntegrityError as exc:  # someone registered the same CVR or number a moment ago
        if Practice.objects.filter(cvr=cvr).exists():
            raise cvr_taken from exc
        raise taken_number(numbers[0]) from exc
    return practice


@transaction.atomic
def practice_join(
    *, user, person_name: str, person_kind: str, provider_numbers: list[str], cvr: str, **fields
) -> Practice:
    """Any practice, of any region, may join the activities: register it and let the user act for it.

    Only a practice that is not registered yet can be claimed this way; an existing practice's data
    and applications stay with the people who already act for it (they can add colleagues).
    """
    practice = practice_register(provider_numbers=provider_numbers, cvr=cvr, registered_by=user, **fields)
    person = Person(name=person_name, kind=person_kind, email=user.email, user=user)
    _full_clean(person, exclude=["user"])
    person.save()
    Membership.objects.create(person=person, practice=practice)
    practice_grant(user=user, practice=practice)
    return practice


def member_create(*, practice: Practice, name: str, kind: str, email: str = "", title: str = "") -> Person:
    """A new person with a membership of the practice from today (callers check who may do it)."""
    if kind not in PersonKind.values:
        raise DomainError(_("Choose doctor or practice staff."), field="kind")
    person = Person(name=name, kind=kind, email=email, title=title)
    _full_clean(person, exclude=["user"])
    person.save()
    Membership.objects.create(person=person, practice=practice)
    return person


@transaction.atomic
def person_add(*, user, practice: Practice, name: str, kind: str, email: str = "", title: str = "") -> Person:
    """Add a doctor or staff member to one's own practice (a person who may never log in)."""
    if not acts_for(user, practice.pk):
        raise DomainError(_("You can only add people to your own practice."))
    if selectors.member_with_email(practice, email) is not None:
        raise DomainError(_("Someone in the practice already has this e-mail address."), field="email")
    return member_create(practice=practice, name=name, kind=kind, email=email, title=title)


CONSENT_SALT = "practices.access-consent"
GRANTED = "granted"
CONSENT_REQUESTED = "consent_requested"


@transaction.atomic
def person_give_access(*, user, practice: Practice, person: Person, link_for=None) -> str:
    """Give a colleague (a member with an e-mail address) a login that acts for the practice.

    A new address gets a login without a password at once (GRANTED). An address that already has a
    login (a doctor in two practices, a steering-group member, a leader) is only attached when its
    owner consents by an e-mailed link (CONSENT_REQUESTED; security finding 8): acting for a practice
    also keeps that login out of reviewing the practice's application. `link_for(token)` makes the
    absolute link for the mail.
    """
    if not acts_for(user, practice.pk):
        raise DomainError(_("You can only give access to your own practice."))
    if not Membership.objects.current().filter(practice=practice, person=person).exists():
        raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    if not person.email:
        raise DomainError(_("Add an e-mail address for %(name)s first.") % {"name": person.name})
    return member_login_attach(practice=practice, person=person, requested_by=user, link_for=link_for)


def member_login_attach(*, practice: Practice, person: Person, requested_by=None, link_for=None) -> str:
    """The one rule for giving a member of a practice a login that acts for it (a colleague's "give
    login", the coordinators of a selected practice): a person already linked to a login, or an
    address nobody uses yet (a new login without a password), is GRANTED at once; a login that
    already exists for the address is attached only when its owner consents (CONSENT_REQUESTED)."""
    account = person.user
    if account is None:
        User = get_user_model()
        existing = User.objects.filter(email__iexact=person.email.strip()).first()
        if existing is not None and PracticeGrant.objects.filter(user=existing, practice=practice).exists():
            account = existing  # the login acts for the practice already: it is the same person
        elif existing is not None:
            _ask_consent(
                practice=practice,
                person=person,
                account=existing,
                requested_by=requested_by,
                link_for=link_for,
            )
            return CONSENT_REQUESTED
        else:
            account = user_get_or_create(email=person.email, full_name=person.name)
        person.user = account
        person.save(update_fields=["user"])
    practice_grant(user=account, practice=practice)
    return GRANTED


def _ask_consent(*, practice, person, account, requested_by, link_for) -> AccessConsent:
    consent, _created = AccessConsent.objects.get_or_create(
        person=person, practice=practice, account=account, accepted_at=None,
        defaults={"requested_by": requested_by},
    )  # fmt: skip
    token = signing.dumps({"consent": consent.pk}, salt=CONSENT_SALT)
    link = link_for(token) if link_for else absolute_url("practices:consent", token)
    mail.enqueue(
        to=account.email,
        template="access_consent",
        context={"practice": practice, "person": person, "requested_by": requested_by, "link": link},
        key=f"access-consent:{consent.pk}:{consent.created_at.timestamp():.0f}",
    )
    return consent


def consent_from_token(token: str) -> AccessConsent | None:
    """The open or accepted consent a link names; None if the link is invalid or older than 7 days."""
    try:
        data = signing.loads(token, salt=CONSENT_SALT, max_age=CONSENT_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        AccessConsent.objects.select_related("practice", "person", "account")
        .filter(pk=data["consent"])
        .first()
    )


@transaction.atomic
def consent_accept(*, token: str, now=None) -> AccessConsent:
    """The owner of the login consents (a POST from the e-mailed link): the person is linked to the
    login and the login acts for the practice. Spending the link twice changes nothing."""
    consent = consent_from_token(token)
    if consent is None:
        raise DomainError(_("The link is not valid or has expired. Ask the practice to send a new one."))
    consent = (
        AccessConsent.objects.select_for_update(of=("self",))
        .select_related("person", "practice", "account")
        .get(pk=consent.pk)
    )
    if consent.accepted_at is None:
        person = consent.person
        if person.user_id is None:
            person.user = consent.account
            person.save(update_fields=["user"])
        practice_grant(user=consent.account, practice=consent.practice)
        consent.accepted_at = now or timezone.now()
        consent.save(update_fields=["accepted_at"])
    return consent


@transaction.atomic
def membership_end(*, user, practice: Practice, person: Person, on=None) -> None:
    """A person leaves the practice: the membership gets an end date (their hours stay)."""
    if not acts_for(user, practice.pk):
        raise DomainError(_("You can only change your own practice."))
    on = on or timezone.localdate()
    updated = Membership.objects.open().filter(practice=practice, person=person).update(ended_on=on)
    if not updated:
        raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    if person.user_id:
        PracticeGrant.objects.filter(user_id=person.user_id, practice=practice).delete()
        forget_grants(person.user)
    # The person's calendar feed ends with the membership: the old link answers 404 from now on.
    Person.objects.filter(pk=person.pk).update(feed_token=None)
    person.feed_token = None


def practice_confirm(*, practice: Practice, now=None) -> Practice:
    """Mark a user-registered practice as confirmed (callers check that a project leader does it)."""
    Practice.objects.filter(pk=practice.pk, confirmed_at__isnull=True).update(
        confirmed_at=now or timezone.now()
    )
    practice.refresh_from_db(fields=["confirmed_at"])
    return practice


@transaction.atomic
def practice_hand_over(*, practice: Practice, email: str, name: str = "", now=None):
    """Give a wrongly claimed practice to its real people: every login that acted for it loses that,
    the given address (an account without a password, created if new) acts for it, and the
    practice counts as confirmed. Callers check that a project leader does it."""
    previous = list(PracticeGrant.objects.filter(practice=practice).select_related("user"))
    PracticeGrant.objects.filter(practice=practice).delete()
    for grant in previous:
        forget_grants(grant.user)
    account = user_get_or_create(email=email, full_name=name)
    practice_grant(user=account, practice=practice)
    practice_confirm(practice=practice, now=now)
    return account


# --- Calendar-feed keys (the feeds themselves are activities/feeds.py) -------------------------------


def feed_token_ensure(obj: Person | Practice) -> str:
    """The row's calendar-feed key, made on first use (rows older than the keys, or a person whose
    feed ended when they left and who is signed up again). Two requests at once get the same key."""
    if obj.feed_token:
        return obj.feed_token
    model = type(obj)
    model.objects.filter(pk=obj.pk, feed_token__isnull=True).update(feed_token=new_feed_token())
    obj.feed_token = model.objects.values_list("feed_token", flat=True).get(pk=obj.pk)
    return obj.feed_token


def feed_token_rotate(obj: Person | Practice) -> str:
    """Replace the calendar-feed key: the old link answers 404 at once (the admin calls this too)."""
    obj.feed_token = new_feed_token()
    type(obj).objects.filter(pk=obj.pk).update(feed_token=obj.feed_token)
    return obj.feed_token


@transaction.atomic
def feed_token_reset(*, user, practice: Practice, person: Person | None = None) -> str:
    """Someone acting for the practice makes a new feed link for the practice, or for one of its
    current members (a link shared too widely, or a phone that was lost)."""
    if not acts_for(user, practice.pk):
        raise DomainError(_("You can only change your own practice."))
    if person is None:
        return feed_token_rotate(practice)
    if not Membership.objects.current().filter(practice=practice, person=person).exists():
        raise DomainError(_("%(name)s is not a member of the practice.") % {"name": person.name})
    return feed_token_rotate(person)
