"""Load demo data: Region Midtjylland, two programme rounds, ~40 invented practices and demo logins.

    python manage.py demo_data [--quiet]

Idempotent: when the demo round already exists nothing is changed and the logins are printed again.

Round "Lige Praksis i Midt 2026" has its deadline in the past (review and selection are open) and
holds 40 submitted applications with reviews, recommendations and some decisions (8 of 12 places
taken, so the leaders can try the selection workspace). Round "Lige Praksis i Midt 2027" is open
for applications.

The 2026 round also has its activity catalogue (build_activity_demo): about 15 activities with 40
sessions in the spring of 2026 (some full, one cancelled) and a few upcoming ones to sign up for.
Seven of the eight selected practices have accepted the terms and have hours in every state (done,
on track, behind, a claim waiting for approval); the practice of praksis@demo.dk is selected and
can accept the terms itself. Demo data from before the activities gets the catalogue on the next run.

Every practice, person and identifier is invented. CVR numbers pass the modulus-11 check, provider
numbers are six digits. Writes go through the services, so the demo data obeys the same rules as
the portal. The demo sends no e-mail: the history entries it creates are marked as notified before
the transaction commits (the addresses are invented).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from applications import services as app_services
from applications.models import Application, ApplicationEvent, PracticeForm, Status
from applications.services import CoordinatorData
from ligepraksis.models import (
    Area,
    Municipality,
    ProgrammeRound,
    ProviderOrganisation,
    Region,
    ReviewCriterion,
    Role,
    SizeBand,
    TermsVersion,
)
from ligepraksis.services import role_grant, user_get_or_create
from ligepraksis.validators import CVR_WEIGHTS, cvr_is_valid

PASSWORD = "demo1234"

REGION_NAME = "Region Midtjylland"
REGION_CODE = "midt"
MUNICIPALITIES = [
    "Favrskov", "Hedensted", "Herning", "Holstebro", "Horsens", "Ikast-Brande", "Lemvig", "Norddjurs",
    "Odder", "Randers", "Ringkøbing-Skjern", "Samsø", "Silkeborg", "Skanderborg", "Skive", "Struer",
    "Syddjurs", "Viborg", "Aarhus",
]  # fmt: skip
AREAS = {
    "Vest": ["Herning", "Holstebro", "Ikast-Brande", "Lemvig", "Ringkøbing-Skjern", "Struer"],
    "Midt": ["Silkeborg", "Skive", "Viborg"],
    "Randers": ["Favrskov", "Norddjurs", "Randers", "Syddjurs"],
    "Horsens": ["Hedensted", "Horsens", "Odder", "Skanderborg"],
    "Aarhus": ["Aarhus", "Samsø"],
}
SIZE_BANDS = [
    ("Lille (1-2 læger)", Decimal("0"), Decimal("2.5")),
    ("Mellem (2,5-4 læger)", Decimal("2.5"), Decimal("4.5")),
    ("Stor (5+ læger)", Decimal("4.5"), None),
]
CRITERIA = [
    ("Motivation og forankring", "Er motivationen tydelig, og er indsatsen forankret i hele praksis?"),
    (
        "Sårbare patienter i patientgrundlaget",
        "Hvor stor en del af patientgrundlaget er sårbare patienter med komplekse behov?",
    ),
    ("Realistisk plan for egen indsats", "Er planen for egen indsats realistisk med praksis' ressourcer?"),
]
TERMS_TEXT = (
    "Ved at acceptere vilkårene forpligter praksis sig til at deltage i Lige Praksis i Midt.\n\n"
    "Begge tovholdere deltager i opstartsmødet (1,5 time online). Praksis gennemfører i alt 10 timers "
    "inspirationsaktiviteter fordelt mellem læger og praksispersonale, arbejder med klinikmodulet og "
    "holder opfølgningsmødet i praksis.\n\n"
    "Praksis gennemfører sin egen indsats med støtte fra drejebogen og MidtKraft, rapporterer status "
    "undervejs og bidrager til evaluering og videndeling.\n\n"
    "Honorering sker pr. time efter den gældende konsulenttakst. Udbetalingen stopper, hvis praksis "
    "ikke overholder sine forpligtelser."
)
PROVIDERS = ["MidtKraft", "VID", "Deep End-netværket"]

ROUND_A = "Lige Praksis i Midt 2026"
ROUND_B = "Lige Praksis i Midt 2027"

# (e-mail, full name, role label, round label) of the fixed demo logins.
LEADERS = [("leder@demo.dk", "Anne Sofie Bech"), ("leder2@demo.dk", "Jonas Mølgaard Friis")]
STEERING = [
    ("folgegruppe1@demo.dk", "Karen Hvidberg Lund"),
    ("folgegruppe2@demo.dk", "Peter Skovgaard Dahl"),
    ("folgegruppe3@demo.dk", "Lise Overgaard Brix"),
]
KEU = ("keu@demo.dk", "Henrik Bundgaard Toft")
CONSULTANT = ("konsulent@demo.dk", "Maria Engholm Krog")
PROVIDER_USER = ("udbyder@demo.dk", "Søren Vestergaard Holt")
EVALUATOR = ("evaluator@demo.dk", "Camilla Riis Damgaard")
PRACTICE_USER = ("praksis@demo.dk", "Mette Kjærgaard Holm")
ADMIN = ("admin@demo.dk", "Portaladministrator")

LOGINS = [
    ("Project leader", LEADERS[0][0], f"{ROUND_A}, {ROUND_B}"),
    ("Project leader", LEADERS[1][0], f"{ROUND_A}, {ROUND_B}"),
    *[("Steering group", email, f"{ROUND_A}, {ROUND_B}") for email, _name in STEERING],
    ("KEU secretariat", KEU[0], REGION_NAME),
    ("Consultant", CONSULTANT[0], ROUND_A),
    ("Activity provider", PROVIDER_USER[0], "MidtKraft"),
    ("Evaluator", EVALUATOR[0], ROUND_A),
    ("Practice (selected)", PRACTICE_USER[0], f"{ROUND_A}: Lægerne i Åbyhøj"),
    ("Administrator", ADMIN[0], "/admin/"),
]


@dataclass(frozen=True)
class DemoPractice:
    name: str
    address: str
    postcode: str
    city: str
    municipality: str
    form: str
    capacities: str


S, P, C, R = PracticeForm.SOLO, PracticeForm.PARTNERSHIP, PracticeForm.COOPERATING, PracticeForm.REGION_CLINIC
# Invented practices; names come from places and streets, never from doctors.
PRACTICES = [
    DemoPractice("Lægerne i Åbyhøj", "Silkeborgvej 210", "8230", "Åbyhøj", "Aarhus", P, "3"),
    DemoPractice("Lægehuset Gellerup", "Gudrunsvej 12", "8220", "Brabrand", "Aarhus", C, "6"),
    DemoPractice("Lægeklinikken Trøjborg", "Tordenskjoldsgade 40", "8200", "Aarhus N", "Aarhus", S, "1"),
    DemoPractice("Viby Lægecenter", "Skanderborgvej 150", "8260", "Viby J", "Aarhus", C, "7"),
    DemoPractice("Regionsklinik Aarhus Vest", "Bispehavevej 8", "8210", "Aarhus V", "Aarhus", R, "2"),
    DemoPractice("Lægerne på Frederiksbjerg", "Jægergårdsgade 60", "8000", "Aarhus C", "Aarhus", P, "4"),
    DemoPractice("Lægehuset i Vorup", "Bøsbrovej 15", "8940", "Randers SV", "Randers", P, "2"),
    DemoPractice("Lægecentret Randers Nord", "Hobrovej 80", "8920", "Randers NV", "Randers", C, "5"),
    DemoPractice("Regionsklinik Randers", "Jernbanegade 4", "8900", "Randers C", "Randers", R, "2.5"),
    DemoPractice("Lægerne på Sundvej", "Sundvej 30", "8700", "Horsens", "Horsens", P, "3"),
    DemoPractice("Lægeklinikken Nørrebrogade", "Nørrebrogade 18", "8700", "Horsens", "Horsens", S, "1"),
    DemoPractice("Sundhedshuset Horsens Syd", "Vejlevej 100", "8700", "Horsens", "Horsens", C, "6"),
    DemoPractice("Lægerne i Gullestrup", "Gullestrupvej 10", "7400", "Herning", "Herning", P, "2"),
    DemoPractice("Lægehuset Bryggergården", "Bryggergade 7", "7400", "Herning", "Herning", P, "4"),
    DemoPractice("Lægepraksis Sunds", "Hovedgaden 12", "7451", "Sunds", "Herning", S, "1"),
    DemoPractice("Lægerne ved Søerne", "Vestergade 20", "8600", "Silkeborg", "Silkeborg", C, "5"),
    DemoPractice("Lægeklinikken Them", "Silkeborgvej 5", "8653", "Them", "Silkeborg", S, "1"),
    DemoPractice("Lægehuset Kjellerup", "Søndergade 8", "8620", "Kjellerup", "Silkeborg", P, "3.5"),
    DemoPractice("Lægerne i Viborg Midtby", "Sct. Mathias Gade 50", "8800", "Viborg", "Viborg", P, "4"),
    DemoPractice("Lægeklinikken Karup", "Viborgvej 3", "7470", "Karup J", "Viborg", S, "1"),
    DemoPractice("Lægehuset Holstebro Nord", "Nørrebrogade 70", "7500", "Holstebro", "Holstebro", C, "5"),
    DemoPractice("Lægerne i Vinderup", "Østergade 4", "7830", "Vinderup", "Holstebro", P, "2"),
    DemoPractice("Lægerne i Ry", "Skanderborgvej 2", "8680", "Ry", "Skanderborg", P, "3"),
    DemoPractice("Lægeklinikken Galten", "Byvej 9", "8464", "Galten", "Skanderborg", S, "1"),
    DemoPractice("Lægerne i Hinnerup", "Rønnevej 2", "8382", "Hinnerup", "Favrskov", P, "3"),
    DemoPractice("Lægeklinikken Hadsten", "Søndergade 30", "8370", "Hadsten", "Favrskov", S, "1"),
    DemoPractice("Lægehuset Juelsminde", "Nørregade 11", "7130", "Juelsminde", "Hedensted", P, "2"),
    DemoPractice("Lægerne i Ikast", "Østergade 15", "7430", "Ikast", "Ikast-Brande", C, "4"),
    DemoPractice("Regionsklinik Brande", "Storegade 22", "7330", "Brande", "Ikast-Brande", R, "1.5"),
    DemoPractice("Udbudsklinikken Lemvig", "Torvet 6", "7620", "Lemvig", "Lemvig", R, "2"),
    DemoPractice("Regionsklinik Grenaa", "Torvet 3", "8500", "Grenaa", "Norddjurs", R, "3"),
    DemoPractice("Lægerne i Odder", "Rosensgade 40", "8300", "Odder", "Odder", C, "5"),
    DemoPractice("Lægehuset Skjern", "Bredgade 30", "6900", "Skjern", "Ringkøbing-Skjern", P, "4"),
    DemoPractice(
        "Lægeklinikken Hvide Sande", "Nørregade 5", "6960", "Hvide Sande", "Ringkøbing-Skjern", S, "1"
    ),
    DemoPractice("Lægehuset Samsø", "Langgade 10", "8305", "Samsø", "Samsø", P, "2"),
    DemoPractice("Lægerne i Skive Centrum", "Adelgade 25", "7800", "Skive", "Skive", C, "6"),
    DemoPractice("Lægepraksis Balling", "Kirkegade 2", "7860", "Spøttrup", "Skive", S, "1"),
    DemoPractice("Lægerne i Struer", "Østergade 10", "7600", "Struer", "Struer", P, "3"),
    DemoPractice("Lægehuset Ebeltoft", "Adelgade 30", "8400", "Ebeltoft", "Syddjurs", P, "3"),
    DemoPractice("Lægeklinikken Rønde", "Hovedgaden 20", "8410", "Rønde", "Syddjurs", S, "1.5"),
]
# The practice of praksis@demo.dk (selected, so that user can accept the terms).
PRACTICE_USER_PRACTICE = "Lægerne i Åbyhøj"

FIRST_NAMES = [
    "Anne", "Mette", "Louise", "Camilla", "Sofie", "Helle", "Pia", "Trine", "Birgitte", "Maja", "Ida",
    "Lene", "Rikke", "Signe", "Karina", "Tina", "Jens", "Lars", "Morten", "Rasmus", "Anders", "Thomas",
    "Mikkel", "Henrik", "Jesper", "Kasper", "Martin", "Søren", "Frederik", "Christian", "Niels", "Ole",
]  # fmt: skip
MIDDLE_NAMES = [
    "Kjær", "Bach", "Damsgaard", "Lykke", "Holm", "Brink", "Skov", "Vinther", "Riis", "Krogh", "Buch",
    "Ravn", "Dal", "Mølgaard", "Kirk", "Bundgaard",
]  # fmt: skip
LAST_NAMES = [
    "Nørgaard", "Lindberg", "Overgaard", "Kristiansen", "Thygesen", "Vestergaard", "Bertelsen", "Dalsgaard",
    "Sandholm", "Frandsen", "Munk", "Lauridsen", "Brøndum", "Hvidtfeldt", "Rosenkilde", "Toftegaard",
]  # fmt: skip
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


def ascii_fold(text: str) -> str:
    """'Søren Kjær' -> 'soeren.kjaer' for an e-mail address."""
    for src, dst in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("Æ", "Ae"), ("Ø", "Oe"), ("Å", "Aa")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return ".".join(text.lower().replace("-", " ").split())


def cvr_from_seven(seven: str) -> str | None:
    """Complete seven digits with the check digit that makes a valid CVR number (None if none fits)."""
    partial = sum(int(d) * w for d, w in zip(seven, CVR_WEIGHTS[:7], strict=True))
    check = (-partial) % 11  # the last weight is 1
    if check > 9:
        return None
    cvr = f"{seven}{check}"
    assert cvr_is_valid(cvr)
    return cvr


def danish_number(value) -> str:
    """3 -> '3', 2.5 -> '2,5', 4800 -> '4.800'."""
    if isinstance(value, Decimal):
        text = f"{value.normalize():f}"
        return text.replace(".", ",")
    return f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Load demo data (two programme rounds, invented practices, demo logins). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, quiet=False, **options):
        self.quiet = quiet
        round_a = ProgrammeRound.objects.filter(region__code=REGION_CODE, name=ROUND_A).first()
        if round_a is None:
            self.quietly(self.build)
            self.say("Demo data created.")
        elif not round_a.activities.exists():
            # Demo data from before the activities: add the catalogue and the hours to it.
            self.quietly(self.add_activities, round_a)
            self.say("The activity catalogue and hours were added to the existing demo data.")
        else:
            self.say("The demo data already exists; nothing was changed.")
        self.print_logins()

    def quietly(self, build, *args) -> None:
        """Mail goes nowhere, and the in-process (eager) Celery tasks run on commit do not log a line
        each."""
        trace_logger = logging.getLogger("celery.app.trace")
        level = trace_logger.level
        trace_logger.setLevel(logging.WARNING)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                with transaction.atomic():
                    build(*args)
        finally:
            trace_logger.setLevel(level)

    def add_activities(self, round_a) -> None:
        from applications.models import Person
        from ligepraksis.models import User

        now = timezone.now()
        self.name_rng = random.Random("lige-praksis-demo-names-activities")
        self.used_names = set(Person.objects.values_list("name", flat=True))
        leader = User.objects.get(email=LEADERS[0][0])
        build_activity_demo(round_a, leader=leader, name_for=self.person_name, now=now)
        ApplicationEvent.objects.filter(application__round=round_a, notified_at__isnull=True).update(
            notified_at=now
        )

    def say(self, text: str = "") -> None:
        if not self.quiet:
            self.stdout.write(text)

    def print_logins(self) -> None:
        rows = [("Role", "E-mail", "Password", "Scope"), *[(r, e, PASSWORD, s) for r, e, s in LOGINS]]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.say()
        for n, row in enumerate(rows):
            self.say("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if n == 0:
                self.say("  ".join("-" * w for w in widths))

    # --- Building --------------------------------------------------------------------------------

    def build(self) -> None:
        self.id_rng = random.Random("lige-praksis-demo-identifiers")
        self.name_rng = random.Random("lige-praksis-demo-names")
        self.rng = random.Random(2026)
        self.used_names = {
            name for _e, name in [*LEADERS, *STEERING, KEU, CONSULTANT, PROVIDER_USER, EVALUATOR]
        }
        self.used_names.add(PRACTICE_USER[1])

        region, _created = Region.objects.get_or_create(code=REGION_CODE, defaults={"name": REGION_NAME})
        municipalities = {
            name: Municipality.objects.get_or_create(region=region, name=name)[0] for name in MUNICIPALITIES
        }
        providers = {name: ProviderOrganisation.objects.get_or_create(name=name)[0] for name in PROVIDERS}

        now = timezone.now()
        today = timezone.localdate(now)
        round_a = self.make_round(
            region,
            municipalities,
            name=ROUND_A,
            year=2026,
            opens=self.local_noon(today - dt.timedelta(days=60)),
            deadline=self.local_noon(today - dt.timedelta(days=1)),
        )
        round_b = self.make_round(
            region,
            municipalities,
            name=ROUND_B,
            year=2027,
            opens=self.local_noon(today - dt.timedelta(days=7)),
            deadline=self.local_noon(today + dt.timedelta(days=60)),
        )

        users = self.make_users(region, providers, round_a, round_b)
        applications = self.make_applications(round_a, municipalities, users["praksis"])
        self.review_and_decide(round_a, applications, users)
        build_activity_demo(round_a, leader=users["leaders"][0], name_for=self.person_name, now=now)

        # No mail to invented addresses, whatever broker or mail server is configured.
        ApplicationEvent.objects.filter(application__round__in=[round_a, round_b]).update(notified_at=now)

    @staticmethod
    def local_noon(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

    def make_round(self, region, municipalities, *, name, year, opens, deadline) -> ProgrammeRound:
        round_obj = ProgrammeRound(
            region=region,
            name=name,
            year=year,
            applications_open_at=opens,
            application_deadline=deadline,
            places=12,
            hour_target=Decimal("10"),
            offer_days=14,
            score_min=1,
            score_max=5,
            description=(
                "Almen praksis i Region Midtjylland kan søge om at deltage i Lige Praksis i Midt. "
                "Projektledelsen og følgegruppen udvælger 12 praksis fordelt over hele regionen og med "
                "forskellige størrelser og praksisformer."
            ),
        )
        round_obj.full_clean()
        round_obj.save()
        for area_name, members in AREAS.items():
            area = Area.objects.create(round=round_obj, name=area_name)
            area.municipalities.set([municipalities[m] for m in members])
        for band_name, low, high in SIZE_BANDS:
            SizeBand.objects.create(round=round_obj, name=band_name, min_capacities=low, max_capacities=high)
        for order, (criterion, description) in enumerate(CRITERIA, start=1):
            ReviewCriterion.objects.create(
                round=round_obj, name=criterion, description=description, order=order
            )
        TermsVersion.objects.create(round=round_obj, version="1.0", text=TERMS_TEXT, published_at=opens)
        return round_obj

    def login(self, email: str, full_name: str, **extra):
        user = user_get_or_create(email=email, full_name=full_name)
        user.set_password(PASSWORD)
        for field, value in extra.items():
            setattr(user, field, value)
        user.save()
        return user

    def make_users(self, region, providers, round_a, round_b) -> dict:
        users = {"leaders": [], "steering": []}
        for email, name in LEADERS:
            user = self.login(email, name)
            for round_obj in (round_a, round_b):
                role_grant(user=user, role=Role.PROJECT_LEADER, round=round_obj)
            users["leaders"].append(user)
        for email, name in STEERING:
            user = self.login(email, name)
            for round_obj in (round_a, round_b):
                role_grant(user=user, role=Role.STEERING, round=round_obj)
            users["steering"].append(user)
        role_grant(user=self.login(*KEU), role=Role.KEU, region=region)
        role_grant(user=self.login(*CONSULTANT), role=Role.CONSULTANT, round=round_a)
        role_grant(user=self.login(*PROVIDER_USER), role=Role.PROVIDER, provider=providers["MidtKraft"])
        role_grant(user=self.login(*EVALUATOR), role=Role.EVALUATOR, round=round_a)
        users["praksis"] = self.login(*PRACTICE_USER)
        self.login(*ADMIN, is_staff=True, is_superuser=True)
        return users

    # --- Practices and applications ---------------------------------------------------------------

    def person_name(self) -> str:
        while True:
            name = " ".join(
                (
                    self.name_rng.choice(FIRST_NAMES),
                    self.name_rng.choice(MIDDLE_NAMES),
                    self.name_rng.choice(LAST_NAMES),
                )
            )
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def provider_number(self, used: set[str], leading_zero: bool) -> str:
        while True:
            low = 10_000 if leading_zero else 100_000
            number = f"{self.id_rng.randrange(low, low * 10):06d}"
            if number not in used:
                used.add(number)
                return number

    def cvr(self, used: set[str]) -> str:
        while True:
            seven = str(self.id_rng.randint(1, 4)) + "".join(str(self.id_rng.randrange(10)) for _ in range(6))
            cvr = cvr_from_seven(seven)
            if cvr and cvr not in used:
                used.add(cvr)
                return cvr

    def make_practice(self, spec: DemoPractice, municipalities, numbers_used, cvrs_used):
        count = 2 if spec.form == PracticeForm.COOPERATING else 1
        numbers = [
            self.provider_number(numbers_used, leading_zero=self.id_rng.random() < 0.3) for _ in range(count)
        ]
        existing = app_services.practice_find(provider_number=numbers[0])
        if existing is not None:
            return existing
        capacities = Decimal(spec.capacities)
        per_doctor = self.id_rng.randint(1450, 1800)
        patients = int(round(float(capacities) * per_doctor, -1))
        staff = max(2, round(float(capacities) * self.id_rng.uniform(1.6, 2.6)))
        return app_services.practice_register(
            provider_numbers=numbers,
            cvr=self.cvr(cvrs_used),
            name=spec.name,
            address=spec.address,
            postcode=spec.postcode,
            city=spec.city,
            municipality=municipalities[spec.municipality],
            form=spec.form,
            doctor_capacities=capacities,
            staff_count=staff,
            listed_patients=patients,
        )

    def texts(self, practice, index: int) -> dict[str, str]:
        group, group2 = self.name_rng.sample(GROUPS, 2)
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

    def coordinator(self, name: str, practice_slug: str, title: str) -> CoordinatorData:
        phone = "{} {:02d} {:02d} {:02d}".format(
            self.name_rng.choice(["86", "87", "89", "97"]),
            self.name_rng.randrange(100),
            self.name_rng.randrange(100),
            self.name_rng.randrange(100),
        )
        return CoordinatorData(
            name=name, email=f"{ascii_fold(name)}@{practice_slug}.example", phone=phone, title=title
        )

    def make_applications(self, round_obj, municipalities, practice_user) -> list[Application]:
        numbers_used: set[str] = set()
        cvrs_used: set[str] = set()
        opens, deadline = round_obj.applications_open_at, round_obj.application_deadline
        window = (deadline - opens).total_seconds()
        applications = []
        for index, spec in enumerate(PRACTICES):
            practice = self.make_practice(spec, municipalities, numbers_used, cvrs_used)
            slug = ascii_fold(practice.name).replace(".", "-")
            if practice.name == PRACTICE_USER_PRACTICE:
                role_grant(user=practice_user, role=Role.PRACTICE, practice=practice)
                doctor = CoordinatorData(
                    name=practice_user.full_name, email=practice_user.email, phone="86 15 42 10",
                    title="Praktiserende læge",
                )  # fmt: skip
                creator = practice_user
            else:
                doctor = self.coordinator(self.person_name(), slug, "Praktiserende læge")
                creator = user_get_or_create(email=doctor.email, full_name=doctor.name)
            staff = self.coordinator(self.person_name(), slug, self.name_rng.choice(STAFF_TITLES))

            # Spread the submissions over the application window, all before the deadline.
            submitted = opens + dt.timedelta(seconds=window * (0.1 + 0.85 * (index + 0.5) / len(PRACTICES)))
            started = submitted - dt.timedelta(
                days=self.name_rng.randint(1, 5), hours=self.name_rng.randint(0, 6)
            )
            application = app_services.application_start(
                user=creator, round_obj=round_obj, practice=practice, now=started
            )
            application = app_services.application_update(
                application=application, user=creator, doctor=doctor, staff=staff, now=started,
                **self.texts(practice, index),
            )  # fmt: skip
            application = app_services.application_submit(
                application=application, user=creator, now=submitted
            )
            # The services stamp history with the real time; date it as if it happened then.
            Application.objects.filter(pk=application.pk).update(created_at=started)
            application.events.filter(to_status=Status.DRAFT).update(at=started)
            application.events.filter(to_status=Status.SUBMITTED).update(at=submitted)
            applications.append(application)
        return applications

    # --- Review, recommendation, decision --------------------------------------------------------

    def review_and_decide(self, round_obj, applications, users) -> None:
        leader, leader2 = users["leaders"]
        steering = users["steering"]
        criteria = list(round_obj.criteria.all())
        reviewers = [*steering, leader]
        conflict_app = applications[7]  # folgegruppe3 declares a conflict here
        means: dict[int, float] = {}
        for index, application in enumerate(applications):
            quality = self.rng.uniform(1.6, 4.4)
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
                    value = min(5, max(1, round(quality + self.rng.gauss(0, 0.7))))
                    scores[criterion.pk] = (value, "")
                    values.append(value)
                app_services.review_save(
                    application=application,
                    reviewer=reviewer,
                    scores=scores,
                    comment=self.rng.choice(REVIEW_COMMENTS),
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
            [(a, Status.SELECTED, "Udvalgt efter følgegruppens indstilling.") for a in ranked[:8]]
            + [(a, Status.WAITLISTED, "Sat på venteliste efter indstilling.") for a in ranked[10:15]]
            + [(a, Status.REJECTED, "Ikke udvalgt i denne runde.") for a in ranked[-5:]]
        )
        for application, outcome, reason in decisions:
            app_services.application_decide(
                application=application, user=leader, outcome=outcome, reason=reason
            )


# --- Activities: the catalogue, sign-ups, attendance and hours (round 2026) -----------------------

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
    from unittest import mock

    from activities import services as act
    from activities.models import Activity, HourClaim, Registration, RegistrationStatus, Session
    from applications.models import Person, PersonKind

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
            counts_toward_target=kind not in ("startup", "theme_day"), required=kind == "startup",
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
        Application.objects.filter(round=round_obj, status=Status.SELECTED)
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
        role_grant(user=user, role=Role.PRACTICE, practice=application.practice)
        extras = [
            act.person_add(
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

    with mock.patch.object(act, "_queue", lambda task, *args: None):  # the demo sends no e-mail
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
