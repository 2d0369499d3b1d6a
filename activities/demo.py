"""Demo data of activities/: the 2026 round's hour settings, a catalogue of about 15 activities with 40
spring sessions (some full, one cancelled) and a few upcoming ones, sign-ups, attendance and claims.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from activities import services as act
from activities.models import Activity, HourClaim, Registration, RegistrationStatus, Session
from applications import services as app_services
from applications.models import Application, ApplicationStatus
from ligepraksis.demo import PRACTICE_USER_PRACTICE, PROVIDERS, DemoContext
from ligepraksis.models import ProviderOrganisation
from ligepraksis.registry import demo_builder
from practices import services as practice_services
from practices.models import Person, PersonKind
from practices.services import practice_grant

# (key, title, kind, provider, audience, hours, online, description)
ACTIVITIES = [
    ("opstart", "Opstartsmøde", "startup", "MidtKraft", "both", "1.5", True,
     "Obligatorisk opstartsmøde for begge tovholdere: programmet, drejebogen, klinikmodulet og de "
     "første skridt i praksis."),
    ("temadag", "Temapraksisdag", "theme_day", "MidtKraft", "both", "6", False,
     "En hel dag for alle deltagende praksis med oplæg, erfaringsudveksling og workshops. Honoreres "
     "særskilt og tæller ikke med i de 10 timer."),
    ("w_saarbare", "Webinar: Sårbare patienter i almen praksis", "webinar", "VID", "both", "1.5", True,
     "Hvem er de sårbare patienter, og hvordan finder vi dem i vores egen praksis? Med eksempler fra "
     "praksis i Region Midtjylland."),
    ("w_kompetence", "Webinar: Samtalen med patienter med lav sundhedskompetence", "webinar", "VID", "both",
     "1.5", True, "Konkrete værktøjer til at tjekke forståelse og gøre information enkel."),
    ("w_multisyg", "Webinar: Psykisk og somatisk multisygdom", "webinar", "VID", "doctors", "2", True,
     "Forløb for patienter med både psykisk sygdom og kroniske somatiske sygdomme."),
    ("w_tolk", "Webinar: Tolkebistand og patienter med anden etnisk baggrund", "webinar", "VID", "staff",
     "1", True, "Hvornår og hvordan bruger vi tolk, og hvordan forbereder vi konsultationen?"),
    ("w_motiv", "Webinar: Motiverende samtale i en travl hverdag", "webinar", "VID", "both", "2", True,
     "Motiverende samtale i korte konsultationer og telefonkonsultationer."),
    ("de_erfaring", "Deep End-oplæg: Erfaringer fra praksis i udsatte områder", "talk", "Deep End-netværket",
     "both", "2", False, "Praktiserende læger fra Deep End-netværket fortæller om hverdagen i praksis med "
     "mange sårbare patienter."),
    ("de_opsoeg", "Deep End-oplæg: Opsøgende arbejde og udeblivelser", "talk", "Deep End-netværket", "both",
     "2", False, "Hvad virker, når patienter udebliver fra kontroller? Opkald, sms og faste "
     "kontaktpersoner."),
    ("de_netvaerk", "Deep End-netværksmøde for læger", "talk", "Deep End-netværket", "doctors", "3", False,
     "Fagligt netværksmøde med casedrøftelser om de mest komplekse patientforløb."),
    ("k_organisering", "Kursus: Organisering af praksis med fokus på sårbare patienter", "course",
     "MidtKraft", "both", "4", False, "Opgavefordeling, tidsbestilling og forløbskoordinering, så der er "
     "plads til de patienter, der har mest brug for det."),
    ("k_sygeplejerske", "Kursus: Sygeplejerskens rolle i forløb for sårbare patienter", "course",
     "MidtKraft", "staff", "3", False, "Faste sygeplejerskekonsultationer, årskontroller og opfølgning."),
    ("k_pdsa", "Kursus: Små forbedringer med PDSA", "course", "MidtKraft", "both", "3", False,
     "Planlæg, afprøv og følg op på små ændringer i praksis; med egne data."),
    ("k_kommune", "Kursus: Samarbejdet med kommunen om de sårbare patienter", "course", "VID", "both",
     "2.5", False, "Hvem gør hvad i kommunen, og hvordan får vi et godt samarbejde om fælles patienter?"),
    ("podcast", "Podcast: Lige Praksis – stemmer fra almen praksis", "podcast", "MidtKraft", "both", "1",
     True, "Liveoptagelse af podcasten, hvor deltagerne kan stille spørgsmål undervejs."),
]  # fmt: skip

PLACES = {
    "aarhus": "MidtKraft, Olof Palmes Allé 15, 8200 Aarhus N",
    "herning": "Sundhedshuset, Nørregade 12, 7400 Herning",
    "randers": "Kulturhuset, Stemannsgade 2, 8900 Randers C",
    "viborg": "Kursuscentret, Sct. Mogens Gade 5, 8800 Viborg",
    "horsens": "Sundhedscentret, Sundvej 30, 8700 Horsens",
    "silkeborg": "Medborgerhuset, Vestergade 20, 8600 Silkeborg",
    "holstebro": "Sundhedshuset, Nørrebrogade 70, 7500 Holstebro",
}
# Spring 2026: (activity key, month, day, hour, minute, duration in hours, places, place key or "").
SPRING_SESSIONS = [
    ("opstart", 2, 3, 16, 0, 1.5, 40, ""), ("opstart", 2, 10, 16, 0, 1.5, 40, ""),
    ("w_saarbare", 2, 17, 15, 30, 1.5, 80, ""), ("podcast", 2, 19, 16, 0, 1, 50, ""),
    ("w_kompetence", 2, 24, 15, 30, 1.5, 80, ""), ("de_erfaring", 2, 26, 17, 0, 2, 35, "aarhus"),
    ("w_multisyg", 3, 3, 16, 0, 2, 60, ""), ("k_organisering", 3, 5, 9, 0, 4, 12, "aarhus"),
    ("w_tolk", 3, 10, 14, 0, 1, 60, ""), ("de_opsoeg", 3, 12, 17, 0, 2, 30, "aarhus"),
    ("w_saarbare", 3, 17, 15, 30, 1.5, 80, ""), ("k_sygeplejerske", 3, 19, 9, 0, 3, 10, "silkeborg"),
    ("w_motiv", 3, 24, 16, 0, 2, 80, ""), ("de_netvaerk", 3, 26, 17, 0, 3, 20, "viborg"),
    ("podcast", 3, 31, 16, 0, 1, 50, ""), ("w_kompetence", 4, 7, 15, 30, 1.5, 80, ""),
    ("k_pdsa", 4, 9, 9, 0, 3, 16, "aarhus"), ("k_kommune", 4, 14, 9, 0, 2.5, 20, "randers"),
    ("de_erfaring", 4, 16, 17, 0, 2, 35, "herning"), ("w_saarbare", 4, 21, 15, 30, 1.5, 80, ""),
    ("k_organisering", 4, 23, 9, 0, 4, 16, "horsens"), ("podcast", 4, 28, 16, 0, 1, 50, ""),
    ("de_netvaerk", 4, 30, 17, 0, 3, 20, "aarhus"), ("w_multisyg", 5, 5, 16, 0, 2, 60, ""),
    ("de_opsoeg", 5, 7, 17, 0, 2, 30, "viborg"), ("k_sygeplejerske", 5, 12, 9, 0, 3, 10, "randers"),
    ("k_pdsa", 5, 14, 9, 0, 3, 16, "viborg"), ("w_kompetence", 5, 19, 15, 30, 1.5, 80, ""),
    ("temadag", 5, 21, 9, 0, 6, 80, "aarhus"), ("w_tolk", 5, 26, 14, 0, 1, 60, ""),
    ("de_netvaerk", 5, 28, 17, 0, 3, 20, "herning"), ("w_saarbare", 6, 2, 15, 30, 1.5, 80, ""),
    ("k_organisering", 6, 4, 9, 0, 4, 16, "herning"), ("w_motiv", 6, 9, 16, 0, 2, 80, ""),
    ("de_erfaring", 6, 11, 17, 0, 2, 35, "randers"), ("k_pdsa", 6, 16, 9, 0, 3, 16, "holstebro"),
    ("k_kommune", 6, 18, 9, 0, 2.5, 20, "aarhus"), ("podcast", 6, 23, 16, 0, 1, 50, ""),
    ("de_netvaerk", 6, 25, 17, 0, 3, 20, "randers"), ("w_saarbare", 6, 30, 15, 30, 1.5, 80, ""),
]  # fmt: skip
CANCELLED_SESSION = ("k_kommune", 4, 14)
CANCEL_REASON = "Aflyst på grund af for få tilmeldte. Kurset udbydes igen i juni."
# Upcoming sessions (days from today, hour, duration, places, place): open for the demo visitor.
# The course is full already, so its waiting list shows.
UPCOMING_SESSIONS = [
    ("w_saarbare", 9, 15, 1.5, 80, ""), ("k_organisering", 16, 9, 4, 12, "aarhus"),
    ("de_erfaring", 21, 17, 2, 35, "viborg"), ("w_motiv", 44, 16, 2, 80, ""),
    ("podcast", 58, 16, 1, 50, ""), ("k_pdsa", 72, 9, 3, 16, "horsens"),
]  # fmt: skip

# Each accepted practice's spring (by its place in the name order of the seven):
# (activity key, month, day, who attended: "d" doctor coordinator, "s" staff coordinator, "ds" both,
#  who was signed up but did not come).
HOURS_PLAN = [
    # Done: 11 h.
    [("k_organisering", 3, 5, "ds", ""), ("w_saarbare", 2, 17, "ds", "")],
    # Done: exactly 10 h.
    [("de_netvaerk", 3, 26, "d", ""), ("k_sygeplejerske", 3, 19, "s", ""), ("w_motiv", 3, 24, "ds", "")],
    # On track: 7 h.
    [("k_pdsa", 4, 9, "ds", ""), ("podcast", 3, 31, "s", "")],
    # On track: 5 h attended + an approved claim of 1.5 h.
    [("w_kompetence", 2, 24, "ds", ""), ("de_erfaring", 4, 16, "d", "s")],
    # 7 h attended and a claim of 3 h waiting for approval.
    [("w_multisyg", 3, 3, "d", ""), ("w_tolk", 3, 10, "s", ""), ("de_opsoeg", 3, 12, "ds", "")],
    # Behind: 1.5 h, and the staff coordinator missed the start-up meeting.
    [("w_saarbare", 3, 17, "d", ""), ("k_organisering", 3, 5, "", "s")],
    # Behind: 2.5 h.
    [("k_kommune", 6, 18, "s", "d")],
]
EXTRA_STAFF_TITLES = ["Sygeplejerske", "Lægesekretær", "Bioanalytiker"]


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def build_activity_demo(round_obj, *, leader, name_for, now=None) -> None:
    """The 2026 round's hour settings, a catalogue of about 15 activities and 40 spring sessions (one
    cancelled, some full) plus a few upcoming ones, and the selected practices in every state: seven
    accept the terms and have hours (done, on track, behind, a claim waiting for approval); the
    practice of praksis@demo.dk stays selected and can accept the terms itself.

    Writes go through the activities services (with `now=` for the past); they queue no e-mail here.
    """
    now = now or timezone.now()
    round_obj.hour_window_start = dt.date(2026, 1, 15)
    round_obj.hour_window_end = dt.date(2026, 12, 31)
    round_obj.nudge_weeks_before = 4
    round_obj.full_clean()
    round_obj.save()

    providers = {name: ProviderOrganisation.objects.get_or_create(name=name)[0] for name in PROVIDERS}
    activities = {}
    for key, title, kind, provider, audience, hours, online, description in ACTIVITIES:
        activity = Activity(
            round=round_obj, title=title, kind=kind, provider=providers[provider], audience=audience,
            hours=Decimal(hours), online=online, description=description,
            required=kind == "startup",
        )  # fmt: skip
        activities[key] = act.activity_save(user=leader, activity=activity)

    def session(key, starts_at, duration, capacity, place):
        activity = activities[key]
        before = dt.timedelta(days=2 if activity.online else 7)
        return act.session_save(
            user=leader,
            session=Session(
                activity=activity,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=duration),
                place=PLACES[place] if place else "",
                online_link="https://midtkraft.example/moede/lige-praksis" if activity.online else "",
                capacity=capacity,
                signup_deadline=starts_at - before,
            ),
        )

    spring = {}
    for key, month, day, hour, minute, duration, capacity, place in SPRING_SESSIONS:
        spring[(key, month, day)] = session(
            key, _local(2026, month, day, hour, minute), duration, capacity, place
        )
    today = timezone.localdate(now)
    upcoming = []
    for key, days, hour, duration, capacity, place in UPCOMING_SESSIONS:
        day = today + dt.timedelta(days=days)
        while day.weekday() > 3:  # Monday to Thursday
            day += dt.timedelta(days=1)
        upcoming.append(session(key, _local(day.year, day.month, day.day, hour), duration, capacity, place))

    # Seven of the eight selected practices accept the terms (not the demo practice user's own).
    terms = round_obj.current_terms()
    selected = (
        Application.objects.filter(round=round_obj, status=ApplicationStatus.SELECTED)
        .exclude(practice__name=PRACTICE_USER_PRACTICE)
        .select_related("practice", "created_by", "doctor_coordinator", "staff_coordinator")
        .order_by("practice__name")
    )
    practices = []
    for application in selected:
        app_services.application_accept(
            application=application, user=application.created_by, terms=terms, now=now
        )
        user = application.created_by  # the doctor coordinator's login holds the practice
        practice_grant(user=user, practice=application.practice)
        extras = [
            practice_services.person_add(
                user=user, practice=application.practice, name=name_for(),
                kind=PersonKind.DOCTOR if n == 0 else PersonKind.STAFF,
                title="Praktiserende læge" if n == 0 else EXTRA_STAFF_TITLES[n % len(EXTRA_STAFF_TITLES)],
            )
            for n in range(3)
        ]  # fmt: skip
        practices.append((application, user, extras))

    def sign_up(sess, application, user, persons):
        persons = [p for p in persons if not sess.registrations.filter(person=p).exists()]
        if persons:
            act.registration_signup(
                user=user, session=sess, practice=application.practice, persons=persons,
                now=min(sess.signup_deadline - dt.timedelta(days=3), now),
            )  # fmt: skip

    if True:  # mail is suppressed by the demo_data command (ligepraksis.mail.suppressed)
        present: dict[int, set[int]] = {}  # session id -> persons who attended

        # Everyone's start-up meeting: the first four on 3 February, the others on 10 February.
        for index, (application, user, _extras) in enumerate(practices):
            sess = spring[("opstart", 2, 3 if index < 4 else 10)]
            doctor, staff = application.doctor_coordinator, application.staff_coordinator
            sign_up(sess, application, user, [doctor, staff])
            came = {doctor.pk} if index == 5 else {doctor.pk, staff.pk}
            present.setdefault(sess.pk, set()).update(came)

        for (application, user, _extras), plan in zip(practices, HOURS_PLAN, strict=True):
            who = {"d": application.doctor_coordinator, "s": application.staff_coordinator}
            for key, month, day, attended, absent in plan:
                sess = spring[(key, month, day)]
                sign_up(sess, application, user, [who[c] for c in attended + absent])
                present.setdefault(sess.pk, set()).update(who[c].pk for c in attended)

        # Colleagues fill some sessions (their hours do not count: only the coordinators' do), so
        # that two spring courses and the upcoming course are full, with a waiting list.
        colleagues = [(application, user, p) for application, user, extras in practices for p in extras]
        fill = {
            spring[("k_organisering", 3, 5)]: 14,
            spring[("k_sygeplejerske", 3, 19)]: 11,
            spring[("w_saarbare", 2, 17)]: 20,
            spring[("de_erfaring", 2, 26)]: 9,
            spring[("temadag", 5, 21)]: 21,
            upcoming[1]: 13,
            upcoming[0]: 6,
            upcoming[2]: 4,
        }
        for n, (sess, wanted) in enumerate(fill.items()):
            audience = sess.activity.audience
            fitting = [
                c for c in colleagues
                if audience == "both" or (c[2].kind == PersonKind.DOCTOR) == (audience == "doctors")
            ]  # fmt: skip
            for k in range(len(fitting)):
                if sess.registrations.count() >= wanted:
                    break
                application, user, person = fitting[(n * 5 + k) % len(fitting)]
                held = sess.registrations.filter(practice=application.practice).exclude(
                    status=RegistrationStatus.CANCELLED
                )
                if held.count() >= sess.activity.round.signups_per_practice_per_session:
                    continue  # the practice has its share of the session (the round's limit)
                sign_up(sess, application, user, [person])
                if sess.starts_at < now and (n + k) % 5:  # most came
                    present.setdefault(sess.pk, set()).add(person.pk)

        # A cancelled session (with two sign-ups that were told).
        key, month, day = CANCELLED_SESSION
        cancelled = spring[(key, month, day)]
        application, user, extras = practices[2]
        sign_up(cancelled, application, user, extras[1:])
        spring[CANCELLED_SESSION] = act.session_cancel(
            user=leader,
            session=cancelled,
            reason=CANCEL_REASON,
            now=cancelled.signup_deadline - dt.timedelta(days=1),
        )

        # Attendance for every session held.
        for sess in spring.values():
            if sess.is_cancelled or sess.starts_at >= now:
                continue
            came = present.get(sess.pk, set())
            confirmed = sess.registrations.filter(status=RegistrationStatus.CONFIRMED)
            if confirmed.exists():
                act.attendance_record(
                    user=leader, session=sess, now=sess.ends_at,
                    attended_ids=[r.pk for r in confirmed if r.person_id in came],
                )  # fmt: skip

        # A MidtKraft course that started yesterday, attendance not yet taken: the next step on the
        # demo provider's and the leaders' start pages and on "my activities".
        yesterday = today - dt.timedelta(days=1)
        held_yesterday = session(
            "k_pdsa", _local(yesterday.year, yesterday.month, yesterday.day, 9), 3, 16, "horsens"
        )
        for application, user, extras in practices[:2]:
            sign_up(held_yesterday, application, user, extras[:1])

        # Claims: one approved, one waiting for approval, one rejected.
        def claim(index, person, hours, description, occurred_on, decide=None):
            application, user, _extras = practices[index]
            person = Person.objects.get(pk=person.pk)
            c = act.claim_submit(
                user=user, practice=application.practice, round_obj=round_obj, person=person,
                description=description, occurred_on=occurred_on, hours=Decimal(hours),
            )  # fmt: skip
            submitted = _local(occurred_on.year, occurred_on.month, occurred_on.day, 12) + dt.timedelta(
                days=3
            )
            HourClaim.objects.filter(pk=c.pk).update(submitted_at=min(submitted, now))
            if decide is not None:
                approve, reason = decide
                act.claim_decide(
                    user=leader, claim=c, approve=approve, reason=reason, now=min(submitted, now)
                )

        app3, app4, app6 = practices[3][0], practices[4][0], practices[6][0]
        claim(3, app3.staff_coordinator, "1.5", "Kommunens temaeftermiddag om socialt udsatte borgere.",
              dt.date(2026, 4, 22), decide=(True, ""))  # fmt: skip
        claim(4, app4.staff_coordinator, "3", "Eksternt kursus i motiverende samtale hos Aarhus Kommune.",
              dt.date(2026, 5, 20))  # fmt: skip
        rejection = (
            "Lægedagene er ikke rettet mod sårbare patienter; vælg et af programmets aktiviteter i stedet."
        )
        claim(6, app6.doctor_coordinator, "4", "Lægedage i København (alle sessioner).",
              dt.date(2026, 11, 12), decide=(False, rejection))  # fmt: skip

    # No reminders to invented addresses: the upcoming sign-ups count as reminded.
    Registration.objects.filter(session__in=upcoming).update(reminded_at=now)


@demo_builder(order=40, name="activities")
def build_activities(ctx: DemoContext) -> None:
    if ctx.round_a.activities.exists():
        return
    build_activity_demo(ctx.round_a, leader=ctx.users["leaders"][0], name_for=ctx.person_name, now=ctx.now)
