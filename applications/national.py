"""The national data set's applications (see `ligepraksis/national.py`): 300, 200 and 100 submitted
applications in the three rounds, the steering group's reviews and recommendations, and the leaders'
decisions. The first round selects as many practices as it has places (120), and every one of them
accepts the terms: all participations are in that round. The second round has decided part of its
applications (the selected have not accepted yet); the third is being reviewed.

Through the services with `now=` in the past: start, update and submit (the coordinators are the
practice's existing members, linked by e-mail), `review_save`, `recommendation_record`,
`application_decide` (which gives the coordinators their logins) and `application_accept`. The
application texts come from the demo's `texts` and `coordinator` helpers.
"""

from __future__ import annotations

import datetime as dt

from applications import services as app_services
from applications.demo import REVIEW_COMMENTS, coordinator, texts
from applications.models import Application, ApplicationEvent, ApplicationStatus
from applications.services import CoordinatorData
from ligepraksis.national import NationalContext, login
from ligepraksis.registry import national_builder

# Per round: (share of the steering group reviewing each application, share of applications reviewed,
# recommendations recorded, waitlisted and rejected at scale 1, accept the terms).
PLAN = [
    {"reviewers": 5, "reviewed": 1.0, "recommend": True, "waitlist": 60, "reject": 100, "accept": True},
    {"reviewers": 4, "reviewed": 1.0, "recommend": True, "waitlist": 30, "reject": 50, "accept": False},
    {"reviewers": 3, "reviewed": 0.5, "recommend": False, "waitlist": 0, "reject": 0, "accept": False},
]
SELECTED_IN_SECOND = 20  # of its 24 places, at scale 1


def _coordinator_data(ctx, person, slug: str, title: str) -> CoordinatorData:
    data = coordinator(ctx, person.name, slug, title)
    return CoordinatorData(name=person.name, email=person.email, phone=data.phone, title=title)


def _apply(ctx: NationalContext, round_obj, entries) -> list[Application]:
    opens, deadline = round_obj.applications_open_at, round_obj.application_deadline
    window = (deadline - opens).total_seconds()
    applications = []
    created, dated = [], []
    for index, entry in enumerate(entries):
        practice, user = entry.practice, entry.user
        doctor = next(p for p in entry.doctors if p.email)
        staff = next(p for p in entry.staff if p.email)
        slug = doctor.email.split("@", 1)[1].removesuffix(".example")
        submitted = opens + dt.timedelta(seconds=window * (0.1 + 0.85 * (index + 0.5) / len(entries)))
        started = max(opens, submitted - dt.timedelta(days=ctx.rng.randint(1, 5)))
        application = app_services.application_start(
            user=user, round_obj=round_obj, practice=practice, now=started
        )
        application = app_services.application_update(
            application=application, user=user, now=started,
            doctor=_coordinator_data(ctx, doctor, slug, "Praktiserende læge"),
            staff=_coordinator_data(ctx, staff, slug, staff.title or "Sygeplejerske"),
            **texts(ctx, practice, index),
        )  # fmt: skip
        application = app_services.application_submit(application=application, user=user, now=submitted)
        created.append((application.pk, started))
        dated.append((application.pk, started, submitted))
        applications.append(application)
    # The services stamp history with the real time; date it as if it happened then (as the demo does).
    stamps = {pk: started for pk, started in created}
    rows = list(Application.objects.filter(pk__in=stamps))
    for row in rows:
        row.created_at = stamps[row.pk]
    Application.objects.bulk_update(rows, ["created_at"], batch_size=500)
    when = {(pk, ApplicationStatus.DRAFT): s for pk, s, _ in dated} | {
        (pk, ApplicationStatus.SUBMITTED): sub for pk, _s, sub in dated
    }
    events = list(ApplicationEvent.objects.filter(application_id__in=stamps))
    for event in events:
        event.at = when.get((event.application_id, event.to_status), event.at)
    ApplicationEvent.objects.bulk_update(events, ["at"], batch_size=500)
    return applications


def _review(ctx: NationalContext, round_obj, applications, plan) -> dict[int, float]:
    steering = ctx.users["steering"][round_obj.pk]
    criteria = list(round_obj.criteria.all())
    means: dict[int, float] = {}
    for index, application in enumerate(applications):
        quality = ctx.rng.uniform(1.4, 4.6)
        means[application.pk] = quality
        if ctx.rng.random() >= plan["reviewed"]:
            continue
        reviewers = ctx.rng.sample(steering, plan["reviewers"])
        values = []
        for reviewer in reviewers:
            # Now and then a declared conflict (never the chair's, who records the recommendations).
            if index % 37 == 5 and reviewer == reviewers[-1] and reviewer != steering[0]:
                app_services.review_save(
                    application=application, reviewer=reviewer, scores={}, comment="", conflict=True
                )
                continue
            scores = {}
            for criterion in criteria:
                value = min(5, max(1, round(quality + ctx.rng.gauss(0, 0.7))))
                scores[criterion.pk] = (value, "")
                values.append(value)
            app_services.review_save(
                application=application,
                reviewer=reviewer,
                scores=scores,
                comment=ctx.rng.choice(REVIEW_COMMENTS),
                conflict=False,
            )
        if values:
            means[application.pk] = sum(values) / len(values)
    return means


@national_builder(order=30, name="applications")
def build_applications(ctx: NationalContext) -> None:
    practices = ctx.extra["practices"]
    participations = []
    for n, round_obj in enumerate(ctx.rounds):
        plan = PLAN[n]
        code = round_obj.region.code
        in_region = [p for p in practices if p.region == code]
        entries = ctx.rng.sample(in_region, ctx.count("applications", n))
        entries.sort(key=lambda e: e.practice.pk)
        applications = _apply(ctx, round_obj, entries)
        means = _review(ctx, round_obj, applications, plan)
        ranked = sorted(applications, key=lambda a: (-means[a.pk], a.pk))
        if n == 0:
            selected = round_obj.places
        elif n == 1:
            selected = min(round_obj.places, max(1, round(SELECTED_IN_SECOND * ctx.scale)))
        else:
            selected = 0
        waitlist = round(plan["waitlist"] * ctx.scale) if plan["waitlist"] else 0
        reject = round(plan["reject"] * ctx.scale) if plan["reject"] else 0
        chosen = ranked[:selected]
        waiting = ranked[selected : selected + waitlist]
        rejected = ranked[max(selected + waitlist, len(ranked) - reject) :]

        chair = ctx.users["steering"][round_obj.pk][0]
        if plan["recommend"]:
            for application in ranked:
                outcome, reason = (
                    ("select", "Stærk ansøgning, der bidrager til spredning i regionen.")
                    if application in chosen
                    else ("waitlist", "God ansøgning; på venteliste, hvis en plads bliver ledig.")
                    if application in waiting
                    else ("reject", "Ansøgningen er mindre konkret end de øvrige.")
                )
                app_services.recommendation_record(
                    application=application, user=chair, outcome=outcome, reason=reason
                )
        leader = ctx.users["leaders"][round_obj.pk][0]
        decided_at = round_obj.application_deadline + dt.timedelta(days=10)
        decisions = (
            [(a, ApplicationStatus.SELECTED, "Udvalgt efter følgegruppens indstilling.") for a in chosen]
            + [(a, ApplicationStatus.WAITLISTED, "Sat på venteliste efter indstilling.") for a in waiting]
            + [(a, ApplicationStatus.REJECTED, "Ikke udvalgt i denne runde.") for a in rejected]
        )
        for application, outcome, reason in decisions:
            app_services.application_decide(
                application=application, user=leader, outcome=outcome, reason=reason, now=decided_at
            )
        if plan["accept"]:
            terms = round_obj.current_terms()
            by_practice = {e.practice.pk: e for e in entries}
            for k, application in enumerate(chosen):
                participations.append(
                    app_services.application_accept(
                        application=application,
                        user=by_practice[application.practice_id].user,
                        terms=terms,
                        now=decided_at + dt.timedelta(days=1 + k % 10),
                    )
                )
        ctx.say(
            f"  {round_obj.name}: {len(applications)} applications, {len(chosen)} selected, "
            f"{len(waiting)} waiting, {len(rejected)} rejected"
        )
    by_pk = {p.practice.pk: p for p in practices}
    if participations:  # a practice login with a password, for trying (and measuring) its pages
        first = by_pk[participations[0].practice_id]
        login(ctx, "Practice (participating)", first.user.email, first.user.full_name,
              f"{ctx.main_round.name}: {first.practice.name}")  # fmt: skip
    ctx.extra["participations"] = [
        (participation, by_pk[participation.practice_id]) for participation in participations
    ]
