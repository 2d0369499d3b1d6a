"""The national data set (`manage.py national_data`) at a small scale, so that it cannot rot: its
counts follow the scale, and it keeps the rules (no session over its capacity, every participation in
one round, every claim from a participating practice, no mail in the outbox). The full-size run is
timed by hand and its figure is in the README."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q

from activities.models import Activity, HourClaim, Registration, RegistrationStatus, Session
from applications.models import Application, ApplicationStatus, Participation, Recommendation, Review
from ligepraksis.models import OutboxMessage, ProgrammeRound, Region
from ligepraksis.national import FULL, ROUNDS
from practices.models import Person, Practice, PracticeGrant

SCALE = 0.015


def scaled(name, index=None):
    base = FULL[name] if index is None else FULL[name][index]
    return max(1, round(base * SCALE))


@pytest.mark.django_db
def test_national_data_at_a_small_scale_keeps_the_rules(capsys):
    call_command("national_data", "--scale", str(SCALE), "--seed", "7")
    out = capsys.readouterr().out
    assert "National data created" in out
    assert "leder1.hovedstaden@landsdata.example" in out  # the logins are printed

    # Counts in proportion to the full set.
    assert Region.objects.count() == 5
    assert Practice.objects.count() == scaled("practices")
    assert Person.objects.count() == scaled("people")
    rounds = [ProgrammeRound.objects.get(region__code=code, name=name) for code, name, _p, _d in ROUNDS]
    for n, round_obj in enumerate(rounds):
        submitted = round_obj.applications.exclude(status=ApplicationStatus.DRAFT)
        assert submitted.count() == scaled("applications", n)
    assert Activity.objects.count() == scaled("activities")
    assert Session.objects.count() == scaled("sessions")
    assert Registration.objects.count() == scaled("signups")
    assert HourClaim.objects.count() == scaled("claims")

    # Every participation is in the first round, as many as it has places.
    main = rounds[0]
    assert Participation.objects.count() == scaled("participations") == main.places
    assert set(Participation.objects.values_list("round_id", flat=True)) == {main.pk}
    assert not Application.objects.filter(round__in=rounds[1:], status=ApplicationStatus.ACCEPTED).exists()

    # Reviews with scores and the steering group's recommendations; the third round is being reviewed.
    assert Review.objects.filter(application__round=main, scores__isnull=False).exists()
    assert Recommendation.objects.filter(application__round=main).count() == scaled("applications", 0)
    assert not Recommendation.objects.filter(application__round=rounds[2]).exists()

    # No session holds more confirmed sign-ups than it has places.
    over = Session.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED))
    ).filter(confirmed__gt=F("capacity"))
    assert not over.exists()
    # Attendance is taken (only for the confirmed), and the start-up meeting holds both coordinators.
    assert Registration.objects.filter(attended=True).exists()
    assert not Registration.objects.filter(attended__isnull=False).exclude(status="confirmed").exists()
    startup = Registration.objects.filter(session__activity__required=True)
    assert startup.count() == 2 * main.places
    # Every practice that signs people up has a login acting for it.
    signed = set(Registration.objects.values_list("practice_id", flat=True))
    assert signed <= set(PracticeGrant.objects.values_list("practice_id", flat=True))

    # Every claim is a participating practice's, in the round it takes part in.
    participating = set(Participation.objects.values_list("round_id", "practice_id"))
    assert set(HourClaim.objects.values_list("round_id", "practice_id")) <= participating
    assert HourClaim.objects.filter(status="pending").exists()
    assert HourClaim.objects.filter(status="approved").exists()

    # Money (finance/): rates, each round's budget lines with expenses, entries of the main round.
    from finance.models import BudgetLine, EarningEntry, Expense, Rate

    assert Rate.objects.filter(year=main.year).count() == len({r.region_id for r in rounds})
    assert BudgetLine.objects.filter(round__in=rounds).values("round").distinct().count() == len(rounds)
    assert Expense.objects.exists()
    entries = EarningEntry.objects.all()
    assert set(entries.values_list("participation__round_id", flat=True)) == {main.pk}
    assert {"approved", "pending"} <= set(entries.values_list("status", flat=True))
    # instalments of every round; the main round's 1st approved, every other one paid in batches
    from finance.models import Instalment, ParticipationInstalment

    assert Instalment.objects.filter(round__in=rounds).values("round").distinct().count() == len(rounds)
    assert {"approved", "paid"} <= set(ParticipationInstalment.objects.values_list("status", flat=True))

    assert OutboxMessage.objects.count() == 0  # mail stayed out


def _fingerprint():
    return (
        list(Practice.objects.order_by("pk").values_list("name", "cvr", "postcode")),
        list(Person.objects.order_by("pk").values_list("name", "email", "kind")),
        list(
            Registration.objects.order_by("pk").values_list(
                "session__activity__title", "person__name", "status", "attended"
            )
        ),
        list(HourClaim.objects.order_by("pk").values_list("person__name", "hours", "status", "occurred_on")),
    )


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_data_and_a_second_run_is_refused():
    prints = []
    for _run in range(2):
        with transaction.atomic():
            call_command("national_data", "--scale", "0.005", "--seed", "11", "--quiet")
            prints.append(_fingerprint())
            if _run == 1:
                with pytest.raises(CommandError):
                    call_command("national_data", "--scale", "0.005", "--quiet")
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0][0]  # it made something
