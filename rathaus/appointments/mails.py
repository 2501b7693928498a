"""E-mails to citizens (German, plain text) and the iCalendar attachment.

Messages are built from the database when they are sent (by a Celery task after the
transaction commits); the raw personal token travels only inside the task arguments and
the e-mail itself, never into logs or the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.mail import EmailMessage
from django.db.models import Prefetch
from django.urls import reverse
from icalendar import Calendar, Event, vText

from rathaus.appointments import conf
from rathaus.appointments.models import (
    Appointment,
    AppointmentItem,
    WaitingListEntry,
    WaitingListOffer,
)
from rathaus.appointments.selectors import items_label, local_tz

WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
SIGNATURE = (
    "\n\nMit freundlichen Grüßen\nIhr Bürgerbüro\n\n(Diese E-Mail wurde automatisch erstellt.)"
)


def when(appointment_or_start, tz=None) -> str:
    start = getattr(appointment_or_start, "start", appointment_or_start)
    if tz is None and isinstance(appointment_or_start, Appointment):
        tz = local_tz(appointment_or_start.location)
    local = start.astimezone(tz) if tz else start
    return f"{WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y} um {local:%H:%M} Uhr"


def link(name: str, **kwargs) -> str:
    return conf.site_url() + reverse(name, kwargs=kwargs)


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
    event.add("summary", f"Termin im Bürgerbüro: {items_label(appointment)}")
    event["location"] = vText(_address(appointment))
    description = "Bitte bringen Sie die nötigen Unterlagen mit."
    if personal_url:
        description += f"\nTermin ansehen, verschieben oder absagen: {personal_url}"
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
            lines.append(f"  Gebühr: {item.service.fee_note}")
    return ("\n\nBitte mitbringen:\n" + "\n".join(lines)) if lines else ""


def _send(to: str, subject: str, body: str, attachments=()) -> None:
    if not to:
        return
    message = EmailMessage(subject=subject, body=body, to=[to])
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send(fail_silently=False)


def send_appointment_mail(kind: str, appointment_id: int, token: str = "", extra: str = "") -> None:
    appointment = (
        Appointment.objects.select_related("location__municipality")
        .prefetch_related(
            Prefetch("items", queryset=AppointmentItem.objects.select_related("service"))
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not appointment.citizen_email:
        return
    personal = link("appointments:personal", token=token) if token else ""
    what = items_label(appointment)
    at = when(appointment)
    hello = (
        f"Guten Tag {appointment.citizen_name},\n\n"
        if appointment.citizen_name
        else "Guten Tag,\n\n"
    )
    if kind == "opt_in":
        deadline = when(appointment.confirm_deadline, local_tz(appointment.location))
        body = (
            f"{hello}Sie haben einen Termin im Bürgerbüro angefragt:\n\n"
            f"{what}\n{at}\n{_address(appointment)}\n\n"
            "Bitte bestätigen Sie den Termin über diesen Link, damit er für Sie reserviert bleibt:\n"
            f"{link('appointments:confirm', token=token)}\n\n"
            f"Ohne Bestätigung bis {deadline.split(' um ')[1]} wird der Termin wieder freigegeben."
            "\n\nWenn Sie keinen Termin angefragt haben, können Sie diese E-Mail ignorieren."
        )
        _send(appointment.citizen_email, "Bitte bestätigen Sie Ihren Termin", body + SIGNATURE)
    elif kind in ("confirmed", "rebooked", "moved"):
        intro = {
            "confirmed": "Ihr Termin im Bürgerbüro ist bestätigt:",
            "moved": "Ihr Termin wurde wie gewünscht verschoben. Der neue Termin:",
            "rebooked": (
                "wegen einer kurzfristigen Schließung mussten wir Ihren Termin verlegen"
                f"{' (' + extra + ')' if extra else ''}. Ihr neuer Termin:"
            ),
        }[kind]
        body = (
            f"{hello}{intro}\n\n{what}\n{at}\n{_address(appointment)}"
            f"{_documents(appointment)}\n\n"
            f"Termin ansehen, verschieben oder absagen:\n{personal}\n\n"
            "Die Kalenderdatei im Anhang können Sie in Ihren Kalender übernehmen."
        )
        subject = {
            "confirmed": "Terminbestätigung",
            "moved": "Ihr Termin wurde verschoben",
            "rebooked": "Ihr Termin wurde verlegt",
        }[kind]
        _send(
            appointment.citizen_email,
            subject,
            body + SIGNATURE,
            [("termin.ics", ics_for(appointment, personal_url=personal), "text/calendar")],
        )
    elif kind == "cancelled":
        body = f"{hello}Ihr Termin am {at} ({what}) ist abgesagt."
        _send(
            appointment.citizen_email,
            "Ihr Termin ist abgesagt",
            body + SIGNATURE,
            [("termin.ics", ics_for(appointment, cancel=True), "text/calendar")],
        )
    elif kind == "closure_no_slot":
        body = (
            f"{hello}wegen einer kurzfristigen Schließung kann Ihr Termin am {at} ({what}) "
            "leider nicht stattfinden, und wir haben derzeit keinen freien Ersatztermin.\n\n"
            "Wir haben Sie in unseren Terminagenten (Warteliste) eingetragen: Sobald ein passender "
            "Termin frei wird, bieten wir ihn Ihnen per E-Mail an.\n\n"
            f"Eintrag ansehen oder abmelden:\n{link('appointments:waiting_manage', token=token)}"
        )
        _send(
            appointment.citizen_email,
            "Ihr Termin muss leider entfallen",
            body + SIGNATURE,
            [("termin.ics", ics_for(appointment, cancel=True), "text/calendar")],
        )
    elif kind == "reminder":
        body = (
            f"{hello}wir erinnern Sie an Ihren Termin im Bürgerbüro:\n\n{what}\n{at}\n"
            f"{_address(appointment)}{_documents(appointment)}\n\n"
            f"Ich komme:\n{link('appointments:attend', token=token)}\n\n"
            "Ich kann nicht kommen – Termin freigeben:\n"
            f"{link('appointments:release', token=token)}"
        )
        _send(appointment.citizen_email, "Erinnerung an Ihren Termin", body + SIGNATURE)


def send_waiting_list_mail(kind: str, object_id: int, token: str) -> None:
    if kind == "opt_in":
        entry = WaitingListEntry.objects.filter(pk=object_id).first()
        if entry is None:
            return
        body = (
            "Guten Tag,\n\nSie möchten sich im Terminagenten des Bürgerbüros eintragen. "
            "Bitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:\n"
            f"{link('appointments:waiting_manage', token=token)}\n\n"
            "Wenn Sie das nicht waren, ignorieren Sie diese E-Mail."
        )
        _send(
            entry.citizen_email,
            "Bitte bestätigen Sie Ihren Eintrag im Terminagenten",
            body + SIGNATURE,
        )
    elif kind == "offer":
        offer = (
            WaitingListOffer.objects.select_related("entry", "appointment__location")
            .filter(pk=object_id)
            .first()
        )
        if offer is None or offer.appointment is None:
            return
        appointment = offer.appointment
        tz = local_tz(appointment.location)
        body = (
            "Guten Tag,\n\nder Terminagent hat einen freien Termin für Sie gefunden:\n\n"
            f"{items_label(appointment)}\n{when(appointment)}\n{_address(appointment)}\n\n"
            f"Der Termin ist bis {when(offer.deadline, tz)} für Sie reserviert. "
            f"Annehmen oder ablehnen:\n{link('appointments:offer', token=token)}"
        )
        _send(offer.entry.citizen_email, "Ein Termin ist frei geworden", body + SIGNATURE)
