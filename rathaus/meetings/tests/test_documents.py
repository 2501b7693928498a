"""Agenda documents: wrong type or size is an error at the field; public ones reach OParl."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rathaus.meetings.services import minutes as services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at

PDF = b"%PDF-1.4\n" + b"0" * 2000


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path):
    settings.RATHAUS_MEETINGS_DOCUMENTS_ROOT = str(tmp_path)
    settings.RATHAUS_MEETINGS_MAX_UPLOAD = 10_000


@pytest.fixture
def item(town):
    body, _ = crisis_staff(town, name="Rat", public=True, kind="council")
    m = meeting_at(body, timezone.now() + timedelta(days=3))
    return services.agenda_item_add(actor=None, body=body, meeting=m, title="Haushalt", public=True)


def _post(client, item, name, content):
    return client.post(
        f"/gremien/top/{item.pk}/dokument/",
        {"kind": "annex", "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.django_db
def test_upload_checks_type_and_size_at_the_field(client, office, item):
    client.force_login(office)
    wrong = _post(client, item, "makro.exe", b"MZ\x90\x00")
    assert wrong.status_code == 422 and 'id="id_file_error"' in wrong.content.decode()
    disguised = _post(client, item, "vorlage.pdf", b"<html>not a pdf</html>")
    assert disguised.status_code == 422
    big = _post(client, item, "gross.pdf", b"%PDF-" + b"0" * 20_000)
    assert big.status_code == 422 and "größer als" in big.content.decode()
    ok = _post(client, item, "Haushaltsplan 2027.pdf", PDF)
    assert ok.status_code == 302
    doc = item.documents.get()
    assert doc.mime_type == "application/pdf" and doc.size == len(PDF) and len(doc.sha1) == 40
    download = client.get(f"/gremien/dokument/{doc.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "Haushaltsplan 2027.pdf" in download["Content-Disposition"]


@pytest.mark.django_db
def test_public_documents_are_oparl_files(client, office, item):
    client.force_login(office)
    _post(client, item, "plan.pdf", PDF)
    client.logout()
    doc = item.documents.get()
    data = client.get(f"/oparl/v1/file/{doc.pk}").json()
    assert data["type"] == "https://schema.oparl.org/1.1/File" and data["size"] == len(PDF)
    response = client.get(data["accessUrl"])
    assert response.status_code == 200
    listing = client.get(f"/oparl/v1/body/{item.municipality_id}/file").json()
    assert [f["id"] for f in listing["data"]] == [data["id"]]
