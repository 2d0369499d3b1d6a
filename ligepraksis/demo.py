"""The demo data's shared part and the core's builder: the region, its municipalities, the activity
providers, two programme rounds (all their numbers are data) and the demo logins.

`manage.py demo_data` runs every app's builder (registered with `ligepraksis.registry.demo_builder`
in the app's `portal.py`) in order, with one `DemoContext`, inside one transaction and with mail
suppressed (`ligepraksis.mail.suppressed`). The national data set (`manage.py national_data`,
`ligepraksis/national.py`) is built the same way and reuses the builders' helpers and texts.
Every practice, person and identifier is invented.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

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
from ligepraksis.registry import demo_builder
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


def local_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


@dataclass
class DemoContext:
    """What the builders share: the random sources, the objects made so far, and `say`."""

    now: dt.datetime = field(default_factory=timezone.now)
    say: object = print
    existing: bool = False  # the core part existed already: builders add only what is missing
    id_rng: random.Random = field(default_factory=lambda: random.Random("lige-praksis-demo-identifiers"))
    name_rng: random.Random = field(default_factory=lambda: random.Random("lige-praksis-demo-names"))
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    used_names: set = field(default_factory=set)
    region: Region | None = None
    municipalities: dict = field(default_factory=dict)
    providers: dict = field(default_factory=dict)
    round_a: ProgrammeRound | None = None
    round_b: ProgrammeRound | None = None
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # what one builder leaves for the next

    def person_name(self) -> str:
        """An invented name, never used twice in the demo."""
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


def _make_round(ctx: DemoContext, *, name, year, opens, deadline) -> ProgrammeRound:
    round_obj = ProgrammeRound(
        region=ctx.region,
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
        area.municipalities.set([ctx.municipalities[m] for m in members])
    for band_name, low, high in SIZE_BANDS:
        SizeBand.objects.create(round=round_obj, name=band_name, min_capacities=low, max_capacities=high)
    for order, (criterion, description) in enumerate(CRITERIA, start=1):
        ReviewCriterion.objects.create(round=round_obj, name=criterion, description=description, order=order)
    TermsVersion.objects.create(round=round_obj, version="1.0", text=TERMS_TEXT, published_at=opens)
    return round_obj


def login(email: str, full_name: str, **extra):
    user = user_get_or_create(email=email, full_name=full_name)
    user.set_password(PASSWORD)
    for name, value in extra.items():
        setattr(user, name, value)
    user.save()
    return user


def find_existing(ctx: DemoContext) -> bool:
    """Load the core objects if the demo data exists already; True if it does."""
    round_a = ProgrammeRound.objects.filter(region__code=REGION_CODE, name=ROUND_A).first()
    if round_a is None:
        return False
    from ligepraksis.models import User

    ctx.existing = True
    ctx.region = round_a.region
    ctx.municipalities = {m.name: m for m in Municipality.objects.filter(region=ctx.region)}
    ctx.providers = {p.name: p for p in ProviderOrganisation.objects.filter(name__in=PROVIDERS)}
    ctx.round_a = round_a
    ctx.round_b = ProgrammeRound.objects.filter(region=ctx.region, name=ROUND_B).first()
    ctx.users = {
        "leaders": [User.objects.get(email=e) for e, _n in LEADERS],
        "steering": [User.objects.get(email=e) for e, _n in STEERING],
        "praksis": User.objects.get(email=PRACTICE_USER[0]),
    }
    return True


@demo_builder(order=10, name="core")
def build_core(ctx: DemoContext) -> None:
    if find_existing(ctx):
        return
    ctx.used_names |= {name for _e, name in [*LEADERS, *STEERING, KEU, CONSULTANT, PROVIDER_USER, EVALUATOR]}
    ctx.used_names.add(PRACTICE_USER[1])
    ctx.region, _created = Region.objects.get_or_create(code=REGION_CODE, defaults={"name": REGION_NAME})
    ctx.municipalities = {
        name: Municipality.objects.get_or_create(region=ctx.region, name=name)[0] for name in MUNICIPALITIES
    }
    ctx.providers = {name: ProviderOrganisation.objects.get_or_create(name=name)[0] for name in PROVIDERS}
    today = timezone.localdate(ctx.now)
    ctx.round_a = _make_round(
        ctx,
        name=ROUND_A,
        year=2026,
        opens=local_noon(today - dt.timedelta(days=60)),
        deadline=local_noon(today - dt.timedelta(days=1)),
    )
    ctx.round_b = _make_round(
        ctx,
        name=ROUND_B,
        year=2027,
        opens=local_noon(today - dt.timedelta(days=7)),
        deadline=local_noon(today + dt.timedelta(days=60)),
    )
    users = {"leaders": [], "steering": []}
    for email, name in LEADERS:
        user = login(email, name)
        for round_obj in (ctx.round_a, ctx.round_b):
            role_grant(user=user, role=Role.PROJECT_LEADER, round=round_obj)
        users["leaders"].append(user)
    for email, name in STEERING:
        user = login(email, name)
        for round_obj in (ctx.round_a, ctx.round_b):
            role_grant(user=user, role=Role.STEERING, round=round_obj)
        users["steering"].append(user)
    role_grant(user=login(*KEU), role=Role.KEU, region=ctx.region)
    role_grant(user=login(*CONSULTANT), role=Role.CONSULTANT, round=ctx.round_a)
    role_grant(user=login(*PROVIDER_USER), role=Role.PROVIDER, provider=ctx.providers["MidtKraft"])
    role_grant(user=login(*EVALUATOR), role=Role.EVALUATOR, round=ctx.round_a)
    users["praksis"] = login(*PRACTICE_USER)
    login(*ADMIN, is_staff=True, is_superuser=True)
    ctx.users = users
