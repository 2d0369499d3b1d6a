"""The programme's material: uploads checked by content and size (macro Office files, a renamed EXE,
a PDF named .docx and a file of 25 MB + 1 byte refused, nothing stored), the public list and download
(only published files, a safe Content-Disposition, the right type, nosniff), unpublish and delete,
and the public list's query count."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ligepraksis.errors import DomainError
from ligepraksis.uploads import sniff
from progress.models.material import Material
from progress.sample_files import DOCX_CONTENT_TYPES, sample_docx, sample_pdf
from progress.services import material as services
from tests.helpers import body, english, login

PDF = sample_pdf("Drejebog", ["Linje 1", "Linje 2"])
DOCX = sample_docx("Klinikmodul", ["Afsnit"])


def sample_pptx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/ppt/presentation.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
        )
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(leader, round_obj, name, content, **kw):
    fields = {"title": "Drejebog", "kind": "playbook"}
    fields.update(kw)
    return services.material_upload(
        user=leader, round_obj=round_obj, upload=SimpleUploadedFile(name, content), **fields
    )


def _stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("name", "content", "kind"), [("a.pdf", PDF, "pdf"), ("b.docx", DOCX, "docx"),
                                                        ("c.pptx", sample_pptx(), "pptx")])  # fmt: skip
def test_pdf_docx_and_pptx_are_accepted_by_content(leader, closed_round, media, name, content, kind):
    material = _upload(leader, closed_round, name, content)
    assert material.file_type == kind and material.size == len(content) and material.filename == name
    assert default_storage.exists(material.file.name) and material.file.name.startswith("material/")
    assert material.file.name.rsplit("/", 1)[-1] != name  # stored under a random name


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("makro.docx", sample_docx("x", ["y"], extra=[("word/vbaProject.bin", b"\xd0\xcf")]), "macro"),
        (
            "makro.docx",
            sample_docx("x", ["y"], content_types=DOCX_CONTENT_TYPES.replace(
                "wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml")),
            "macro",
        ),
        ("program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "file_type"),  # a renamed EXE
        ("program.docx", b"MZ\x90\x00\x03" + b"\x00" * 100, "file_type"),
        ("drejebog.docx", PDF, "extension"),  # a PDF named .docx
        ("arkiv.docx", _zip := b"PK\x03\x04" + b"\x00" * 40, "file_type"),  # a broken zip
        ("billede.pdf", b"\x89PNG\r\n\x1a\n....", "file_type"),  # an image is not material
    ],
)  # fmt: skip
def test_bad_files_are_refused_and_nothing_is_stored(leader, closed_round, media, name, content, code):
    with pytest.raises(DomainError) as refused:
        _upload(leader, closed_round, name, content)
    assert refused.value.code == code and refused.value.field == "file"
    assert not Material.objects.exists() and not _stored(media)


def test_a_file_of_25_mb_and_a_byte_is_refused(leader, closed_round, media):
    big = PDF + b"0" * (25 * 1024 * 1024 + 1 - len(PDF))
    with pytest.raises(DomainError) as refused:
        _upload(leader, closed_round, "stor.pdf", big)
    assert refused.value.code == "too_large"
    assert not Material.objects.exists() and not _stored(media)
    exactly = _upload(leader, closed_round, "praecis.pdf", big[:-1])
    assert exactly.size == 25 * 1024 * 1024


def test_a_too_large_upload_is_refused_on_the_page_before_it_is_stored(client, leader, closed_round, media):
    big = PDF + b"0" * (25 * 1024 * 1024 + 1 - len(PDF))
    url = reverse("progress:material_manage", args=[closed_round.pk])
    response = english(login(client, leader)).post(
        url, {"title": "Stor", "kind": "playbook", "file": SimpleUploadedFile("stor.pdf", big)}
    )
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not Material.objects.exists() and not _stored(media)


def test_a_cpr_number_in_the_title_or_file_name_is_refused(leader, closed_round, media):
    with pytest.raises(DomainError):
        _upload(leader, closed_round, "a.pdf", PDF, title="Til 010190-1234")
    with pytest.raises(DomainError):
        _upload(leader, closed_round, "scan-0101901234.pdf", PDF)
    assert not Material.objects.exists() and not _stored(media)


def test_only_the_rounds_leaders_upload(closed_round, steering, media):
    with pytest.raises(DomainError):
        _upload(steering, closed_round, "a.pdf", PDF)


def test_sniff_reads_only_what_it_needs():
    assert sniff(SimpleUploadedFile("a", PDF)) == "pdf"
    assert sniff(SimpleUploadedFile("a", DOCX), kinds=["pdf"]) is None  # a zip not opened unless asked


# --- Public list and download ------------------------------------------------------------------------------


def test_anyone_downloads_a_published_file_safely(client, leader, closed_round, media):
    material = _upload(leader, closed_round, 'drejebog "ny".pdf', PDF)
    listing = client.get(reverse("progress:material")).content.decode()
    assert material.title in listing
    response = client.get(reverse("progress:material_download", args=[material.pk]))
    assert response.status_code == 200 and body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and '"ny"' not in disposition


def test_a_docx_is_served_as_a_word_document(client, leader, closed_round, media):
    material = _upload(leader, closed_round, "modul.docx", DOCX, kind="clinic_module")
    response = client.get(reverse("progress:material_download", args=[material.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessing")


def test_an_unpublished_file_is_neither_listed_nor_downloadable(client, leader, closed_round, media):
    material = _upload(leader, closed_round, "a.pdf", PDF, published=False, title="Udkast til modul")
    assert material.title not in client.get(reverse("progress:material")).content.decode()
    assert client.get(reverse("progress:material_download", args=[material.pk])).status_code == 404


def test_a_leader_unpublishes_and_deletes(client, leader, closed_round, media):
    material = _upload(leader, closed_round, "a.pdf", PDF)
    url = reverse("progress:material_edit", args=[material.pk])
    login(client, leader)
    response = client.post(
        url, {"title": "Drejebog", "kind": "playbook", "description": ""}
    )  # published unticked
    assert response.status_code == 302
    material.refresh_from_db()
    assert not material.published
    name = material.file.name
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            assert client.post(url, {"action": "delete"}).status_code == 302
    assert not Material.objects.exists() and not default_storage.exists(name)


def test_the_leader_uploads_on_the_page(client, leader, closed_round, media):
    url = reverse("progress:material_manage", args=[closed_round.pk])
    response = login(client, leader).post(
        url,
        {
            "title": "Modul",
            "kind": "clinic_module",
            "published": "on",
            "file": SimpleUploadedFile("m.docx", DOCX),
        },
    )
    assert response.status_code == 302
    assert Material.objects.get().file_type == "docx"


def test_the_upload_page_still_checks_the_csrf_token(leader, closed_round, media):
    """The view is csrf_exempt only so its size limit is in place before the body is read; the check
    runs inside (csrf_protect): a cross-site POST without the token is refused and nothing is stored."""
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), leader)
    url = reverse("progress:material_manage", args=[closed_round.pk])
    data = {
        "title": "Modul",
        "kind": "clinic_module",
        "published": "on",
        "file": SimpleUploadedFile("m.docx", DOCX),
    }
    assert client.post(url, data).status_code == 403
    assert not Material.objects.exists() and not _stored(media)
    client.get(url)  # the form page sets the token cookie
    token = client.cookies["csrftoken"].value
    data["file"] = SimpleUploadedFile("m.docx", DOCX)  # the first POST read the file to its end
    assert client.post(url, {**data, "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.parametrize("n", [5, 50])
def test_the_public_list_costs_the_same_for_5_and_50_files(
    client, leader, closed_round, media, n, django_assert_num_queries
):
    for k in range(n):
        Material.objects.create(
            round=closed_round, title=f"Fil {k}", kind="playbook", file=f"material/x/{k}.pdf",
            file_type="pdf",
            size=100, filename=f"{k}.pdf", uploaded_by=leader,
        )  # fmt: skip
    url = reverse("progress:material")
    with django_assert_num_queries(QUERIES_PUBLIC_LIST):
        response = client.get(url)
    assert response.content.decode().count('data-row="material"') == n


QUERIES_PUBLIC_LIST = 2  # the count and the page


def test_a_renamed_exe_is_refused_on_the_page_at_its_field(client, leader, closed_round, media):
    url = reverse("progress:material_manage", args=[closed_round.pk])
    response = english(login(client, leader)).post(
        url,
        {"title": "Program", "kind": "other", "file": SimpleUploadedFile("drejebog.pdf", b"MZ\x90\x00rest")},
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Material.objects.exists() and not _stored(media)


@pytest.mark.parametrize("n", [5, 50])
def test_the_leaders_list_costs_the_same_for_5_and_50_files(
    client, leader, closed_round, media, n, django_assert_num_queries
):
    for k in range(n):
        Material.objects.create(
            round=closed_round, title=f"Fil {k}", kind="other", file=f"material/x/{k}.pdf", file_type="pdf",
            size=100, filename=f"{k}.pdf", uploaded_by=leader, published=k % 2 == 0,
        )  # fmt: skip
    url = reverse("progress:material_manage", args=[closed_round.pk])
    login(client, leader).get(url)
    with django_assert_num_queries(QUERIES_MANAGE_LIST):
        response = client.get(url)
    assert response.content.decode().count('data-row="material"') == n


QUERIES_MANAGE_LIST = 11  # session, user, grants, the round, the menu, the count and the page
