"""What the programme's material adds to the start page, the round menu, the measured pages and the
demo data (two small files made in code)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _

from ligepraksis.demo import DemoContext
from ligepraksis.permissions import role_grants
from ligepraksis.registry import (
    Card,
    Link,
    MeasuredPage,
    demo_builder,
    measured_pages,
    round_menu_links,
    start_cards,
)
from practices.permissions import own_practice_ids
from progress.models.material import Material, MaterialKind
from progress.sample_files import sample_docx, sample_pdf
from progress.services import material as services


@start_cards
def material_card(request):
    user = request.user
    if user.is_authenticated and not own_practice_ids(user) and role_grants(user):
        return []
    return [
        Card(
            title=_("Material for every practice"),
            text=_("The playbook and the clinic module's material, free to download."),
            links=(Link(_("See the material"), reverse("progress:material")),),
            order=11,
            key="material",
        )
    ]


@round_menu_links(order=40)
def round_links(user, round_obj, *, is_leader):
    if not is_leader:
        return []
    return [Link(_("Material"), reverse("progress:material_manage", args=[round_obj.pk]))]


@measured_pages
def pages():
    return [MeasuredPage("public material", "anonymous", reverse("progress:material"))]


PLAYBOOK_LINES = [
    "1. Vælg en gruppe af sårbare patienter, som praksis vil gøre noget særligt for.",
    "2. Drøft i hele praksis, hvad der er svært for gruppen i dag.",
    "3. Vælg en lille ændring, afprøv den i to uger, og følg op (PDSA).",
    "4. Skriv en kort statusrapport hver anden måned.",
    "5. Del erfaringerne med de andre praksis.",
]
MODULE_PARAGRAPHS = [
    "Klinikmodulet gennemføres af hele personalet på et personalemøde af cirka to timers varighed.",
    "Del 1: Hvem er de sårbare patienter i vores praksis?",
    "Del 2: Hvilke udfordringer møder de, og hvilke møder vi?",
    "Del 3: Hvad vil vi arbejde med? Vælg et fokus og en første lille ændring.",
]


@demo_builder(order=53, name="progress.material")
def build_material_demo(ctx: DemoContext) -> None:
    if ctx.round_a is None or Material.objects.filter(round=ctx.round_a).exists():
        return
    leader = ctx.users["leaders"][0]
    services.material_upload(
        user=leader,
        round_obj=ctx.round_a,
        upload=SimpleUploadedFile(
            "drejebog-lige-praksis.pdf", sample_pdf("Drejebog for Lige Praksis", PLAYBOOK_LINES)
        ),
        title="Drejebog for Lige Praksis i Midt",
        kind=MaterialKind.PLAYBOOK,
        description="Trin for trin fra klinikmodul til egen indsats og statusrapporter.",
    )
    services.material_upload(
        user=leader,
        round_obj=ctx.round_a,
        upload=SimpleUploadedFile(
            "klinikmodul.docx",
            sample_docx("Klinikmodulet: sårbare patienter i vores praksis", MODULE_PARAGRAPHS),
        ),
        title="Klinikmodulet: mødeguide",
        kind=MaterialKind.CLINIC_MODULE,
        description="Guide til personalemødet, hvor hele praksis gennemgår klinikmodulet.",
    )
