"""Demo data of applications/: the 2026 round's 40 submitted applications with reviews,
recommendations and decisions (8 of 12 places taken, so the leaders can try the selection workspace).
"""

from __future__ import annotations

import datetime as dt

from applications import services as app_services
from applications.models import Application, ApplicationStatus
from applications.services import CoordinatorData
from ligepraksis.demo import PRACTICE_USER_PRACTICE, DemoContext, ascii_fold, danish_number
from ligepraksis.registry import demo_builder
from ligepraksis.services import user_get_or_create
from practices.models import PracticeType
from practices.services import practice_grant

S, P, C, R = PracticeType.SOLO, PracticeType.PARTNERSHIP, PracticeType.COOPERATING, PracticeType.REGION_CLINIC

STAFF_TITLES = ["Sygeplejerske", "Lægesekretær", "Praksismanager", "Bioanalytiker", "Sygeplejerske"]

FORM_DA = {
    S: "solopraksis",
    P: "kompagniskabspraksis",
    C: "samarbejdspraksis",
    R: "regionsklinik",
}
GROUPS = [
    "patienter med psykisk sygdom og samtidig somatisk sygdom",
    "socialt udsatte borgere med flere kroniske sygdomme",
    "borgere med anden etnisk baggrund end dansk og begrænsede danskkundskaber",
    "ældre med multisygdom, der bor alene",
    "unge med angst, depression og løs tilknytning til uddannelse og arbejde",
    "patienter med alkohol- eller stofmisbrug",
    "familier med lav indkomst og mange sygdomsbekymringer",
    "patienter med lav sundhedskompetence, som ofte udebliver fra kontroller",
]
DESCRIPTIONS = [
    "{name} er en {form} i {city} med {doctors} og {staff} ansatte i praksispersonalet. Vi har {patients} "
    "tilmeldte patienter og arbejder tæt sammen med kommunens sundhedspleje og hjemmepleje.",
    "Vi er en {form} med {doctors}. Personalet består af {staff} medarbejdere: sygeplejersker, sekretærer "
    "og en bioanalytiker. Praksis ligger centralt i {city} med gode busforbindelser.",
    "{name} har {doctors} og {staff} i personalegruppen. Vi har tradition for at uddanne yngre læger og "
    "holder faste personalemøder hver fjortende dag, hvor vi også drøfter kvalitetsarbejde.",
    "Vi er en mindre {form} i {city} med {doctors}. Vi kender vores patienter godt, og mange har været "
    "tilknyttet praksis i mange år. Praksispersonalet tæller {staff} medarbejdere.",
]
PATIENT_BASES = [
    "Vi har {patients} tilmeldte patienter. En stor gruppe er {group}, og vi oplever, at netop de har "
    "svært ved at få den rette hjælp i tide.",
    "Patientgrundlaget er blandet, men vi ser en stigende andel {group}. Mange af dem har også "
    "{group2}, og konsultationerne bliver lange og komplekse.",
    "Omkring hver femte af vores {patients} patienter er efter vores vurdering sårbar. Især {group} "
    "fylder meget i hverdagen.",
    "Vores område har et lavere uddannelses- og indkomstniveau end regionen som helhed. Vi har mange "
    "{group} og en del {group2}.",
]
MOTIVATIONS = [
    "Vi ønsker at blive bedre til at opspore og fastholde {group}. Hele praksis bakker op, og vi har "
    "afsat tid på personalemøderne til arbejdet med klinikmodulet.",
    "Vi har længe talt om, at vores tilbud ikke rammer de mest sårbare patienter. Lige Praksis giver os "
    "struktur og inspiration til at prøve noget nyt, for eksempel længere konsultationer og opsøgende "
    "opkald til {group}.",
    "Vi vil gerne lære af Deep End-praksis og afprøve en fast sygeplejerskefunktion for {group}. Begge "
    "tovholdere har tid til opgaven, og vi deler gerne vores erfaringer med andre praksis.",
    "Vores mål er at mindske udeblivelser og styrke samarbejdet med kommunen om {group}. Vi vil arbejde "
    "med små afprøvninger (PDSA) og følge op på dem løbende.",
]
REVIEW_COMMENTS = [
    "",
    "Tydelig motivation og god forankring i hele praksis.",
    "Relevant patientgruppe, men planen kunne være mere konkret.",
    "Stærk ansøgning fra et område med mange sårbare patienter.",
    "Lidt uklart, hvordan personalet inddrages.",
    "",
]


def texts(ctx, practice, index: int) -> dict[str, str]:
    group, group2 = ctx.name_rng.sample(GROUPS, 2)
    doctors = practice.doctor_capacities
    values = {
        "name": practice.name,
        "form": FORM_DA[practice.form],
        "city": practice.city,
        "doctors": "én læge" if doctors == 1 else f"{danish_number(doctors)} lægekapaciteter",
        "staff": practice.staff_count,
        "patients": danish_number(practice.listed_patients),
        "group": group,
        "group2": group2,
    }
    return {
        "practice_description": DESCRIPTIONS[index % len(DESCRIPTIONS)].format(**values),
        "patient_base": PATIENT_BASES[(index // 2) % len(PATIENT_BASES)].format(**values),
        "motivation": MOTIVATIONS[(index * 3 + 1) % len(MOTIVATIONS)].format(**values),
    }


def coordinator(ctx, name: str, practice_slug: str, title: str) -> CoordinatorData:
    phone = "{} {:02d} {:02d} {:02d}".format(
        ctx.name_rng.choice(["86", "87", "89", "97"]),
        ctx.name_rng.randrange(100),
        ctx.name_rng.randrange(100),
        ctx.name_rng.randrange(100),
    )
    return CoordinatorData(
        name=name, email=f"{ascii_fold(name)}@{practice_slug}.example", phone=phone, title=title
    )


def make_applications(ctx, round_obj, practice_user) -> list[Application]:
    opens, deadline = round_obj.applications_open_at, round_obj.application_deadline
    window = (deadline - opens).total_seconds()
    applications = []
    for index, (_spec, practice) in enumerate(ctx.extra["practices"]):
        slug = ascii_fold(practice.name).replace(".", "-")
        if practice.name == PRACTICE_USER_PRACTICE:
            practice_grant(user=practice_user, practice=practice)
            doctor = CoordinatorData(
                name=practice_user.full_name, email=practice_user.email, phone="86 15 42 10",
                title="Praktiserende læge",
            )  # fmt: skip
            creator = practice_user
        else:
            doctor = coordinator(ctx, ctx.person_name(), slug, "Praktiserende læge")
            creator = user_get_or_create(email=doctor.email, full_name=doctor.name)
            practice_grant(user=creator, practice=practice)  # the applicant acts for the practice
        staff = coordinator(ctx, ctx.person_name(), slug, ctx.name_rng.choice(STAFF_TITLES))

        # Spread the submissions over the application window, all before the deadline.
        submitted = opens + dt.timedelta(
            seconds=window * (0.1 + 0.85 * (index + 0.5) / len(ctx.extra["practices"]))
        )
        started = submitted - dt.timedelta(days=ctx.name_rng.randint(1, 5), hours=ctx.name_rng.randint(0, 6))
        application = app_services.application_start(
            user=creator, round_obj=round_obj, practice=practice, now=started
        )
        application = app_services.application_update(
            application=application, user=creator, doctor=doctor, staff=staff, now=started,
            **texts(ctx, practice, index),
        )  # fmt: skip
        application = app_services.application_submit(application=application, user=creator, now=submitted)
        # The services stamp history with the real time; date it as if it happened then.
        Application.objects.filter(pk=application.pk).update(created_at=started)
        application.events.filter(to_status=ApplicationStatus.DRAFT).update(at=started)
        application.events.filter(to_status=ApplicationStatus.SUBMITTED).update(at=submitted)
        applications.append(application)
    return applications


# --- Review, recommendation, decision --------------------------------------------------------


def review_and_decide(ctx, round_obj, applications, users) -> None:
    leader, leader2 = users["leaders"]
    steering = users["steering"]
    criteria = list(round_obj.criteria.all())
    reviewers = [*steering, leader]
    conflict_app = applications[7]  # folgegruppe3 declares a conflict here
    means: dict[int, float] = {}
    for index, application in enumerate(applications):
        quality = ctx.rng.uniform(1.6, 4.4)
        if application.practice.name == PRACTICE_USER_PRACTICE:
            quality = 4.6
        values = []
        for reviewer_no, reviewer in enumerate(reviewers):
            # Most applications get all four reviews; a few are still missing one or two.
            if index % 9 == 4 and reviewer_no >= 2:
                continue
            if reviewer == steering[2] and application == conflict_app:
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
        means[application.pk] = sum(values) / len(values)

    ranked = sorted(applications, key=lambda a: (-means[a.pk], a.pk))
    # The demo practice user's practice must be selected, whatever the dice said.
    own = next(a for a in ranked if a.practice.name == PRACTICE_USER_PRACTICE)
    if ranked.index(own) >= 8:
        ranked.remove(own)
        ranked.insert(0, own)
    # The steering group's recommendations: top 10 select, next 5 waiting list, bottom 5 reject.
    recommended = (
        [(a, "select", "Stærk ansøgning, der bidrager til spredning i regionen.") for a in ranked[:10]]
        + [
            (a, "waitlist", "God ansøgning; på venteliste, hvis en plads bliver ledig.")
            for a in ranked[10:15]
        ]
        + [(a, "reject", "Ansøgningen er mindre konkret end de øvrige.") for a in ranked[-5:]]
    )
    for application, outcome, reason in recommended:
        app_services.recommendation_record(
            application=application, user=steering[0], outcome=outcome, reason=reason
        )

    # The leaders' decisions: 8 of 12 places, so 4 are still free to try the workspace with.
    decisions = (
        [(a, ApplicationStatus.SELECTED, "Udvalgt efter følgegruppens indstilling.") for a in ranked[:8]]
        + [(a, ApplicationStatus.WAITLISTED, "Sat på venteliste efter indstilling.") for a in ranked[10:15]]
        + [(a, ApplicationStatus.REJECTED, "Ikke udvalgt i denne runde.") for a in ranked[-5:]]
    )
    for application, outcome, reason in decisions:
        app_services.application_decide(application=application, user=leader, outcome=outcome, reason=reason)


@demo_builder(order=30, name="applications")
def build_applications(ctx: DemoContext) -> None:
    if ctx.round_a.applications.exists():
        return
    applications = make_applications(ctx, ctx.round_a, ctx.users["praksis"])
    review_and_decide(ctx, ctx.round_a, applications, ctx.users)
