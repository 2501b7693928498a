"""A public body's .ics feed, kept rendered in the database (docs/meetings.md, "The feed kept
in the database").

A calendar client fetches the feed every few minutes, from whichever web process answers, and
a freshly started process has nothing in memory; rendering 1,000 meetings costs about 25 ms of
CPU, which a busy machine stretches to hundreds of milliseconds. So the rendering is stored in
``StoredFeed`` per body and language and served with one indexed read while it is current:

* ``version`` is raised by every change to the body's meetings or agenda (``caching.bump``, in
  the change's transaction and again after its commit), so the request after a change renders
  anew — the first request after it, not the commit, because most changes (minutes typed
  during a meeting) never reach a calendar and a rendering per save would cost the writer;
* the version is read **before** the data it is rendered from, and the rendering is stored
  only while the version is still that one (a conditional ``UPDATE``): a change that commits
  while a request renders leaves the stored feed old, never an old feed marked current;
* the window of 90 days back moves by whole days (``window``): the first request of a day
  renders anew.

Changes that do not go through the services (a room renamed in core, a queryset update) show
from the next day, or at the next change to the body.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from django.db import IntegrityError, connection, transaction
from django.utils.translation import get_language

from rathaus.meetings import conf, ical, selectors
from rathaus.meetings.models import StoredFeed


def window_of(now: datetime) -> date:
    """The day whose midnight (UTC) less 90 days the feed starts from."""
    return now.astimezone(UTC).date()


def render_public_feed(body, *, window: date) -> bytes:
    midnight = datetime.combine(window, time(), tzinfo=UTC)
    return ical.public_feed(selectors.feed_entries(body, now=midnight), name=body.name)


def public_feed(body_id, *, now: datetime) -> bytes:
    """The feed of a public body (``Http404`` for an unknown or non-public one)."""
    window = window_of(now)
    if conf.cache_seconds() <= 0:  # caching off: rendered on every request
        return render_public_feed(selectors.public_body(body_id), window=window)
    language = get_language() or ""
    stored = selectors.stored_feed(body_id, language)
    if stored is not None and (stored.rendered_version, stored.window) == (stored.version, window):
        return bytes(stored.content)
    body = selectors.public_body(body_id)
    if stored is None:
        stored = _new_row(body, language)
    # ``stored.version`` was read before the data below: see the module's docstring
    content = render_public_feed(body, window=window)
    with transaction.atomic():
        _without_waiting_for_the_disk()
        StoredFeed.objects.filter(pk=stored.pk, version=stored.version).update(
            content=content, rendered_version=stored.version, window=window
        )
    return content


def _without_waiting_for_the_disk() -> None:
    """The reader that stores a rendering does not wait for PostgreSQL's WAL flush: a lost
    write after a crash only leaves the older rendering, which the version check renders
    anew, while a flush behind a busy checkpoint held single requests for seconds
    (docs/benchmarks.md, "Participation and meetings on the merged `main`")."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _new_row(body, language: str) -> StoredFeed:
    try:
        with transaction.atomic():
            return StoredFeed.objects.create(
                municipality_id=body.municipality_id, body=body, language=language
            )
    except IntegrityError:  # another process created it a moment ago
        return StoredFeed.objects.only("pk", "version").get(body=body, language=language)
