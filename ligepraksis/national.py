"""The national data set's shared part and the core's builder: five regions with their
municipalities, the activity providers, three programme rounds (all their numbers are data) and the
logins of every role.

`manage.py national_data [--scale 0.01] [--seed 2026]` runs every app's builder (registered with
`ligepraksis.registry.national_builder` in the app's `portal.py`, so this core imports no app) in
order, with one `NationalContext`, inside one transaction and with mail suppressed
(`ligepraksis.mail.suppressed`). At scale 1 the set is what the speed issue measures the portal on:
1,700 practices, 9,000 people, 300/200/100 applications with their reviews, 120 participations (all
in the first round), 400 activities with 2,000 sessions, 40,000 sign-ups with attendance and 5,000
hour claims. Every practice, person and address is invented (addresses end in `.example`).

A later app (progress, finance, evaluation) adds its records with a builder of its own in
`<app>/national.py`, imported from its `portal.py`:

    @national_builder(order=50, name="progress")
    def build_progress(ctx: NationalContext) -> None: ...

It finds what the builders before it made on the context: `ctx.rounds` (`ctx.main_round` holds every
participation), `ctx.users["leaders"|"steering"][round.pk]`, `ctx.extra["practices"]` (each practice
with its login and people, practices/national.py) and `ctx.extra["participations"]` ((participation,
practice) pairs); `ctx.count(...)` scales its counts (add them to `FULL`) and `ctx.rng` is the one
seeded random source (draw from it in a fixed order so that a seed makes the same data).

Dates are relative to the day it runs: the first round's application window closed about ten months
ago and its hour window runs until two months from now; the second round is in selection; the third
closed a few days ago and is being reviewed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from ligepraksis.demo import (
    CRITERIA,
    FIRST_NAMES,
    LAST_NAMES,
    MIDDLE_NAMES,
    PASSWORD,
    PROVIDERS,
    SIZE_BANDS,
    ascii_fold,
    local_noon,
)
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
from ligepraksis.registry import national_builder
from ligepraksis.services import role_grant, user_get_or_create

# What scale 1 makes; every count is scaled with `NationalContext.count`.
FULL = {
    "practices": 1700,
    "people": 9000,
    "applications": (300, 200, 100),  # per round, in the order of ROUNDS
    "participations": 120,  # all in the first round
    "activities": 400,
    "sessions": 2000,
    "signups": 40000,
    "claims": 5000,
}

# code, name, share of the practices (roughly the regions' shares of general practice), municipalities
# and a postcode range for the invented addresses.
REGIONS = [
    ("hovedstaden", "Region Hovedstaden", 560, (1000, 3700), [
        "København", "Frederiksberg", "Albertslund", "Allerød", "Ballerup", "Bornholm", "Brøndby",
        "Dragør", "Egedal", "Fredensborg", "Frederikssund", "Furesø", "Gentofte", "Gladsaxe", "Glostrup",
        "Gribskov", "Halsnæs", "Helsingør", "Herlev", "Hillerød", "Hvidovre", "Høje-Taastrup", "Hørsholm",
        "Ishøj", "Lyngby-Taarbæk", "Rudersdal", "Rødovre", "Tårnby", "Vallensbæk",
    ]),
    ("sjaelland", "Region Sjælland", 230, (4000, 4990), [
        "Faxe", "Greve", "Guldborgsund", "Holbæk", "Kalundborg", "Køge", "Lejre", "Lolland", "Næstved",
        "Odsherred", "Ringsted", "Roskilde", "Slagelse", "Solrød", "Sorø", "Stevns", "Vordingborg",
    ]),
    ("syddanmark", "Region Syddanmark", 390, (5000, 6990), [
        "Assens", "Billund", "Esbjerg", "Fanø", "Fredericia", "Faaborg-Midtfyn", "Haderslev", "Kerteminde",
        "Kolding", "Langeland", "Middelfart", "Nordfyns", "Nyborg", "Odense", "Svendborg", "Sønderborg",
        "Tønder", "Varde", "Vejen", "Vejle", "Ærø", "Aabenraa",
    ]),
    ("midt", "Region Midtjylland", 380, (7000, 8990), [
        "Favrskov", "Hedensted", "Herning", "Holstebro", "Horsens", "Ikast-Brande", "Lemvig", "Norddjurs",
        "Odder", "Randers", "Ringkøbing-Skjern", "Samsø", "Silkeborg", "Skanderborg", "Skive", "Struer",
        "Syddjurs", "Viborg", "Aarhus",
    ]),
    ("nordjylland", "Region Nordjylland", 140, (9000, 9990), [
        "Brønderslev", "Frederikshavn", "Hjørring", "Jammerbugt", "Læsø", "Mariagerfjord", "Morsø",
        "Rebild", "Thisted", "Vesthimmerland", "Aalborg",
    ]),
]  # fmt: skip

# The three rounds: (region code, name, places at scale 1, days from today: applications open,
# deadline, hour window start, hour window end). The first round holds every participation.
ROUNDS = [
    ("hovedstaden", "Lige Praksis i Hovedstaden – landsdata", 120, (-360, -320, -300, 60)),
    ("syddanmark", "Lige Praksis i Syddanmark – landsdata", 24, (-120, -20, 30, 395)),
    ("midt", "Lige Praksis i Midtjylland – landsdata", 12, (-75, -3, 60, 425)),
]
NATIONAL_PROVIDERS = [*PROVIDERS, "Praksisværkstedet Øst", "Kursushuset Fjordbakken", "Netværket Lige Adgang"]
DOMAIN = "landsdata.example"

TERMS_TEXT = (
    "Ved at acceptere vilkårene forpligter praksis sig til at deltage i Lige Praksis.\n\n"
    "Begge tovholdere deltager i opstartsmødet. Praksis gennemfører i alt 10 timers "
    "inspirationsaktiviteter fordelt mellem læger og praksispersonale og bidrager til evaluering og "
    "videndeling.\n\nHonorering sker pr. time efter den gældende konsulenttakst."
)


def allocate(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split `total` into whole parts in proportion to `weights` (largest remainder), never above
    `caps`; what a capped part cannot take goes to the others. The sum is `total` unless every part
    is full."""
    n = len(weights)
    caps = caps if caps is not None else [total] * n
    parts = [0] * n
    left = total
    open_ = [i for i in range(n) if caps[i] > 0 and weights[i] > 0]
    while left > 0 and open_:
        weight = sum(weights[i] for i in open_)
        shares = {i: left * weights[i] / weight for i in open_}
        given = {i: min(int(shares[i]), caps[i] - parts[i]) for i in open_}
        if not any(given.values()):  # hand out the remainders, largest first
            for i in sorted(open_, key=lambda i: (-(shares[i] - int(shares[i])), i)):
                if left == 0:
                    break
                if parts[i] < caps[i]:
                    parts[i] += 1
                    left -= 1
        else:
            for i, g in given.items():
                parts[i] += g
                left -= g
        open_ = [i for i in open_ if parts[i] < caps[i]]
    return parts


@dataclass
class NationalContext:
    """What the national builders share: the scale, one seeded random source, the objects made so
    far (`extra` for what one builder leaves the next) and `say`."""

    scale: float = 1.0
    seed: int = 2026
    now: dt.datetime = field(default_factory=timezone.now)
    say: object = print
    rng: random.Random = field(init=False)
    name_rng: random.Random = field(init=False)  # the demo's text helpers read `name_rng`
    id_rng: random.Random = field(init=False)  # the demo's identifier helpers read `id_rng`
    regions: dict = field(default_factory=dict)  # code -> Region
    municipalities: dict = field(default_factory=dict)  # region code -> [Municipality]
    postcodes: dict = field(default_factory=dict)  # Municipality pk -> postcode
    providers: dict = field(default_factory=dict)  # name -> ProviderOrganisation
    rounds: list = field(default_factory=list)  # [ProgrammeRound], the first holds the participations
    users: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)  # (role, e-mail, scope) printed at the end
    extra: dict = field(default_factory=dict)
    timings: list = field(default_factory=list)  # (builder, seconds)

    def __post_init__(self):
        self.rng = random.Random(f"lige-praksis-national-{self.seed}")
        self.name_rng = self.rng
        self.id_rng = random.Random(f"lige-praksis-national-identifiers-{self.seed}")

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def main_round(self) -> ProgrammeRound:
        return self.rounds[0]

    def count(self, name: str, index: int | None = None) -> int:
        """The scaled count of `FULL[name]` (at least 1)."""
        base = FULL[name] if index is None else FULL[name][index]
        return max(1, round(base * self.scale))

    def person_name(self) -> str:
        """An invented name (first, middle and last name from the demo's lists; one in five has two
        last names). Names may repeat across practices, as they do in life."""
        rng = self.rng
        parts = [rng.choice(FIRST_NAMES), rng.choice(MIDDLE_NAMES), rng.choice(LAST_NAMES)]
        if rng.random() < 0.2:
            parts.insert(2, rng.choice(LAST_NAMES))
        return " ".join(parts)

    def day(self, days: int) -> dt.datetime:
        """Noon, `days` from today, in Danish time."""
        return local_noon(self.today + dt.timedelta(days=days))


def login(ctx: NationalContext, role: str, email: str, full_name: str, scope: str, **extra):
    """A login with the demo password, listed in the command's output. The password is hashed once
    per run and the hash shared (hashing takes a good part of a second; these are invented logins
    with a published password), and only these logins get one."""
    user = user_get_or_create(email=email, full_name=full_name)
    if "password_hash" not in ctx.extra:
        ctx.extra["password_hash"] = make_password(PASSWORD)
    user.password = ctx.extra["password_hash"]
    for name, value in extra.items():
        setattr(user, name, value)
    user.save()
    ctx.logins.append((role, email, scope))
    return user


def _make_round(ctx: NationalContext, region: Region, name: str, places: int, days) -> ProgrammeRound:
    opens, deadline, window_start, window_end = days
    start_day = ctx.today + dt.timedelta(days=window_start)
    round_obj = ProgrammeRound(
        region=region,
        name=name,
        year=start_day.year,
        applications_open_at=ctx.day(opens),
        application_deadline=ctx.day(deadline),
        places=places,
        hour_target=Decimal("10"),
        offer_days=14,
        score_min=1,
        score_max=5,
        hour_window_start=start_day,
        hour_window_end=ctx.today + dt.timedelta(days=window_end),
        description=(
            f"Almen praksis i {region.name} kan søge om at deltage i Lige Praksis. Projektledelsen og "
            f"følgegruppen udvælger {places} praksis fordelt over hele regionen."
        ),
    )
    round_obj.full_clean()
    round_obj.save()
    municipalities = ctx.municipalities[region.code]
    for n in range(4):  # four areas of neighbouring municipalities (in the order of the list)
        members = municipalities[n::4]
        if members:
            area = Area.objects.create(round=round_obj, name=f"Område {n + 1}")
            area.municipalities.set(members)
    for band_name, low, high in SIZE_BANDS:
        SizeBand.objects.create(round=round_obj, name=band_name, min_capacities=low, max_capacities=high)
    for order, (criterion, description) in enumerate(CRITERIA, start=1):
        ReviewCriterion.objects.create(round=round_obj, name=criterion, description=description, order=order)
    TermsVersion.objects.create(round=round_obj, version="1.0", text=TERMS_TEXT, published_at=ctx.day(opens))
    return round_obj


def exists() -> bool:
    code, name = ROUNDS[0][0], ROUNDS[0][1]
    return ProgrammeRound.objects.filter(region__code=code, name=name).exists()


def _role_email(role: str, n: int, scope: str) -> str:
    return f"{role}{n}.{ascii_fold(scope).replace('.', '-')}@{DOMAIN}"


@national_builder(order=10, name="core")
def build_core(ctx: NationalContext) -> None:
    """Regions and municipalities (shared with the demo's Region Midtjylland if it is loaded), the
    providers, the three rounds and the logins of every role."""
    for code, name, _share, (low, high), municipalities in REGIONS:
        region, _created = Region.objects.get_or_create(code=code, defaults={"name": name})
        ctx.regions[code] = region
        ctx.municipalities[code] = [
            Municipality.objects.get_or_create(region=region, name=m)[0] for m in municipalities
        ]
        step = (high - low) // len(municipalities)
        for n, municipality in enumerate(ctx.municipalities[code]):
            ctx.postcodes[municipality.pk] = str(low + n * step - (low + n * step) % 10)
    ctx.providers = {
        name: ProviderOrganisation.objects.get_or_create(name=name)[0] for name in NATIONAL_PROVIDERS
    }
    ctx.rounds = [
        _make_round(ctx, ctx.regions[code], name, max(1, round(places * ctx.scale)), days)
        for code, name, places, days in ROUNDS
    ]
    # Leaders and the steering group per round; the first leader of each round has a password.
    ctx.users = {"leaders": {}, "steering": {}}
    for round_obj in ctx.rounds:
        scope = round_obj.region.code
        leaders, steering = [], []
        for n in (1, 2):
            email = _role_email("leder", n, scope)
            user = (
                login(ctx, "Project leader", email, ctx.person_name(), round_obj.name)
                if n == 1
                else user_get_or_create(email=email, full_name=ctx.person_name())
            )
            role_grant(user=user, role=Role.PROJECT_LEADER, round=round_obj)
            leaders.append(user)
        for n in range(1, 6):
            email = _role_email("folgegruppe", n, scope)
            user = (
                login(ctx, "Steering group", email, ctx.person_name(), round_obj.name)
                if n == 1
                else user_get_or_create(email=email, full_name=ctx.person_name())
            )
            role_grant(user=user, role=Role.STEERING, round=round_obj)
            steering.append(user)
        ctx.users["leaders"][round_obj.pk] = leaders
        ctx.users["steering"][round_obj.pk] = steering
    main = ctx.main_round
    for code, region in ctx.regions.items():
        user = login(ctx, "KEU secretariat", _role_email("keu", 1, code), ctx.person_name(), region.name)
        role_grant(user=user, role=Role.KEU, region=region)
    user = login(ctx, "Consultant", _role_email("konsulent", 1, "landsdata"), ctx.person_name(), main.name)
    role_grant(user=user, role=Role.CONSULTANT, round=main)
    user = login(ctx, "Evaluator", _role_email("evaluator", 1, "landsdata"), ctx.person_name(), main.name)
    role_grant(user=user, role=Role.EVALUATOR, round=main)
    for n, (name, provider) in enumerate(ctx.providers.items(), start=1):
        email = _role_email("udbyder", n, "landsdata")
        user = (
            login(ctx, "Activity provider", email, ctx.person_name(), name)
            if n == 1
            else user_get_or_create(email=email, full_name=ctx.person_name())
        )
        role_grant(user=user, role=Role.PROVIDER, provider=provider)
    login(ctx, "Administrator", f"admin@{DOMAIN}", "Portaladministrator", "/admin/", is_staff=True,
          is_superuser=True)  # fmt: skip


class Stopwatch:
    """Times each builder for the command's summary."""

    def __init__(self, ctx: NationalContext, name: str):
        self.ctx, self.name = ctx, name

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.ctx.timings.append((self.name, time.perf_counter() - self.start))


def weighted_order(rng: random.Random, items: list, weights: list[float]) -> list:
    """The items in a random order where heavier items tend to come first (Efraimidis–Spirakis)."""
    keyed = [(math.log(rng.random() or 1e-12) / w, n) for n, w in enumerate(weights)]
    return [items[n] for _key, n in sorted(keyed, reverse=True)]
