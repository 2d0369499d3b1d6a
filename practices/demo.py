"""Demo data of practices/: about 40 invented practices in Region Midtjylland (names from places and
streets, never from doctors; CVR numbers pass the modulus-11 check, provider numbers have 6 digits)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ligepraksis.demo import DemoContext, cvr_from_seven
from ligepraksis.registry import demo_builder
from practices.models import PracticeType
from practices.selectors import practice_find
from practices.services import practice_register


@dataclass(frozen=True)
class DemoPractice:
    name: str
    address: str
    postcode: str
    city: str
    municipality: str
    form: str
    capacities: str


S, P, C, R = PracticeType.SOLO, PracticeType.PARTNERSHIP, PracticeType.COOPERATING, PracticeType.REGION_CLINIC
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


def provider_number(ctx, used: set[str], leading_zero: bool) -> str:
    while True:
        low = 10_000 if leading_zero else 100_000
        number = f"{ctx.id_rng.randrange(low, low * 10):06d}"
        if number not in used:
            used.add(number)
            return number


def cvr(ctx, used: set[str]) -> str:
    while True:
        seven = str(ctx.id_rng.randint(1, 4)) + "".join(str(ctx.id_rng.randrange(10)) for _ in range(6))
        cvr = cvr_from_seven(seven)
        if cvr and cvr not in used:
            used.add(cvr)
            return cvr


def make_practice(ctx, spec: DemoPractice, municipalities, numbers_used, cvrs_used):
    count = 2 if spec.form == PracticeType.COOPERATING else 1
    numbers = [
        provider_number(ctx, numbers_used, leading_zero=ctx.id_rng.random() < 0.3) for _ in range(count)
    ]
    existing = practice_find(provider_number=numbers[0])
    if existing is not None:
        return existing
    capacities = Decimal(spec.capacities)
    per_doctor = ctx.id_rng.randint(1450, 1800)
    patients = int(round(float(capacities) * per_doctor, -1))
    staff = max(2, round(float(capacities) * ctx.id_rng.uniform(1.6, 2.6)))
    return practice_register(
        provider_numbers=numbers,
        cvr=cvr(ctx, cvrs_used),
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


@demo_builder(order=20, name="practices")
def build_practices(ctx: DemoContext) -> None:
    """The practices, in the order of PRACTICES (the applications builder applies with them)."""
    if ctx.existing:
        return
    numbers_used: set[str] = set()
    cvrs_used: set[str] = set()
    ctx.extra["practices"] = [
        (spec, make_practice(ctx, spec, ctx.municipalities, numbers_used, cvrs_used)) for spec in PRACTICES
    ]
