"""The national data set's practices and people (see `ligepraksis/national.py`).

1,700 invented practices over the five regions (names from words for practices and streets, never
from doctors; CVR and provider numbers from the demo's helpers) and 9,000 people, each practice
with at least one doctor and one staff member, both with an e-mail address (the coordinators an
application names). Every practice has one login acting for it: its first doctor's.

Through the services: `practice_register` (via the demo's `make_practice`), `member_create` (the
service behind "add a person"; the permission check of `person_add` is the caller's, and the
generator acts as the portal's staff) and `member_login_attach`; one batched update dates the
practices and memberships back to before the first round (the services stamp today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from ligepraksis.demo import ascii_fold
from ligepraksis.national import REGIONS, NationalContext, allocate
from ligepraksis.registry import national_builder
from practices.demo import DemoPractice, make_practice
from practices.models import Membership, Person, PersonKind, Practice, PracticeType
from practices.services import member_create, member_login_attach

PREFIXES = [
    "Lægehuset", "Lægerne på", "Lægeklinikken", "Lægecentret", "Sundhedshuset", "Lægepraksis",
    "Lægerne ved", "Familielægerne på",
]  # fmt: skip
STREETS = [
    "Bakkegade", "Skovvej", "Torvet", "Søndergade", "Nørregade", "Vestergade", "Østergade", "Kirkevej",
    "Møllevej", "Engvej", "Stationsvej", "Parkvej", "Strandvej", "Havnegade", "Bredgade", "Algade",
    "Ringvej", "Skolevej", "Bygaden", "Åboulevarden", "Lindevej", "Birkevej", "Bøgevej", "Ahornvej",
    "Kongevej", "Jernbanegade", "Markvej", "Fjordvej", "Sølvgade", "Nygade", "Toftevej", "Klostergade",
]  # fmt: skip
STAFF_TITLES = ["Sygeplejerske", "Lægesekretær", "Praksismanager", "Bioanalytiker", "Sygeplejerske"]
# Form, doctor capacities and weight.
FORMS = [
    (PracticeType.SOLO, ["1", "1", "1.5"], 40),
    (PracticeType.PARTNERSHIP, ["2", "2.5", "3", "3.5", "4"], 35),
    (PracticeType.COOPERATING, ["4", "5", "6", "7"], 15),
    (PracticeType.REGION_CLINIC, ["1.5", "2", "3"], 10),
]


@dataclass
class NationalPractice:
    """A practice of the data set, its login and its people (what the later builders use)."""

    practice: Practice
    region: str
    user: object = None  # the login acting for the practice (its first doctor)
    doctors: list[Person] = field(default_factory=list)
    staff: list[Person] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        return [*self.doctors, *self.staff]


def _names(ctx: NationalContext, municipalities, count: int):
    """(name, street, municipality) of `count` practices with distinct names."""
    used: set[str] = set()
    for _n in range(count):
        municipality = ctx.rng.choice(municipalities)
        street = ctx.rng.choice(STREETS)
        name = f"{ctx.rng.choice(PREFIXES)} {street}"
        if name in used:
            name = f"{name}, {municipality.name}"
        k = 2
        base = name
        while name in used:
            name = f"{base} {k}"
            k += 1
        used.add(name)
        yield name, street, municipality


def _person(ctx, entry: NationalPractice, slug: str, emails: set[str], kind: str, *, email: bool) -> Person:
    name = ctx.person_name()
    address = ""
    if email:
        address = f"{ascii_fold(name)}@{slug}.example"
        k = 2
        while address in emails:
            address = f"{ascii_fold(name)}{k}@{slug}.example"
            k += 1
        emails.add(address)
    title = "Praktiserende læge" if kind == PersonKind.DOCTOR else ctx.rng.choice(STAFF_TITLES)
    person = member_create(practice=entry.practice, name=name, kind=kind, email=address, title=title)
    (entry.doctors if kind == PersonKind.DOCTOR else entry.staff).append(person)
    return person


@national_builder(order=20, name="practices")
def build_practices(ctx: NationalContext) -> None:
    total = ctx.count("practices")
    per_region = allocate(total, [share for _c, _n, share, _p, _m in REGIONS])
    # Every round's region holds at least its applications and one more.
    minimum = {code: 0 for code, *_rest in REGIONS}
    for n, round_obj in enumerate(ctx.rounds):
        minimum[round_obj.region.code] = ctx.count("applications", n) + 1
    per_region = [max(k, minimum[code]) for k, (code, *_rest) in zip(per_region, REGIONS, strict=True)]

    numbers_used: set[str] = set()
    cvrs_used: set[str] = set()
    practices: list[NationalPractice] = []
    for (code, _name, _share, _postcodes, _m), count in zip(REGIONS, per_region, strict=True):
        municipalities = ctx.municipalities[code]
        by_name = {m.name: m for m in municipalities}
        for name, street, municipality in _names(ctx, municipalities, count):
            form, capacities, _w = ctx.rng.choices(FORMS, weights=[f[2] for f in FORMS])[0]
            spec = DemoPractice(
                name=name,
                address=f"{street} {ctx.rng.randint(1, 120)}",
                postcode=ctx.postcodes[municipality.pk],
                city=municipality.name,
                municipality=municipality.name,
                form=form,
                capacities=ctx.rng.choice(capacities),
            )
            practice = make_practice(ctx, spec, by_name, numbers_used, cvrs_used)
            practices.append(NationalPractice(practice=practice, region=code))

    # People: one doctor and one staff member each (both with an e-mail address), the rest spread by
    # the practice's size; two in three of them have an e-mail address.
    people = max(ctx.count("people"), 2 * len(practices))
    extra = allocate(
        people - 2 * len(practices),
        [float(p.practice.doctor_capacities) + p.practice.staff_count for p in practices],
    )
    for entry, more in zip(practices, extra, strict=True):
        practice = entry.practice
        slug = ascii_fold(practice.name).replace(".", "-").replace(",", "")
        emails: set[str] = set()
        doctor = _person(ctx, entry, slug, emails, PersonKind.DOCTOR, email=True)
        _person(ctx, entry, slug, emails, PersonKind.STAFF, email=True)
        share = float(practice.doctor_capacities) / (float(practice.doctor_capacities) + practice.staff_count)
        for _n in range(more):
            kind = PersonKind.DOCTOR if ctx.rng.random() < share else PersonKind.STAFF
            _person(ctx, entry, slug, emails, kind, email=ctx.rng.random() < 2 / 3)
        member_login_attach(practice=practice, person=doctor)  # a new login acting for the practice
        entry.user = doctor.user
    # The services stamp today; date the practices and memberships as if they were there before the
    # first round opened (as the demo dates its history), so that no one attended before joining.
    since = min(r.applications_open_at for r in ctx.rounds) - dt.timedelta(days=365)
    ids = [p.practice.pk for p in practices]
    Practice.objects.filter(pk__in=ids).update(created_at=since, confirmed_at=since)
    Membership.objects.filter(practice_id__in=ids).update(started_on=timezone.localdate(since))
    ctx.extra["practices"] = practices
    ctx.say(f"  {len(practices)} practices, {people} people")
