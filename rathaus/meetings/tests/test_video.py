"""The join link: invitees only, only shortly before the start; providers spoken for real.

BigBlueButton is exercised against a small local HTTP server, started here, that checks the
SHA-1 checksums of ``create`` exactly as BigBlueButton does and answers in its XML.
"""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from rathaus.core.models import Role
from rathaus.meetings import video
from rathaus.meetings.tests.factories import meeting_at, staff_member

SECRET = "bbb-test-secret-0123456789"


class FakeBigBlueButton(BaseHTTPRequestHandler):
    created: list[str] = []

    def do_GET(self):  # noqa: N802
        path, _, query = self.path.partition("?")
        call = path.rsplit("/", 1)[-1]
        params, _, checksum = query.rpartition("&checksum=")
        expected = hashlib.sha1(f"{call}{params}{SECRET}".encode()).hexdigest()
        room = urllib.parse.parse_qs(params).get("meetingID", [""])[0]
        if call == "join":  # as BigBlueButton: into a created room with a valid checksum only
            self._join(checksum == expected and room in self.created, params)
            return
        ok = checksum == expected and call == "create"
        if ok:
            self.created.append(room)
        body = (
            "<response><returncode>SUCCESS</returncode><meetingID>x</meetingID></response>"
            if ok
            else "<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey></response>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _join(self, ok: bool, params: str) -> None:
        name = urllib.parse.parse_qs(params).get("fullName", [""])[0]
        body = (f"<html><body>Konferenzraum: {name}</body></html>" if ok else "denied").encode()
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def bbb_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBigBlueButton)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeBigBlueButton.created = []
    settings.RATHAUS_MEETINGS_VIDEO_PROVIDER = "bbb"
    settings.RATHAUS_MEETINGS_VIDEO_URL = (
        f"http://127.0.0.1:{server.server_address[1]}/bigbluebutton/"
    )
    settings.RATHAUS_MEETINGS_VIDEO_SECRET = SECRET
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_the_link_opens_fifteen_minutes_before_and_closes_after_the_end(staff, settings):
    body, _ = staff
    settings.RATHAUS_MEETINGS_JOIN_LEAD_MINUTES = 15
    now = timezone.now()
    m = meeting_at(body, now + timedelta(minutes=20))
    assert not video.join_open(m, now)
    assert video.join_open(m, now + timedelta(minutes=5))
    assert not video.join_open(m, m.end + timedelta(minutes=31))


@pytest.mark.django_db
def test_jitsi_link_carries_a_signed_token_with_room_and_moderator_flag(staff, settings):
    body, _ = staff
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://jitsi.example"
    settings.RATHAUS_MEETINGS_VIDEO_SECRET = "jitsi-secret"
    m = meeting_at(body, timezone.now())
    url = video.provider_url(m, video.Participant("Anna", True, "m1"))
    assert url.startswith(f"https://jitsi.example/{m.video_room}?jwt=")
    header, payload, signature = url.split("jwt=")[1].split(".")
    expected = hmac.new(b"jitsi-secret", f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["room"] == m.video_room and claims["context"]["user"]["moderator"] is True
    assert claims["exp"] > claims["nbf"]


@pytest.mark.django_db
def test_bigbluebutton_create_is_a_real_signed_call_then_join(staff, bbb_server):
    body, _ = staff
    m = meeting_at(body, timezone.now())
    url = video.provider_url(m, video.Participant("Anna", False, "m1"))
    assert FakeBigBlueButton.created == [m.video_room]
    assert "/bigbluebutton/api/join?" in url
    query, _, checksum = url.split("?", 1)[1].rpartition("&checksum=")
    assert checksum == hashlib.sha1(f"join{query}{SECRET}".encode()).hexdigest()


@pytest.mark.django_db
def test_a_wrong_bigbluebutton_secret_is_a_clear_error(staff, bbb_server, settings):
    body, _ = staff
    settings.RATHAUS_MEETINGS_VIDEO_SECRET = "wrong"
    m = meeting_at(body, timezone.now())
    with pytest.raises(video.DomainError) as info:
        video.provider_url(m, video.Participant("Anna", False, "m1"))
    assert info.value.code == "video_refused"


@pytest.mark.django_db
def test_an_unreachable_provider_is_a_503_not_a_crash(staff, settings):
    body, _ = staff
    settings.RATHAUS_MEETINGS_VIDEO_PROVIDER = "bbb"
    settings.RATHAUS_MEETINGS_VIDEO_URL = "http://127.0.0.1:9/bigbluebutton/"
    settings.RATHAUS_MEETINGS_VIDEO_SECRET = SECRET
    m = meeting_at(body, timezone.now())
    with pytest.raises(video.DomainError) as info:
        video.provider_url(m, video.Participant("Anna", False, "m1"))
    assert info.value.status == 503


@pytest.mark.django_db
def test_the_gate_lets_a_member_into_bigbluebutton_over_real_http(client, staff, bbb_server):
    """Through the page: the member passes the gate, Rathaus creates the room on the local
    BigBlueButton and redirects; following the redirect, that server lets them in."""
    body, people = staff
    m = meeting_at(body, timezone.now() + timedelta(minutes=5))
    client.force_login(people["member"][0])
    gate = client.get(f"/gremien/sitzung/{m.pk}/beitreten/")
    assert gate.status_code == 302 and FakeBigBlueButton.created == [m.video_room]
    with urllib.request.urlopen(gate["Location"], timeout=10) as answer:  # noqa: S310 - loopback
        assert answer.status == 200
        assert people["member"][1].person_name in answer.read().decode()
    # the secretary joins as moderator; a staff member outside the body is not let in
    client.force_login(people["secretary"][0])
    moderator = client.get(f"/gremien/sitzung/{m.pk}/beitreten/")
    assert moderator.status_code == 302 and "password=" in moderator["Location"]
    client.force_login(staff_member(body.municipality, Role.LEADERSHIP)[0])
    assert client.get(f"/gremien/sitzung/{m.pk}/beitreten/").status_code == 403
    later = meeting_at(body, timezone.now() + timedelta(hours=3))
    client.force_login(people["member"][0])
    closed = client.get(f"/gremien/sitzung/{later.pk}/beitreten/")
    assert closed.status_code == 200 and "Der Zugang öffnet am" in closed.content.decode()
    # create is idempotent (called at every pass); no room before the window opens
    assert set(FakeBigBlueButton.created) == {m.video_room}


@pytest.mark.django_db
def test_a_plain_url_template_names_the_room(staff, settings):
    body, _ = staff
    settings.RATHAUS_MEETINGS_VIDEO_PROVIDER = "url"
    settings.RATHAUS_MEETINGS_VIDEO_URL = "https://video.example/raum/{room}?lang=de"
    m = meeting_at(body, timezone.now())
    url = video.provider_url(m, video.Participant("Anna", False, "m1"))
    assert url == f"https://video.example/raum/{urllib.parse.quote(m.video_room)}?lang=de"
