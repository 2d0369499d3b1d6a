"""Uploaded files, checked by content: the one home of "is this file what it says it is".

`check_upload(upload, kinds=..., max_bytes=..., field=...)` refuses, with a DomainError naming the
form field, a file that is too large, whose content is none of the allowed kinds (magic bytes for
PDF, PNG and JPEG; the zip structure and content types for DOCX and PPTX), whose name's extension
does not match its content (a PDF renamed .docx, an EXE renamed .pdf), or an Office file with macros
(a `vbaProject.bin` part or a macroEnabled content type). It returns the kind found.

Only the first bytes and, for Office files, the zip's directory and `[Content_Types].xml` are read:
nothing is unpacked. `SizeLimitUploadHandler` stops reading a request's file once it passes the limit,
so a view can refuse a huge upload before it is stored in full.

Used by hour-claim evidence (activities/) and the programme's material (progress/).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext_lazy as _

from ligepraksis.errors import DomainError

MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    t.key: t
    for t in (
        FileType("pdf", "PDF", ("pdf",), "application/pdf"),
        FileType("png", "PNG", ("png",), "image/png"),
        FileType("jpg", "JPEG", ("jpg", "jpeg"), "image/jpeg"),
        FileType(
            "docx",
            "DOCX",
            ("docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "pptx",
            "PPTX",
            ("pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    )
}
MAGIC = {b"%PDF": "pdf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpg"}
MACRO = "macro"  # what `sniff` says of an Office file with macros

# An Office file's main part and its content type, by kind.
_OFFICE_MAIN = {
    "docx": ("word/document.xml", b"wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml", b"presentationml.presentation.main+xml"),
}
_MAX_ZIP_ENTRIES = 10_000
_MAX_CONTENT_TYPES_BYTES = MB

TOO_LARGE = _("The file is too large (at most %(mb)s MB).")
MACRO_MESSAGE = _(
    "Office files with macros are not accepted. Save the file as an ordinary document (.docx or .pptx) "
    "without macros and upload it again."
)
WRONG_EXTENSION = _(
    "The file's name ends in .%(ext)s, but its content is %(kind)s. Give the file the extension that "
    "matches its content."
)


def _office_kind(upload) -> str | None:
    """ "docx", "pptx", MACRO or None, from the zip's directory and its content types only."""
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_ZIP_ENTRIES:
                return None
            names = {info.filename.lower(): info for info in infos}
            if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
                return MACRO
            types = names.get("[content_types].xml")
            if types is None or types.file_size > _MAX_CONTENT_TYPES_BYTES:
                return None
            content_types = archive.read(types).lower()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return None
    if b"macroenabled" in content_types:
        return MACRO
    for kind, (main_part, content_type) in _OFFICE_MAIN.items():
        if main_part in names and content_type in content_types:
            return kind
    return None


def sniff(upload, kinds=None) -> str | None:
    """The kind of an uploaded file by its content (a key of FILE_TYPES, MACRO, or None). Only the
    `kinds` asked for are looked for (Office files are opened as zips only when asked)."""
    kinds = set(kinds or FILE_TYPES)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04") and kinds & set(_OFFICE_MAIN):
        try:
            return _office_kind(upload)
        finally:
            upload.seek(0)
    return None


def extension(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def check_upload(upload, *, kinds, max_bytes: int, field: str, type_message) -> str:
    """Refuse a file that is too large, of another kind than `kinds` (by content), named with an
    extension that does not match its content, or an Office file with macros; return its kind."""
    if upload.size is not None and upload.size > max_bytes:
        raise DomainError(TOO_LARGE % {"mb": max_bytes // MB}, field=field, code="too_large")
    kind = sniff(upload, kinds)
    if kind == MACRO:
        raise DomainError(MACRO_MESSAGE, field=field, code="macro")
    if kind not in kinds:
        raise DomainError(type_message, field=field, code="file_type")
    ext = extension(upload.name)
    if ext not in FILE_TYPES[kind].extensions:
        raise DomainError(
            WRONG_EXTENSION % {"ext": ext or "?", "kind": FILE_TYPES[kind].label},
            field=field,
            code="extension",
        )
    return kind


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading the request once a file (or the declared body) passes `max_bytes`: put it first
    in `request.upload_handlers` before the request's POST is read. `too_large` says it stopped."""

    def __init__(self, max_bytes: int, request=None):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False
        self._received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        # The whole body is larger than a file may be (with room for the other fields): refuse
        # without reading the file's bytes at all.
        if content_length and content_length > self.max_bytes + MB:
            self.too_large = True
        return None

    def new_file(self, *args, **kwargs):
        self._received = 0
        if self.too_large:
            raise StopUpload(connection_reset=True)
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.max_bytes:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
