"""OParl 1.1: every object and list validates against the official JSON schemas; public only."""

import json
import os
from datetime import date, timedelta
from pathlib import Path

import jsonschema_rs
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rathaus.core.models import AuditEntry, Role
from rathaus.core.problems import DomainError
from rathaus.core.tests.factories import RoomFactory
from rathaus.meetings.models import LegislativeTerm, Meeting, Mode, Paper, Tombstone
from rathaus.meetings.services import bodies, documents, minutes, papers, tombstones
from rathaus.meetings.services import meetings as meeting_services
from rathaus.meetings.tests.factories import crisis_staff, meeting_at

SCHEMAS = Path(
    os.environ.get("RATHAUS_OPARL_SCHEMAS")
    or Path(settings.BASE_DIR).parent / "shared" / "standards" / "oparl-1.1"
)
if not SCHEMAS.is_dir():
    SCHEMAS = Path("/work/shared/standards/oparl-1.1")

pytestmark = pytest.mark.skipif(
    not SCHEMAS.is_dir(),
    reason=f"OParl 1.1 JSON schemas not found ({SCHEMAS}): copy the spec's schema/ folder there",
)


def validator(kind):
    return jsonschema_rs.validator_for(json.loads((SCHEMAS / f"{kind}.json").read_text()))


EMBEDDED = {
    "Body": {"legislativeTerm": "LegislativeTerm"},
    "Meeting": {"agendaItem": "AgendaItem", "location": "Location"},
    "Paper": {"consultation": "Consultation"},
    "Person": {"membership": "Membership"},
}


def check(obj, kind):
    errors = [str(e) for e in validator(kind).iter_errors(obj)]
    assert not errors, f"{kind} {obj.get('id')}: {errors}"
    for field, sub in EMBEDDED.get(kind, {}).items():
        value = obj.get(field)
        for inner in value if isinstance(value, list) else [value] if value else []:
            check(inner, sub)


@pytest.fixture
def council(town, settings, tmp_path):
    settings.RATHAUS_MEETINGS_DOCUMENTS_ROOT = str(tmp_path)
    body, people = crisis_staff(town, name="Rat", public=True, kind="council")
    room = RoomFactory(location__municipality=town, municipality=town)
    now = timezone.now()
    past = meeting_at(body, now - timedelta(days=10), mode=Mode.IN_PERSON, room=room)
    item = minutes.agenda_item_add(
        actor=None, body=body, meeting=past, title="Haushalt", public=True
    )
    minutes.agenda_item_add(actor=None, body=body, meeting=past, title="Personalie", public=False)
    minutes.decision_record(actor=None, item=item, text="Beschlossen.", yes=20, no=3, abstain=1)
    documents.document_add(
        actor=None, item=item, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 x"), kind="annex"
    )
    future = meeting_at(body, now + timedelta(days=40))
    meeting_services.meeting_invite(actor=None, meeting=future)
    paper = papers.paper_create(
        actor=None, municipality=town, reference="V/1", title="Rahmenplan", date=now.date()
    )
    papers.consultation_add(actor=None, paper=paper, meeting=future, role="decide")
    crisis_staff(town, name="Krisenstab Geheim")  # not public: never in OParl
    bodies.term_create(
        actor=None,
        municipality=town,
        name="Wahlperiode 2025–2030",
        start=date(2025, 11, 1),
        end=date(2030, 10, 31),
    )
    return body


@pytest.mark.django_db
def test_every_object_and_list_validates_against_the_schema(client, council, town):
    system = client.get("/oparl/v1/").json()
    check(system, "System")
    bodies = client.get(system["body"]).json()
    assert bodies["pagination"]["totalElements"] >= 1
    body = next(b for b in bodies["data"] if b["ags"] == town.ags)
    check(body, "Body")
    assert client.get(body["id"]).json() == body
    seen = {}
    for field, kind in (
        ("organization", "Organization"),
        ("person", "Person"),
        ("meeting", "Meeting"),
        ("paper", "Paper"),
        ("agendaItem", "AgendaItem"),
        ("consultation", "Consultation"),
        ("locationList", "Location"),
        ("legislativeTermList", "LegislativeTerm"),
        ("membership", "Membership"),
        ("file", "File"),
    ):
        page = client.get(body[field]).json()
        assert set(page) == {"data", "pagination", "links"}
        for obj in page["data"]:
            check(obj, kind)
            single = client.get(obj["id"])
            assert single.status_code == 200, obj["id"]
            check(single.json(), kind)
        seen[kind] = page["data"]
    assert [o["name"] for o in seen["Organization"]] == ["Rat"]
    assert {i["name"] for i in seen["AgendaItem"]} == {"Haushalt", "V/1 Rahmenplan"}
    assert "Beschlossen." in json.dumps(seen["AgendaItem"], ensure_ascii=False)
    assert "Personalie" not in json.dumps(seen, ensure_ascii=False)
    assert "Krisenstab" not in json.dumps(seen, ensure_ascii=False)
    assert seen["Paper"][0]["consultation"][0]["authoritative"] is True
    assert [f["fileName"] for f in seen["File"]] == ["plan.pdf"]
    assert [(t["name"], t["startDate"], t["endDate"]) for t in seen["LegislativeTerm"]] == [
        ("Wahlperiode 2025–2030", "2025-11-01", "2030-10-31")
    ]
    assert body["legislativeTerm"] == seen["LegislativeTerm"]


@pytest.mark.django_db
def test_paging_and_filters(client, council, town):
    url = f"/oparl/v1/body/{town.pk}/membership"
    first = client.get(url, {"limit": 2}).json()
    assert first["pagination"] == {
        "totalElements": 4,
        "elementsPerPage": 2,
        "currentPage": 1,
        "totalPages": 2,
    }
    second = client.get(first["links"]["next"]).json()
    assert "next" not in second["links"] and len(second["data"]) == 2
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get(url, {"modified_since": future}).json()["data"] == []
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert len(client.get(url, {"created_since": past}).json()["data"]) == 4
    bad = client.get(url, {"modified_since": "gestern"})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    assert client.get(url, {"limit": 0}).status_code == 400
    assert client.get("/oparl/v1/organization/999999").status_code == 404


@pytest.mark.django_db
def test_next_links_page_by_keyset_through_every_item_once(client, council, town):
    past = council.meetings.order_by("start").first()
    for n in range(23):
        minutes.agenda_item_add(
            actor=None, body=council, meeting=past, title=f"Punkt {n}", public=True
        )
    url = f"/oparl/v1/body/{town.pk}/agendaitem"
    page = client.get(url, {"limit": 5}).json()
    seen, pages = [], 0
    while True:
        pages += 1
        seen += [obj["id"] for obj in page["data"]]
        if "next" not in page["links"]:
            break
        assert "after=" in page["links"]["next"]  # keyset, not an offset
        page = client.get(page["links"]["next"]).json()
    assert page["pagination"]["totalElements"] == 25 and pages == 5
    assert len(seen) == len(set(seen)) == 25
    # addressing a page by number gives the same objects as following the links
    third = client.get(url, {"limit": 5, "page": 3}).json()
    assert [o["id"] for o in third["data"]] == seen[10:15]
    assert third["pagination"]["currentPage"] == 3 and "prev" in third["links"]
    assert client.get(url, {"limit": 5, "page": 9}).json()["data"] == []
    assert client.get(url, {"after": "x"}).status_code == 400


def _walk(client, url, **params) -> list[dict]:
    page = client.get(url, {"limit": 2, **params}).json()
    seen = list(page["data"])
    while "next" in page["links"]:
        page = client.get(page["links"]["next"]).json()
        seen += page["data"]
    return seen


@pytest.mark.django_db
def test_deleted_objects_stay_with_deleted_true_and_in_the_filters(client, council, town):
    """OParl 1.1: a deleted object keeps its id with ``deleted: true`` and the moment of its
    deletion as ``modified``; lists and their filters include it, so a harvester asking for
    ``modified_since`` learns of the deletion."""
    past = council.meetings.order_by("start").first()
    item = past.items.get(title="Haushalt")
    external = council.memberships.create(
        municipality=town, external_name="Dr. Extern", external_email="e@example.org"
    )
    secret, _ = crisis_staff(town, name="Krisenstab Intern")
    secret_meeting = meeting_at(secret, timezone.now() + timedelta(days=3))
    before = timezone.now() - timedelta(seconds=1)
    past_id, item_id, external_id, secret_id = past.pk, item.pk, external.pk, secret_meeting.pk
    stones = tombstones.delete_objects(actor=None, objects=[past, external, secret_meeting])
    # the meeting, its public item (not the non-public one), its file, the membership, the person
    assert stones == 5
    assert not Meeting.objects.filter(pk=past_id).exists()
    base = f"/oparl/v1/body/{town.pk}"
    for list_name, kind, key in (
        ("meeting", "Meeting", f"meeting/{past_id}"),
        ("agendaitem", "AgendaItem", f"agendaitem/{item_id}"),
        ("file", "File", "file/"),
        ("membership", "Membership", f"membership/{external_id}"),
        ("person", "Person", f"person/x-{external_id}"),
    ):
        everything = _walk(client, f"{base}/{list_name}")
        for obj in everything:
            check(obj, kind)
        gone = [o for o in everything if o["deleted"]]
        assert len(gone) == 1 and key in gone[0]["id"], (list_name, everything)
        assert set(gone[0]) >= {"id", "type", "created", "modified", "deleted"}
        # the filters treat it like any object: modified = the moment of deletion
        since = _walk(client, f"{base}/{list_name}", modified_since=before.isoformat())
        assert gone[0]["id"] in [o["id"] for o in since]
        later = (timezone.now() + timedelta(minutes=1)).isoformat()
        assert _walk(client, f"{base}/{list_name}", modified_since=later) == []
        created_later = _walk(client, f"{base}/{list_name}", created_since=later)
        assert gone[0]["id"] not in [o["id"] for o in created_later]
        single = client.get(gone[0]["id"])
        assert single.status_code == 200 and single.json()["deleted"] is True
        check(single.json(), kind)
    meetings = client.get(f"{base}/meeting").json()
    assert meetings["pagination"]["totalElements"] == 2  # the future meeting and the deleted one
    org = client.get(f"/oparl/v1/organization/{council.pk}/meeting").json()
    assert sorted(o["deleted"] for o in org["data"]) == [False, True]
    # nothing of the crisis staff, deleted or not
    assert client.get(f"/oparl/v1/meeting/{secret_id}").status_code == 404
    assert not Tombstone.objects.filter(object_key=str(secret_id), kind="Meeting").exists()


@pytest.mark.django_db
def test_tombstones_keep_their_place_when_paging_by_number_and_by_next(client, council, town):
    past = council.meetings.order_by("start").first()
    items = [
        minutes.agenda_item_add(actor=None, body=council, meeting=past, title=f"P{n}", public=True)
        for n in range(7)
    ]
    tombstones.delete_objects(actor=None, objects=[items[1], items[4]])
    url = f"/oparl/v1/body/{town.pk}/agendaitem"
    walked = [o["id"] for o in _walk(client, url)]
    assert len(walked) == len(set(walked)) == 9  # 2 + 7 items, two of them deleted
    by_number = []
    for n in range(1, 6):
        by_number += [o["id"] for o in client.get(url, {"limit": 2, "page": n}).json()["data"]]
    assert by_number == walked
    assert client.get(url, {"limit": 2}).json()["pagination"]["totalElements"] == 9


@pytest.mark.django_db
def test_a_new_rhythm_that_drops_untouched_meetings_leaves_tombstones(client, town):
    body, _ = crisis_staff(town, name="Rat", public=True, kind="council")
    start = timezone.now().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    series = meeting_services.series_create(
        actor=None,
        body=body,
        title="Ratssitzung",
        rule="FREQ=DAILY",
        first_start=start,
        duration_minutes=60,
        mode=Mode.IN_PERSON,
    )
    planned = series.meetings.count()
    meeting_services.series_rule_change(actor=None, series=series, rule="FREQ=WEEKLY")
    dropped = planned - series.meetings.count()
    assert dropped > 0
    page = client.get(f"/oparl/v1/body/{town.pk}/meeting", {"limit": 1000}).json()
    assert sum(o["deleted"] for o in page["data"]) == dropped


@pytest.mark.django_db
def test_deleting_in_the_admin_leaves_tombstones_and_an_audit_entry(
    client, council, town, make_user
):
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    past = council.meetings.order_by("start").first()
    past_id = past.pk
    response = client.post(f"/admin/meetings/meeting/{past_id}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Meeting.objects.filter(pk=past_id).exists()
    gone = client.get(f"/oparl/v1/meeting/{past_id}").json()
    assert gone["deleted"] is True
    check(gone, "Meeting")
    assert AuditEntry.objects.filter(
        action="delete", object_type="meetings.Meeting", object_id=str(past_id)
    ).exists()


@pytest.mark.django_db
def test_legislative_terms_are_kept_in_the_admin_and_leave_tombstones(
    client, council, town, make_user
):
    admin = make_user(Role.MUNICIPALITY_ADMIN, municipality=town)
    client.force_login(admin)
    add = "/admin/meetings/legislativeterm/add/"
    form = {"municipality": town.pk, "name": "Wahlperiode 2020–2025"}
    # overlapping the current term, and ending before it begins: German errors at the field
    overlap = client.post(add, {**form, "start": "2020-11-01", "end": "2025-11-30"})
    assert overlap.status_code == 200
    assert "überschneidet sich mit „Wahlperiode 2025–2030“" in overlap.content.decode()
    backwards = client.post(add, {**form, "start": "2025-10-31", "end": "2020-11-01"})
    assert "liegt vor ihrem Beginn" in backwards.content.decode()
    saved = client.post(add, {**form, "start": "2020-11-01", "end": "2025-10-31"})
    assert saved.status_code == 302
    client.logout()
    body = client.get(f"/oparl/v1/body/{town.pk}").json()
    check(body, "Body")
    assert [t["name"] for t in body["legislativeTerm"]] == [
        "Wahlperiode 2025–2030",
        "Wahlperiode 2020–2025",
    ]
    old = LegislativeTerm.objects.get(name="Wahlperiode 2020–2025")
    old_id = old.pk
    tombstones.delete_objects(actor=admin, objects=[old])
    terms = _walk(client, body["legislativeTermList"])
    for term in terms:
        check(term, "LegislativeTerm")
    assert [(t["name"] if not t["deleted"] else "gelöscht") for t in terms] == [
        "Wahlperiode 2025–2030",
        "gelöscht",
    ]
    gone = client.get(f"/oparl/v1/legislativeterm/{old_id}").json()
    assert gone["deleted"] is True and "name" not in gone
    check(gone, "LegislativeTerm")
    assert [t["name"] for t in client.get(body["id"]).json()["legislativeTerm"]] == [
        "Wahlperiode 2025–2030"
    ]
    with pytest.raises(DomainError) as refused:
        bodies.term_create(
            actor=None,
            municipality=town,
            name="Wahlperiode 2025–2030",
            start=date(2031, 1, 1),
            end=date(2035, 1, 1),
        )
    assert refused.value.code == "term_exists"


def _ids(client, url, **params) -> dict[str, bool]:
    """id → deleted, over every page of a list."""
    return {o["id"]: o["deleted"] for o in _walk(client, url, **params)}


@pytest.mark.django_db
def test_objects_that_stop_being_public_leave_tombstones_and_come_back(client, council, town):
    """A client that synced a public agenda item, paper or body must learn that it is gone
    when it turns non-public: OParl keeps it as ``deleted: true`` without its content."""
    base = f"/oparl/v1/body/{town.pk}"
    past = council.meetings.order_by("start").first()
    item = past.items.get(title="Haushalt")
    file_id = item.documents.get().pk
    before = timezone.now()

    minutes.agenda_item_update(actor=None, item=item, public=False)
    items = _ids(client, f"{base}/agendaitem")
    assert items[f"http://testserver/oparl/v1/agendaitem/{item.pk}"] is True
    assert _ids(client, f"{base}/file") == {f"http://testserver/oparl/v1/file/{file_id}": True}
    single = client.get(f"/oparl/v1/agendaitem/{item.pk}").json()
    check(single, "AgendaItem")
    assert single["deleted"] is True and "Haushalt" not in json.dumps(single, ensure_ascii=False)
    since = _ids(client, f"{base}/agendaitem", modified_since=before.isoformat())
    assert since[f"http://testserver/oparl/v1/agendaitem/{item.pk}"] is True
    meeting = client.get(f"/oparl/v1/meeting/{past.pk}").json()
    assert "Haushalt" not in json.dumps(meeting, ensure_ascii=False)

    # public again: the tombstone goes, the item is back and newer than the tombstone was
    again = timezone.now()
    minutes.agenda_item_update(actor=None, item=item, public=True)
    back = _ids(client, f"{base}/agendaitem", modified_since=again.isoformat())
    assert back == {f"http://testserver/oparl/v1/agendaitem/{item.pk}": False}
    assert not Tombstone.objects.filter(kind="AgendaItem", object_key=str(item.pk)).exists()
    assert client.get(f"/oparl/v1/file/{file_id}").json()["deleted"] is False

    paper = Paper.objects.get(reference="V/1")
    consultation = paper.consultations.get()
    papers.paper_update(actor=None, paper=paper, data={"public": False})
    assert set(_ids(client, f"{base}/paper").values()) == {True}
    assert _ids(client, f"{base}/consultation") == {
        f"http://testserver/oparl/v1/consultation/{consultation.pk}": True
    }
    for obj in _walk(client, f"{base}/paper") + _walk(client, f"{base}/consultation"):
        check(obj, obj["type"].rsplit("/", 1)[1])


@pytest.mark.django_db
def test_a_body_taken_out_of_oparl_in_the_admin_leaves_tombstones(client, council, town, make_user):
    base = f"/oparl/v1/body/{town.pk}"
    lists = ("organization", "meeting", "agendaitem", "membership", "person", "file")
    shown = {name: _ids(client, f"{base}/{name}") for name in lists}
    assert all(shown.values()) and not any(any(v.values()) for v in shown.values())
    client.force_login(make_user(Role.MUNICIPALITY_ADMIN, municipality=town))
    page = client.get(f"/admin/meetings/body/{council.pk}/change/")
    form = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    form.update(
        {
            "name": council.name,
            "kind": council.kind,
            "paper_lead_days": council.paper_lead_days,
            "municipality": town.pk,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    form.pop("public", None)  # unticked
    form.pop("parent", None)
    response = client.post(f"/admin/meetings/body/{council.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    for name in lists:
        now = _ids(client, f"{base}/{name}")
        # every object a client synced is still listed, each as deleted
        assert now == dict.fromkeys(shown[name], True), name
        for obj in _walk(client, f"{base}/{name}"):
            check(obj, obj["type"].rsplit("/", 1)[1])
    assert "Rat" not in json.dumps(_walk(client, f"{base}/organization"), ensure_ascii=False)


@pytest.mark.django_db
def test_pages_by_number_follow_new_items_and_filters(client, council, town):
    past = council.meetings.order_by("start").first()
    for n in range(11):
        minutes.agenda_item_add(
            actor=None, body=council, meeting=past, title=f"Punkt {n}", public=True
        )
    url = f"/oparl/v1/body/{town.pk}/agendaitem"
    every = _walk(client, url, limit=5)
    ids = [o["id"] for o in every]
    for page in (2, 3):
        data = client.get(url, {"limit": 5, "page": page}).json()["data"]
        assert [o["id"] for o in data] == ids[(page - 1) * 5 : page * 5]
    # a new item starts a new list of page starts: the last page now ends with it
    last = client.get(url, {"limit": 5, "page": 99}).json()["pagination"]["totalPages"]
    client.get(url, {"limit": 5, "page": last})  # the starts are kept
    later = minutes.agenda_item_add(
        actor=None, body=council, meeting=past, title="Nachtrag", public=True
    )
    last = -(-(len(ids) + 1) // 5)
    final = client.get(url, {"limit": 5, "page": last}).json()["data"]
    assert final[-1]["id"].endswith(f"/{later.pk}")
    assert [o["id"] for o in final] == [o["id"] for o in _walk(client, url, limit=5)][-len(final) :]
    # the same page number with another page size or a filter is its own list
    assert [o["id"] for o in client.get(url, {"limit": 4, "page": 2}).json()["data"]] == (
        [o["id"] for o in _walk(client, url, limit=4)][4:8]
    )
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get(url, {"limit": 5, "page": 2, "created_since": future}).json()["data"] == []
