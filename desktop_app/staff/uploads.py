"""Checks on files people upload: photos and application documents.

The type is decided by the file's first bytes, not its name: a renamed
executable is not a PDF however it is called.
"""

from __future__ import annotations

from desktop_app.kernel.errors import ValidationError

MAX_PHOTO_BYTES = 2 * 1024 * 1024
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_KINDS = ("licence", "identity", "other")

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"%PDF-", "application/pdf"),
)


def sniff(data: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_photo(data: bytes) -> str:
    """The photo's content type, or a clear refusal."""
    if not data:
        raise ValidationError("The photo file is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(
            f"The photo is too large ({_megabytes(len(data))}); "
            f"use one under {_megabytes(MAX_PHOTO_BYTES)}."
        )
    content_type = sniff(data)
    if content_type is None or not content_type.startswith("image/"):
        raise ValidationError("The photo must be a PNG, JPEG or WebP image.")
    return content_type


def check_document(filename: str, kind: str, data: bytes) -> str:
    """The document's content type, or a clear refusal naming the file."""
    name = filename.strip() or "the document"
    if kind not in DOCUMENT_KINDS:
        raise ValidationError(f"Unknown kind of document {kind!r} for {name}.")
    if not data:
        raise ValidationError(f"{name} is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"{name} is too large ({_megabytes(len(data))}); the limit is "
            f"{_megabytes(MAX_DOCUMENT_BYTES)}."
        )
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(f"{name} cannot be read: send a PDF, PNG or JPEG file.")
    return content_type
