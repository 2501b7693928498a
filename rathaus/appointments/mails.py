"""E-mails to citizens (plain text) and the iCalendar attachment.

Messages are built from the database when they are sent (by a Celery task after the
transaction commits); the raw personal token travels only inside the task arguments and
the e-mail itself, never into logs or the database.

Texts are marked for translation and built in the language active when the mail is sent
(German, the default, in the Celery worker): bookings do not store a citizen's language.
"""

from __future__ import annotations

import time as _time
from datetime import UTC, date, datetime

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from rathaus.appointments.models import (
    Appointment,
)
from rathaus.appointments.selectors import mail_queue
from rathaus.appointments.selectors import waiting_list as waiting_list_selectors
from rathaus.appointments.selectors.appointments import appointment_for_mail, appointments_for_mail
from rathaus.appointments.selectors.catalogue import items_label, local_tz
from rathaus.core import links

QUEUE_SECONDS = 10.0  # one run of the queue's task at most (then it queues the next run)


def weekday_name(day: int) -> str:
    """Full weekday name (0 = Monday) in the active language (Django's catalogue)."""
    return str(WEEKDAY_NAMES[day])


def weekday_names() -> list[str]:
    return [weekday_name(i) for i in range(7)]


def short_date(value: date | datetime) -> str:
    """01.02.2026 in German, the active language's short date otherwise."""
    return date_format(value, "SHORT_DATE_FORMAT")


def clock(value: datetime) -> str:
    """09:30 in German, the active language's time format otherwise (no "Uhr")."""
    return time_format(value, "TIME_FORMAT")


def day_text(value: date | datetime) -> str:
    # Translators: a day, e.g. "Montag, 01.02.2026".
    return _("%(weekday)s, %(date)s") % {
        "weekday": weekday_name(value.weekday()),
        "date": short_date(value),
    }


def signature() -> str:
    return "\n\n" + _(
        "Mit freundlichen Grüßen\nIhr Bürgerbüro\n\n(Diese E-Mail wurde automatisch erstellt.)"
    )


def when(appointment_or_start, tz=None) -> str:
    start = getattr(appointment_or_start, "start", appointment_or_start)
    if tz is None and isinstance(appointment_or_start, Appointment):
        tz = local_tz(appointment_or_start.location)
    local = start.astimezone(tz) if tz else start
    # Translators: e.g. "Montag, 01.02.2026 um 09:30 Uhr".
    return _("%(weekday)s, %(date)s um %(time)s Uhr") % {
        "weekday": weekday_name(local.weekday()),
        "date": short_date(local),
        "time": clock(local),
    }


def link(name: str, **kwargs) -> str:
    return links.site_url() + reverse(name, kwargs=kwargs)


def _address(appointment: Appointment) -> str:
    loc = appointment.location
    return f"{loc.name}, {loc.street}, {loc.postal_code} {loc.city}"


def ics_for(appointment: Appointment, *, personal_url: str = "", cancel: bool = False) -> bytes:
    """An iCalendar file (RFC 5545) with one event for the appointment."""
    cal = Calendar()
    cal.add("prodid", "-//Rathaus//Termine//DE")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"termin-{appointment.pk}@rathaus")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", appointment.start.astimezone(UTC))
    event.add("dtend", appointment.end.astimezone(UTC))
    event.add(
        "summary", _("Termin im Bürgerbüro: %(services)s") % {"services": items_label(appointment)}
    )
    event["location"] = vText(_address(appointment))
    description = _("Bitte bringen Sie die nötigen Unterlagen mit.")
    if personal_url:
        description += "\n" + _("Termin ansehen, verschieben oder absagen: %(url)s") % {
            "url": personal_url
        }
    event.add("description", description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("sequence", int(appointment.start.timestamp()) % 100000 if not cancel else 99999)
    cal.add_component(event)
    return cal.to_ical()


def _documents(appointment: Appointment) -> str:
    lines = []
    for item in appointment.items.all():
        if item.service.documents:
            lines.append(f"– {item.service.name}: {item.service.documents}")
        if item.service.fee_note:
            lines.append("  " + _("Gebühr: %(fee)s") % {"fee": item.service.fee_note})
    return ("\n\n" + _("Bitte mitbringen:") + "\n" + "\n".join(lines)) if lines else ""


def _message(to: str, subject: str, body: str, attachments=(), connection=None):
    message = EmailMessage(subject=subject, body=body, to=[to], connection=connection)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def _send(to: str, subject: str, body: str, attachments=()) -> None:
    if to:
        _message(to, subject, body, attachments).send(fail_silently=False)


def _appointment_message(
    kind: str, appointment: Appointment | None, token: str, extra: str, base_url: str, connection
) -> EmailMessage | None:
    """The citizen's e-mail of ``kind`` (None if the row or address is gone)."""
    if appointment is None or not appointment.citizen_email:
        return None
    build = _APPOINTMENT_MAILS.get(kind)
    if build is None:
        return None
    with links.using_base_url(base_url or links.site_url()):
        subject, body, attachments = build(appointment, token, extra)
    return _message(appointment.citizen_email, subject, body + signature(), attachments, connection)


def send_appointment_mail(
    kind: str, appointment_id: int, token: str = "", extra: str = "", *, base_url: str = ""
) -> None:
    """Build and send the citizen's e-mail of ``kind`` (nothing if the row or address is gone).

    ``base_url``: the links' base taken when the mail was queued (see ``rathaus.core.links``)."""
    appointment = appointment_for_mail(appointment_id)
    message = _appointment_message(kind, appointment, token, extra, base_url, None)
    if message is not None:
        message.send(fail_silently=False)


def queued_mails_send(*, seconds: float = QUEUE_SECONDS) -> int:
    """Send the e-mail queue (:mod:`selectors.mail_queue`) in batches: one query for a
    batch's appointments, one mail connection for all; when it is empty, wait up to
    ``LINGER_SECONDS`` for more before letting go. Works for at most ``seconds`` (other tasks
    get their turn, a warm shutdown waits no longer); returns the jobs still waiting then
    (0: the queue is empty and this worker has let go)."""
    store = mail_queue.queue()
    store.recover()
    deadline = _time.monotonic() + seconds
    idle_since = None
    with get_connection(fail_silently=False) as connection:
        while _time.monotonic() < deadline:
            jobs = store.take()
            if jobs:
                _send_batch([mail_queue.job_fields(raw) for raw in jobs], connection)
                store.done(jobs)
                idle_since = None
                continue
            idle_since = idle_since or _time.monotonic()
            if _time.monotonic() - idle_since >= mail_queue.LINGER_SECONDS and store.sleep():
                return 0
            _time.sleep(mail_queue.POLL_SECONDS)
    return 0 if store.sleep() else store.waiting()


def _send_batch(jobs, connection) -> None:
    appointments = appointments_for_mail({job[1] for job in jobs})
    messages = []
    for kind, appointment_id, token, extra, base_url in jobs:
        message = _appointment_message(
            kind, appointments.get(appointment_id), token, extra, base_url, connection
        )
        if message is not None:
            messages.append(message)
    if messages:
        connection.send_messages(messages)


def _hello(appointment_or_entry) -> str:
    name = appointment_or_entry.citizen_name
    return (_("Guten Tag %(name)s,") % {"name": name} if name else _("Guten Tag,")) + "\n\n"


def number_line(appointment: Appointment) -> str:
    """The number reception asks for at check-in (the staff search it as "Terminnummer")."""
    return _("Ihre Terminnummer: %(number)s (bitte bei der Anmeldung im Bürgerbüro nennen)") % {
        "number": appointment.pk
    }


def _summary(appointment: Appointment) -> str:
    """Services, time, place and the appointment number, one per line."""
    return (
        f"{items_label(appointment)}\n{when(appointment)}\n{_address(appointment)}\n"
        f"{number_line(appointment)}"
    )


def _opt_in(appointment: Appointment, token: str, extra: str):
    deadline = appointment.confirm_deadline.astimezone(local_tz(appointment.location))
    body = (
        _hello(appointment)
        + _("Sie haben einen Termin im Bürgerbüro angefragt:")
        + f"\n\n{_summary(appointment)}\n\n"
        + _(
            "Bitte bestätigen Sie den Termin über diesen Link, damit er für Sie reserviert "
            "bleibt:\n%(url)s"
        )
        % {"url": link("appointments:confirm", token=token)}
        + "\n\n"
        + _("Ohne Bestätigung bis %(time)s Uhr wird der Termin wieder freigegeben.")
        % {"time": clock(deadline)}
        + "\n\n"
        + _("Wenn Sie keinen Termin angefragt haben, können Sie diese E-Mail ignorieren.")
    )
    return _("Bitte bestätigen Sie Ihren Termin"), body, ()


def _rebooked_intro(extra: str) -> str:
    if extra:
        # Translators: continues "Guten Tag …,"; %(reason)s is the closure reason.
        return _(
            "wegen einer kurzfristigen Schließung mussten wir Ihren Termin verlegen "
            "(%(reason)s). Ihr neuer Termin:"
        ) % {"reason": extra}
    # Translators: continues "Guten Tag …,".
    return _(
        "wegen einer kurzfristigen Schließung mussten wir Ihren Termin verlegen. Ihr neuer Termin:"
    )


def _with_calendar(kind: str):
    """Confirmed, moved or rebooked: the (new) time, documents, personal link and .ics."""

    def build(appointment: Appointment, token: str, extra: str):
        if kind == "confirmed":
            intro, subject = _("Ihr Termin im Bürgerbüro ist bestätigt:"), _("Terminbestätigung")
        elif kind == "moved":
            intro = _("Ihr Termin wurde wie gewünscht verschoben. Der neue Termin:")
            subject = _("Ihr Termin wurde verschoben")
        else:
            intro, subject = _rebooked_intro(extra), _("Ihr Termin wurde verlegt")
        personal = link("appointments:personal", token=token) if token else ""
        body = (
            f"{_hello(appointment)}{intro}\n\n{_summary(appointment)}{_documents(appointment)}\n\n"
            + _("Termin ansehen, verschieben oder absagen:\n%(url)s") % {"url": personal}
            + "\n\n"
            + _("Die Kalenderdatei im Anhang können Sie in Ihren Kalender übernehmen.")
        )
        ics = ics_for(appointment, personal_url=personal)
        return subject, body, [("termin.ics", ics, "text/calendar")]

    return build


def _cancelled(appointment: Appointment, token: str, extra: str):
    body = _hello(appointment) + _("Ihr Termin am %(when)s (%(services)s) ist abgesagt.") % {
        "when": when(appointment),
        "services": items_label(appointment),
    }
    ics = ics_for(appointment, cancel=True)
    return _("Ihr Termin ist abgesagt"), body, [("termin.ics", ics, "text/calendar")]


def _closure_no_slot(appointment: Appointment, token: str, extra: str):
    # Translators: continues "Guten Tag …,".
    body = _hello(appointment) + _(
        "wegen einer kurzfristigen Schließung kann Ihr Termin am %(when)s (%(services)s) "
        "leider nicht stattfinden, und wir haben derzeit keinen freien Ersatztermin.\n\n"
        "Wir haben Sie in unseren Terminagenten (Warteliste) eingetragen: Sobald ein passender "
        "Termin frei wird, bieten wir ihn Ihnen per E-Mail an.\n\n"
        "Eintrag ansehen oder abmelden:\n%(url)s"
    ) % {
        "when": when(appointment),
        "services": items_label(appointment),
        "url": link("appointments:waiting_manage", token=token),
    }
    ics = ics_for(appointment, cancel=True)
    return _("Ihr Termin muss leider entfallen"), body, [("termin.ics", ics, "text/calendar")]


def _reminder(appointment: Appointment, token: str, extra: str):
    body = (
        _hello(appointment)
        # Translators: continues "Guten Tag …,".
        + _("wir erinnern Sie an Ihren Termin im Bürgerbüro:")
        + f"\n\n{_summary(appointment)}{_documents(appointment)}\n\n"
        + _("Ich komme:\n%(url)s") % {"url": link("appointments:attend", token=token)}
        + "\n\n"
        + _("Ich kann nicht kommen – Termin freigeben:\n%(url)s")
        % {"url": link("appointments:release", token=token)}
    )
    return _("Erinnerung an Ihren Termin"), body, ()


_APPOINTMENT_MAILS = {
    "opt_in": _opt_in,
    "confirmed": _with_calendar("confirmed"),
    "moved": _with_calendar("moved"),
    "rebooked": _with_calendar("rebooked"),
    "cancelled": _cancelled,
    "closure_no_slot": _closure_no_slot,
    "reminder": _reminder,
}


def send_waiting_list_mail(kind: str, object_id: int, token: str, *, base_url: str = "") -> None:
    """The Terminagent's opt-in and offer e-mails (``base_url`` as in send_appointment_mail)."""
    with links.using_base_url(base_url or links.site_url()):
        built = _waiting_list_mail(kind, object_id, token)
    if built is not None:
        to, subject, body = built
        _send(to, subject, body + signature())


def _waiting_list_mail(kind: str, object_id: int, token: str):
    if kind == "opt_in":
        entry = waiting_list_selectors.waiting_list_entry_get(pk=object_id)
        if entry is None:
            return None
        body = _hello(entry) + _(
            "Sie möchten sich im Terminagenten des Bürgerbüros eintragen. "
            "Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:\n%(url)s\n\n"
            "Wenn Sie das nicht waren, ignorieren Sie diese E-Mail."
        ) % {"url": link("appointments:waiting_manage", token=token)}
        return (
            entry.citizen_email,
            _("Bitte bestätigen Sie Ihren Eintrag im Terminagenten"),
            body,
        )
    if kind == "offer":
        offer = waiting_list_selectors.waiting_list_offer_get(pk=object_id)
        if offer is None or offer.appointment is None:
            return None
        appointment = offer.appointment
        tz = local_tz(appointment.location)
        body = (
            _hello(offer.entry)
            # Translators: continues "Guten Tag …,".
            + _("der Terminagent hat einen freien Termin für Sie gefunden:")
            + f"\n\n{items_label(appointment)}\n{when(appointment)}\n{_address(appointment)}\n\n"
            + _(
                "Der Termin ist bis %(deadline)s für Sie reserviert. "
                "Annehmen oder ablehnen:\n%(url)s"
            )
            % {"deadline": when(offer.deadline, tz), "url": link("appointments:offer", token=token)}
        )
        return offer.entry.citizen_email, _("Ein Termin ist frei geworden"), body
    return None
