"""Agenda documents: bounded before reading, type checked by extension *and* content."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.problems import DomainError
from rathaus.meetings import caching, conf
from rathaus.meetings.models import AgendaItem, Document
from rathaus.meetings.services.minutes import _require_editable
from rathaus.meetings.validation import one_line

# extension -> (MIME type, accepted leading bytes)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


@transaction.atomic
def document_add(*, actor, item: AgendaItem, upload: UploadedFile, kind: str) -> Document:
    _require_editable(item.meeting)
    limit = conf.max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise DomainError(
            "file_too_large",
            _("Die Datei ist größer als %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            errors=[{"field": "file"}],
        )
    name = one_line(upload.name or "", field="file")[:200]
    allowed = ALLOWED.get(_extension(name))
    head = upload.read(16)
    upload.seek(0)
    if allowed is None or not head.startswith(allowed[1]):
        raise DomainError(
            "file_type",
            _("Erlaubt sind PDF, Word, Excel, PowerPoint, OpenDocument-Text, PNG und JPEG."),
            errors=[{"field": "file"}],
        )
    digest = hashlib.sha1()  # noqa: S324 (OParl's sha1Checksum, not security)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        municipality_id=item.municipality_id,
        item=item,
        kind=kind,
        name=name,
        mime_type=allowed[0],
        size=upload.size,
        sha1=digest.hexdigest(),
    )
    document.file.save(f"{item.pk}{_extension(name)}", upload, save=False)
    document.save()
    caching.bump(item.body_id, item.municipality_id)
    audit.record(actor=actor, instance=document, action="create", summary=f"Dokument {name}")
    return document
