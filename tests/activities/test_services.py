"""Service tests for the activities: capacity and waiting list, cancellation, sign-up rules, hours and
evidence checks, hour-claim decisions, attendance, who may edit the catalogue, the CPR guard.
They all hit the database; on-commit e-mails never run here (non-transactional tests)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from activities import services
from activities.models import (
    Activity,
    ActivityKind,
    ClaimStatus,
    HourClaim,
    Registration,
    RegistrationStatus,
    Session,
)
from ligepraksis import formatting
from ligepraksis.errors import DomainError
from ligepraksis.models import Role
from practices import services as practice_services
from practices.models import Person, PersonKind
from tests.activities.service_factories import (
    at_session,
    make_activity,
    make_person,
    make_practice,
    make_session,
    practice_user,
    provider,
    provider_user,
)
from tests.conftest import make_round, make_user

CPR_TEXT = "Patienten 010190-1234 kom for sent"


@pytest.fixture(autouse=True)
def _english_messages_and_tasks(monkeypatch):
    """Assert on the English source messages; the e-mail tasks may not exist yet."""
    with translation.override("en"):
        yield


@pytest.fixture
def practice(region):
    return make_practice(region)


@pytest.fixture
def puser(practice):
    return practice_user(practice)


@pytest.fixture
def activity(closed_round):
    return make_activity(closed_round, org=provider("MidtKraft"))


def signup(user, session, practice, *persons, now=None):
    return services.registration_signup(
        user=user, session=session, practice=practice, persons=list(persons), now=now
    )


def statuses(session):
    return list(session.registrations.order_by("created_at", "pk").values_list("person__name", "status"))


# --- Capacity and the waiting list -----------------------------------------------------------


def test_three_persons_for_two_places_confirms_the_first_two_in_order_and_waitlists_the_third(
    activity, practice, puser
):
    session = make_session(activity, capacity=3)
    other_practice = make_practice(practice.municipality.region)
    signup(practice_user(other_practice), session, other_practice, make_person(other_practice))
    first, second, third = (make_person(practice, name=n) for n in ("Anna", "Bo", "Carl"))

    result = signup(puser, session, practice, second, third, first)  # the order chosen is kept

    assert [r.person for r in result.confirmed] == [second, third]
    assert [r.person for r in result.waitlisted] == [first]
    assert session.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 3
    reg = Registration.objects.get(session=session, person=first)
    assert reg.status == RegistrationStatus.WAITLISTED
    assert reg.practice == practice and reg.registered_by == puser


def test_a_full_session_puts_everyone_on_the_waiting_list(activity, practice, puser):
    session = make_session(activity, capacity=1)
    signup(puser, session, practice, make_person(practice))
    result = signup(puser, session, practice, make_person(practice), make_person(practice))
    assert result.confirmed == [] and len(result.waitlisted) == 2


def test_cancelling_before_the_deadline_promotes_the_first_in_line(activity, practice, puser):
    session = make_session(activity, capacity=1)
    now = timezone.now()
    a, b, c = (make_person(practice, name=n) for n in ("Anna", "Bo", "Carl"))
    (reg_a,) = signup(puser, session, practice, a, now=now).confirmed
    signup(puser, session, practice, b, now=now + dt.timedelta(minutes=1))
    signup(puser, session, practice, c, now=now + dt.timedelta(minutes=2))

    promoted = services.registration_cancel(user=puser, registration=reg_a, now=now + dt.timedelta(hours=1))

    assert promoted.person == b
    assert statuses(session) == [
        ("Anna", RegistrationStatus.CANCELLED),
        ("Bo", RegistrationStatus.CONFIRMED),
        ("Carl", RegistrationStatus.WAITLISTED),
    ]
    reg_a.refresh_from_db()
    assert reg_a.cancelled_at is not None


def test_cancelling_a_waitlisted_registration_promotes_nobody(activity, practice, puser):
    session = make_session(activity, capacity=1)
    a, b, c = (make_person(practice) for _ in range(3))
    now = timezone.now()
    signup(puser, session, practice, a, now=now)
    (reg_b,) = signup(puser, session, practice, b, now=now + dt.timedelta(seconds=1)).waitlisted
    signup(puser, session, practice, c, now=now + dt.timedelta(seconds=2))
    assert services.registration_cancel(user=puser, registration=reg_b) is None
    assert session.registrations.filter(status=RegistrationStatus.CONFIRMED).get().person == a
    assert session.registrations.filter(status=RegistrationStatus.WAITLISTED).get().person == c


def test_a_cancelled_place_can_be_signed_up_for_again(activity, practice, puser):
    session = make_session(activity, capacity=1)
    person = make_person(practice)
    (reg,) = signup(puser, session, practice, person).confirmed
    services.registration_cancel(user=puser, registration=reg)
    assert len(signup(puser, session, practice, person).confirmed) == 1


def test_cancelling_after_the_deadline_is_refused_with_a_clear_message(activity, practice, puser):
    session = make_session(activity, capacity=1)
    a, b = make_person(practice), make_person(practice)
    (reg,) = signup(puser, session, practice, a).confirmed
    signup(puser, session, practice, b)
    after_deadline = session.signup_deadline + dt.timedelta(minutes=1)

    with pytest.raises(DomainError) as exc:
        services.registration_cancel(user=puser, registration=reg, now=after_deadline)

    assert "deadline" in str(exc.value) and "can no longer be cancelled" in str(exc.value)
    assert formatting.when(session.signup_deadline) in str(exc.value)  # in running text
    assert exc.value.code == "deadline_passed"
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED
    assert session.registrations.get(person=b).status == RegistrationStatus.WAITLISTED


def test_cancelling_twice_is_refused(activity, practice, puser):
    session = make_session(activity)
    (reg,) = signup(puser, session, practice, make_person(practice)).confirmed
    services.registration_cancel(user=puser, registration=reg)
    with pytest.raises(DomainError, match="already cancelled"):
        services.registration_cancel(user=puser, registration=reg)


def test_another_practice_cannot_cancel_a_registration(activity, practice, puser, leader):
    session = make_session(activity)
    (reg,) = signup(puser, session, practice, make_person(practice)).confirmed
    stranger = practice_user(make_practice(practice.municipality.region))
    with pytest.raises(DomainError, match="cannot cancel"):
        services.registration_cancel(user=stranger, registration=reg)
    assert Registration.objects.get(pk=reg.pk).status == RegistrationStatus.CONFIRMED
    services.registration_cancel(user=leader, registration=reg)  # a project leader of the round may
    assert Registration.objects.get(pk=reg.pk).status == RegistrationStatus.CANCELLED


# --- Sign-up rules -------------------------------------------------------------------------------


def test_signing_up_someone_twice_is_refused(activity, practice, puser):
    session = make_session(activity)
    person = make_person(practice, name="Dorte Dobbelt")
    signup(puser, session, practice, person)
    with pytest.raises(DomainError) as exc:
        signup(puser, session, practice, person)
    assert str(exc.value) == (
        "Dorte Dobbelt is already signed up for this session (confirmed or on the waiting list) and "
        "cannot be signed up again."
    )
    assert (exc.value.code, exc.value.field) == (services.ALREADY_SIGNED_UP, "persons")
    assert session.registrations.count() == 1


def test_a_second_person_in_the_same_request_is_not_half_saved(activity, practice, puser):
    session = make_session(activity)
    signed_up, newcomer = make_person(practice, name="Dorte Dobbelt"), make_person(practice)
    signup(puser, session, practice, signed_up)
    with pytest.raises(DomainError, match="Dorte Dobbelt"):
        signup(puser, session, practice, newcomer, signed_up)
    assert not Registration.objects.filter(person=newcomer).exists()
    assert session.registrations.count() == 1


def test_the_same_person_chosen_twice_in_one_request_is_refused(activity, practice, puser):
    session = make_session(activity)
    person = make_person(practice)
    with pytest.raises(DomainError, match="chosen twice"):
        signup(puser, session, practice, person, person)
    assert not session.registrations.exists()


def test_signing_up_nobody_is_refused(activity, practice, puser):
    with pytest.raises(DomainError, match="at least one person"):
        signup(puser, make_session(activity), practice)


def test_sign_up_for_a_past_session_is_refused(activity, practice, puser):
    session = make_session(activity)
    with pytest.raises(DomainError, match="already taken place"):
        signup(puser, session, practice, make_person(practice), now=at_session(session))
    assert not session.registrations.exists()


def test_sign_up_for_a_cancelled_session_is_refused(activity, practice, puser, leader):
    session = make_session(activity)
    services.session_cancel(user=leader, session=session, reason="Underviseren er syg")
    with pytest.raises(DomainError, match="cancelled"):
        signup(puser, session, practice, make_person(practice))
    assert not session.registrations.exists()


def test_sign_up_after_the_deadline_is_refused(activity, practice, puser):
    session = make_session(activity)
    after_deadline = session.signup_deadline + dt.timedelta(minutes=1)
    with pytest.raises(DomainError) as exc:
        signup(puser, session, practice, make_person(practice), now=after_deadline)
    assert "The sign-up deadline" in str(exc.value) and "has passed" in str(exc.value)
    assert not session.registrations.exists()


def test_a_person_not_in_the_practice_is_refused(activity, practice, puser):
    session = make_session(activity)
    colleague = make_person(practice)
    outsider = make_person(make_practice(practice.municipality.region), name="Fremmed Person")
    with pytest.raises(DomainError, match="Fremmed Person is not a member of the practice"):
        signup(puser, session, practice, colleague, outsider)
    assert not session.registrations.exists()


def test_a_person_who_left_the_practice_is_refused(activity, practice, puser):
    person = make_person(practice, name="Tidligere Ansat")
    person.memberships.update(ended_on=dt.date(2021, 1, 1))
    with pytest.raises(DomainError, match="not a member"):
        signup(puser, make_session(activity), practice, person)


def test_only_the_practice_itself_signs_up_its_people(activity, practice, leader):
    session = make_session(activity)
    stranger = practice_user(make_practice(practice.municipality.region))
    for user in (stranger, leader):
        with pytest.raises(DomainError, match="your own practice"):
            signup(user, session, practice, make_person(practice))
    assert not session.registrations.exists()


def test_a_person_added_on_the_spot_can_be_signed_up(activity, practice, puser):
    person = practice_services.person_add(
        user=puser, practice=practice, name="Ny Kollega", kind=PersonKind.DOCTOR
    )
    result = signup(puser, make_session(activity), practice, person)
    assert [r.person for r in result.confirmed] == [person]


# --- Hours: activities and claims ------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "greater than or equal to 0.25"),
        ("-1", "greater than or equal to 0.25"),
        ("25", "less than or equal to 24"),
        ("1000", "less than or equal to 24"),
    ],
)
def test_absurd_hours_on_an_activity_are_refused(closed_round, leader, hours, message):
    activity = Activity(
        round=closed_round,
        provider=provider("VID"),
        title="Kursus i at organisere praksis",
        kind=ActivityKind.COURSE,
        hours=Decimal(hours),
    )
    with pytest.raises(DomainError, match=message):
        services.activity_save(user=leader, activity=activity)
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ("0", "greater than or equal to 0.25"),
        ("-2", "greater than or equal to 0.25"),
        ("25", "less than or equal to 24"),
        ("1000", "less than or equal to 24"),
    ],
)
def test_absurd_hours_on_a_claim_are_refused(closed_round, practice, puser, hours, message):
    person = make_person(practice)
    with pytest.raises(DomainError, match=message):
        services.claim_submit(
            user=puser,
            practice=practice,
            round_obj=closed_round,
            person=person,
            description="Eksternt kursus",
            occurred_on=dt.date(2026, 3, 1),
            hours=Decimal(hours),
        )
    assert not HourClaim.objects.exists()


def test_the_database_refuses_absurd_hours_too(closed_round):
    """The check constraint holds even for a write that skips validation."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_activity(closed_round, hours="0")


def test_a_sensible_activity_saves(closed_round, leader):
    activity = Activity(
        round=closed_round, provider=provider("VID"), title="Opstartsmøde", kind=ActivityKind.STARTUP,
        hours=Decimal("1.5"), online=True, required=True,
    )  # fmt: skip
    services.activity_save(user=leader, activity=activity)
    assert Activity.objects.get().hours == Decimal("1.50")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def claim(user, practice, round_obj, person, **kw):
    fields = {
        "description": "Temadag om sårbare patienter hos kommunen",
        "occurred_on": dt.date(2026, 3, 1),
        "hours": Decimal("3"),
    }
    fields.update(kw)
    return services.claim_submit(user=user, practice=practice, round_obj=round_obj, person=person, **fields)


def test_evidence_named_pdf_with_text_content_is_refused(closed_round, practice, puser, media):
    fake = SimpleUploadedFile(
        "bevis.pdf", b"Dette er bare tekst, ikke en PDF.", content_type="application/pdf"
    )
    with pytest.raises(DomainError, match="must be a PDF or an image") as exc:
        claim(puser, practice, closed_round, make_person(practice), evidence=fake)
    assert exc.value.field == "evidence"
    assert not HourClaim.objects.exists()
    assert not list(media.rglob("*"))


def test_evidence_larger_than_5_mb_is_refused(closed_round, practice, puser, media):
    big = SimpleUploadedFile(
        "bevis.pdf", b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(DomainError, match="too large"):
        claim(puser, practice, closed_round, make_person(practice), evidence=big)
    assert not HourClaim.objects.exists()


def test_evidence_with_a_wrong_extension_is_refused(closed_round, practice, puser, media):
    upload = SimpleUploadedFile("bevis.exe", b"%PDF-1.4\nrest", content_type="application/pdf")
    with pytest.raises(DomainError, match="extension"):
        claim(puser, practice, closed_round, make_person(practice), evidence=upload)
    assert not HourClaim.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bevis.pdf", b"%PDF-1.7\n..."),
        ("foto.png", b"\x89PNG\r\n\x1a\n..."),
        ("foto.jpg", b"\xff\xd8\xff\xe0..."),
    ],
)
def test_pdf_and_image_evidence_is_accepted(closed_round, practice, puser, media, name, content):
    upload = SimpleUploadedFile(name, content)
    saved = claim(puser, practice, closed_round, make_person(practice), evidence=upload)
    assert saved.status == ClaimStatus.PENDING
    assert saved.evidence.read() == content


def test_a_claim_without_evidence_is_fine(closed_round, practice, puser):
    saved = claim(puser, practice, closed_round, make_person(practice))
    assert saved.pk and not saved.evidence and saved.submitted_by == puser


def test_a_claim_for_another_practice_or_a_stranger_is_refused(closed_round, practice, puser):
    other = make_practice(practice.municipality.region)
    with pytest.raises(DomainError, match="your own practice"):
        claim(puser, other, closed_round, make_person(other))
    with pytest.raises(DomainError, match="not a member"):
        claim(puser, practice, closed_round, make_person(other))
    assert not HourClaim.objects.exists()


# --- Claim decisions ---------------------------------------------------------------------------


@pytest.fixture
def pending_claim(closed_round, practice, puser):
    return claim(puser, practice, closed_round, make_person(practice))


def test_a_leader_approves_a_claim(pending_claim, leader):
    decided = services.claim_decide(user=leader, claim=pending_claim, approve=True)
    assert decided.status == ClaimStatus.APPROVED
    assert decided.decided_by == leader and decided.decided_at is not None


def test_rejecting_needs_a_reason(pending_claim, leader):
    with pytest.raises(DomainError, match="reason") as exc:
        services.claim_decide(user=leader, claim=pending_claim, approve=False, reason="  ")
    assert exc.value.field == "reason"
    assert HourClaim.objects.get().status == ClaimStatus.PENDING
    services.claim_decide(
        user=leader, claim=pending_claim, approve=False, reason="Ikke relevant for projektet"
    )
    rejected = HourClaim.objects.get()
    assert (
        rejected.status == ClaimStatus.REJECTED and rejected.decision_reason == "Ikke relevant for projektet"
    )


@pytest.mark.parametrize("first", [True, False])
def test_deciding_twice_is_refused(pending_claim, leader, first):
    services.claim_decide(user=leader, claim=pending_claim, approve=first, reason="Begrundelse")
    with pytest.raises(DomainError, match="already been decided"):
        services.claim_decide(user=leader, claim=pending_claim, approve=not first, reason="Omvendt")
    assert HourClaim.objects.get().status == (ClaimStatus.APPROVED if first else ClaimStatus.REJECTED)


def test_only_leaders_of_the_round_decide_claims(pending_claim, puser, steering, region):
    other_round_leader = make_user(role=Role.PROJECT_LEADER, round=make_round(region, open_=False))
    org = provider("MidtKraft")
    for user in (puser, steering, other_round_leader, provider_user(org)):
        with pytest.raises(DomainError, match="Only the round's project leaders"):
            services.claim_decide(user=user, claim=pending_claim, approve=True)
    assert HourClaim.objects.get().status == ClaimStatus.PENDING


def test_a_rejection_reason_with_a_cpr_number_is_refused(pending_claim, leader):
    with pytest.raises(DomainError, match="CPR"):
        services.claim_decide(user=leader, claim=pending_claim, approve=False, reason=CPR_TEXT)
    assert HourClaim.objects.get().status == ClaimStatus.PENDING


# --- Attendance --------------------------------------------------------------------------------


@pytest.fixture
def full_session(activity, practice, puser):
    """A session with three confirmed and one waitlisted person of the practice."""
    session = make_session(activity, capacity=3)
    people = [make_person(practice, name=n) for n in ("Anna", "Bo", "Carl", "Dorte")]
    signup(puser, session, practice, *people)
    return session


def regs(session, *names):
    return [session.registrations.get(person__name=n) for n in names]


def test_one_call_marks_attended_and_no_shows_and_adds_walk_ins(full_session, practice, leader):
    anna, bo, carl = regs(full_session, "Anna", "Bo", "Carl")
    walk_in = make_person(practice, name="Eva")
    present = services.attendance_record(
        user=leader,
        session=full_session,
        attended_ids=[anna.pk, carl.pk],
        walk_ins=[services.WalkIn(practice=practice, person=walk_in)],
        now=at_session(full_session),
    )
    assert present == 3
    got = dict(full_session.registrations.values_list("person__name", "attended"))
    assert got == {"Anna": True, "Bo": False, "Carl": True, "Dorte": None, "Eva": True}
    eva = full_session.registrations.get(person=walk_in)
    assert eva.walk_in and eva.status == RegistrationStatus.CONFIRMED and eva.attendance_by == leader


def test_taking_attendance_again_corrects_it(full_session, leader):
    anna, bo, _carl = regs(full_session, "Anna", "Bo", "Carl")
    services.attendance_record(
        user=leader, session=full_session, attended_ids=[anna.pk], now=at_session(full_session)
    )
    services.attendance_record(
        user=leader, session=full_session, attended_ids=[bo.pk], now=at_session(full_session)
    )
    got = dict(full_session.registrations.exclude(attended=None).values_list("person__name", "attended"))
    assert got == {"Anna": False, "Bo": True, "Carl": False}


def test_a_waitlisted_person_who_turns_up_is_added_as_a_walk_in(full_session, practice, leader):
    """The first on the waiting list stands in for a no-show: added on the spot, not refused."""
    (anna,) = regs(full_session, "Anna")
    dorte = Person.objects.get(name="Dorte")
    present = services.attendance_record(
        user=leader,
        session=full_session,
        attended_ids=[anna.pk],
        walk_ins=[services.WalkIn(practice=practice, person=dorte)],
        now=at_session(full_session),
    )
    assert present == 2
    reg = full_session.registrations.get(person=dorte)
    assert (reg.status, reg.attended, reg.walk_in) == (RegistrationStatus.CONFIRMED, True, True)


def test_attendance_refuses_unknown_registrations_and_changes_nothing(
    full_session, activity, practice, puser, leader
):
    anna, dorte = regs(full_session, "Anna", "Dorte")
    elsewhere = make_session(activity)
    (foreign,) = signup(puser, elsewhere, practice, make_person(practice)).confirmed
    for wrong in (dorte.pk, foreign.pk, 999_999):  # waitlisted, another session's, nobody's
        with pytest.raises(DomainError, match="not confirmed for this session"):
            services.attendance_record(
                user=leader, session=full_session, attended_ids=[anna.pk, wrong], now=at_session(full_session)
            )
    assert not full_session.registrations.exclude(attended=None).exists()


def test_a_walk_in_already_confirmed_is_refused_and_nothing_is_saved(full_session, practice, leader):
    anna, bo = regs(full_session, "Anna", "Bo")
    with pytest.raises(DomainError, match="already on the list"):
        services.attendance_record(
            user=leader,
            session=full_session,
            attended_ids=[anna.pk],
            walk_ins=[services.WalkIn(practice=practice, person=bo.person)],
            now=at_session(full_session),
        )
    assert not full_session.registrations.exclude(attended=None).exists()


def test_attendance_before_the_session_starts_is_refused(full_session, leader):
    (anna,) = regs(full_session, "Anna")
    with pytest.raises(DomainError, match="once the session has started"):
        services.attendance_record(
            user=leader,
            session=full_session,
            attended_ids=[anna.pk],
            now=full_session.starts_at - dt.timedelta(minutes=5),
        )
    assert not full_session.registrations.exclude(attended=None).exists()


def test_attendance_for_a_cancelled_session_is_refused(full_session, leader):
    services.session_cancel(user=leader, session=full_session, reason="Aflyst pga. sne")
    with pytest.raises(DomainError, match="cancelled"):
        services.attendance_record(
            user=leader, session=full_session, attended_ids=[], now=at_session(full_session)
        )


def test_the_provider_takes_attendance_and_others_may_not(full_session, activity, puser):
    (anna,) = regs(full_session, "Anna")
    own = provider_user(activity.provider)
    services.attendance_record(
        user=own, session=full_session, attended_ids=[anna.pk], now=at_session(full_session)
    )
    assert Registration.objects.get(pk=anna.pk).attended is True
    for user in (provider_user(provider("VID")), puser):
        with pytest.raises(DomainError, match="cannot take attendance"):
            services.attendance_record(
                user=user, session=full_session, attended_ids=[], now=at_session(full_session)
            )
    assert Registration.objects.get(pk=anna.pk).attended is True


# --- Who edits the catalogue ---------------------------------------------------------------------


def test_a_provider_edits_its_own_activities_only(closed_round):
    midtkraft, vid = provider("MidtKraft"), provider("VID")
    own = make_activity(closed_round, org=midtkraft, title="Deep End-oplæg")
    theirs = make_activity(closed_round, org=vid, title="VID-kursus")
    user = provider_user(midtkraft)

    own.title = "Deep End-oplæg (opdateret)"
    services.activity_save(user=user, activity=own)
    assert Activity.objects.get(pk=own.pk).title == "Deep End-oplæg (opdateret)"

    theirs.title = "Overtaget"
    with pytest.raises(DomainError, match="cannot edit this activity"):
        services.activity_save(user=user, activity=theirs)
    new = Activity(round=closed_round, provider=vid, title="Nyt", kind=ActivityKind.TALK, hours=Decimal("1"))
    with pytest.raises(DomainError, match="cannot edit this activity"):
        services.activity_save(user=user, activity=new)
    assert Activity.objects.get(pk=theirs.pk).title == "VID-kursus"
    assert Activity.objects.count() == 2


def test_a_provider_cannot_take_over_another_providers_activity(closed_round):
    """Setting its own organisation as provider does not make someone else's activity its own."""
    midtkraft, vid = provider("MidtKraft"), provider("VID")
    theirs = make_activity(closed_round, org=vid, title="VID-kursus")
    theirs.provider = midtkraft
    theirs.title = "Overtaget"
    with pytest.raises(DomainError, match="cannot edit this activity"):
        services.activity_save(user=provider_user(midtkraft), activity=theirs)
    stored = Activity.objects.get(pk=theirs.pk)
    assert (stored.provider, stored.title) == (vid, "VID-kursus")


def test_a_leader_edits_any_activity_in_the_round_but_not_other_rounds(closed_round, leader, region):
    mine = make_activity(closed_round, org=provider("VID"))
    mine.title = "Ændret af leder"
    services.activity_save(user=leader, activity=mine)
    assert Activity.objects.get(pk=mine.pk).title == "Ændret af leder"

    other_round = make_round(region, open_=False)
    elsewhere = make_activity(other_round, org=provider("VID"), title="Anden runde")
    elsewhere.title = "Ændret"
    with pytest.raises(DomainError, match="cannot edit"):
        services.activity_save(user=leader, activity=elsewhere)
    elsewhere.round = closed_round  # moving it into the leader's round is no way in either
    with pytest.raises(DomainError, match="cannot edit"):
        services.activity_save(user=leader, activity=elsewhere)
    assert Activity.objects.get(pk=elsewhere.pk).round == other_round


def test_a_provider_edits_sessions_of_its_own_activities_only(closed_round):
    midtkraft, vid = provider("MidtKraft"), provider("VID")
    user = provider_user(midtkraft)
    own = make_session(make_activity(closed_round, org=midtkraft), capacity=10)
    theirs = make_session(make_activity(closed_round, org=vid), capacity=10)
    own.capacity = 12
    services.session_save(user=user, session=own)
    assert Session.objects.get(pk=own.pk).capacity == 12
    theirs.capacity = 1
    with pytest.raises(DomainError, match="cannot edit"):
        services.session_save(user=user, session=theirs)
    theirs.activity = own.activity  # nor by moving it under an own activity
    with pytest.raises(DomainError, match="cannot edit"):
        services.session_save(user=user, session=theirs)
    stored = Session.objects.get(pk=theirs.pk)
    assert (stored.capacity, stored.activity.provider) == (10, vid)


def test_capacity_below_the_confirmed_count_is_refused(activity, practice, puser, leader):
    session = make_session(activity, capacity=3)
    signup(puser, session, practice, make_person(practice), make_person(practice))
    session.capacity = 1
    with pytest.raises(DomainError, match="2 people are confirmed"):
        services.session_save(user=leader, session=session)
    assert Session.objects.get(pk=session.pk).capacity == 3


def test_cancelling_a_session_needs_a_reason_and_happens_once(activity, leader):
    session = make_session(activity)
    with pytest.raises(DomainError, match="Give a reason"):
        services.session_cancel(user=leader, session=session, reason=" ")
    services.session_cancel(user=leader, session=session, reason="For få tilmeldte")
    with pytest.raises(DomainError, match="already cancelled"):
        services.session_cancel(user=leader, session=session, reason="Igen")
    assert Session.objects.get(pk=session.pk).cancel_reason == "For få tilmeldte"


# --- The CPR guard on the new text fields ------------------------------------------------------


def test_cpr_in_an_activity_description_is_refused_and_nothing_saved(closed_round, leader):
    activity = Activity(
        round=closed_round, provider=provider("VID"), title="Webinar", kind=ActivityKind.WEBINAR,
        hours=Decimal("1"), description=CPR_TEXT,
    )  # fmt: skip
    with pytest.raises(DomainError, match="CPR"):
        services.activity_save(user=leader, activity=activity)
    assert not Activity.objects.exists()


def test_cpr_in_a_session_place_is_refused_and_nothing_saved(activity, leader):
    starts = timezone.now() + dt.timedelta(days=10)
    session = Session(
        activity=activity, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), capacity=10,
        signup_deadline=starts - dt.timedelta(days=1), place=f"Mødelokale 2, {CPR_TEXT}",
    )  # fmt: skip
    with pytest.raises(DomainError, match="CPR"):
        services.session_save(user=leader, session=session)
    assert not Session.objects.exists()

    existing = make_session(activity, place="Mødelokale 1")
    existing.place = CPR_TEXT
    with pytest.raises(DomainError, match="CPR"):
        services.session_save(user=leader, session=existing)
    assert Session.objects.get(pk=existing.pk).place == "Mødelokale 1"


def test_cpr_in_a_cancel_reason_is_refused(activity, leader):
    session = make_session(activity)
    with pytest.raises(DomainError, match="CPR"):
        services.session_cancel(user=leader, session=session, reason=CPR_TEXT)
    assert Session.objects.get(pk=session.pk).cancelled_at is None


def test_cpr_in_a_claim_description_is_refused_and_nothing_saved(closed_round, practice, puser):
    with pytest.raises(DomainError, match="CPR"):
        claim(puser, practice, closed_round, make_person(practice), description=CPR_TEXT)
    assert not HourClaim.objects.exists()


def test_cpr_in_a_new_persons_name_is_refused(practice, puser):
    before = Person.objects.count()
    with pytest.raises(DomainError, match="CPR"):
        practice_services.person_add(user=puser, practice=practice, name="0101901234", kind=PersonKind.STAFF)
    assert Person.objects.count() == before
