"""The core's upload check (ligepraksis/uploads.py), shared by hour-claim evidence and the material:
content decides the kind, the extension must match it, Office macros are refused, and the size
handler stops reading a request that is too large."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload

from ligepraksis.errors import DomainError
from ligepraksis.uploads import MB, SizeLimitUploadHandler, check_upload

PNG = b"\x89PNG\r\n\x1a\n...."


def _check(name, content, kinds=("pdf", "png", "jpg")):
    return check_upload(
        SimpleUploadedFile(name, content), kinds=kinds, max_bytes=MB, field="f", type_message="x"
    )


def test_the_kind_comes_from_the_content():
    assert _check("foto.png", PNG) == "png"
    assert _check("foto.JPEG", b"\xff\xd8\xff\xe0..") == "jpg"


def test_an_image_named_as_another_kind_is_refused():
    with pytest.raises(DomainError) as refused:
        _check("foto.jpg", PNG)
    assert refused.value.code == "extension" and refused.value.field == "f"


def test_a_kind_not_asked_for_is_refused():
    with pytest.raises(DomainError) as refused:
        _check("foto.png", PNG, kinds=("pdf",))
    assert refused.value.code == "file_type"


def test_a_file_over_the_limit_is_refused_before_its_content_is_read():
    upload = SimpleUploadedFile("a.pdf", b"%PDF" + b"0" * MB)
    with pytest.raises(DomainError) as refused:
        check_upload(upload, kinds=("pdf",), max_bytes=MB, field="f", type_message="x")
    assert refused.value.code == "too_large"


def test_the_handler_refuses_a_body_declared_too_large_without_reading_the_file():
    handler = SizeLimitUploadHandler(MB)
    handler.handle_raw_input(None, {}, 3 * MB, b"boundary")
    assert handler.too_large
    with pytest.raises(StopUpload):
        handler.new_file("file", "a.pdf", "application/pdf", 3 * MB)


def test_the_handler_stops_reading_a_file_past_the_limit():
    handler = SizeLimitUploadHandler(MB)
    handler.handle_raw_input(None, {}, None, b"boundary")
    handler.new_file("file", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"0" * MB, 0) is not None
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"0", MB)
    assert handler.too_large
