"""Publishing a plan: new version, fairness history, calendar feeds, one e-mail per employee."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.models import Employee
from rathaus.core.problems import Conflict
from rathaus.engines.roster.explain import fmt_day
from rathaus.presence.models import (
    Activity,
    CalendarToken,
    FairnessRecord,
    PlanAssignment,
    PlanningPeriod,
    PlanVersion,
)

Status = PlanningPeriod.Status


def _snapshot_rows(period: PlanningPeriod) -> list[dict]:
    return [
        {
            "employee": r.employee_id,
            "day": r.day.isoformat(),
            "activity": r.activity,
            "room": r.room_id,
            "shift": r.shift_type_id,
        }
        for r in PlanAssignment.objects.filter(period=period).order_by("employee_id", "day")
    ]


def calendar_token_for(employee: Employee) -> CalendarToken:
    """The employee's secret calendar-feed token, created on first use (by publishing)."""
    token, _created = CalendarToken.objects.get_or_create(
        employee=employee, defaults={"municipality_id": employee.municipality_id}
    )
    return token


def describe_row(row: PlanAssignment) -> str:
    if row.activity == Activity.OFFICE and row.room_id:
        return _("Büro, Raum %(number)s (%(building)s)") % {
            "number": row.room.number,
            "building": row.room.location.name,
        }
    if row.activity == Activity.SHIFT and row.shift_type_id:
        s = row.shift_type
        return _("Schicht %(name)s %(start)s–%(end)s") % {
            "name": s.name,
            "start": f"{s.start_time:%H:%M}",
            "end": f"{s.end_time:%H:%M}",
        }
    return str(row.get_activity_display())


def plan_publish(
    *, actor, period: PlanningPeriod, base_url: str = "", notify: bool = True
) -> PlanVersion:
    """Publish the current plan: new version, fairness history, one e-mail per employee."""
    with transaction.atomic():
        period = PlanningPeriod.objects.select_for_update().get(pk=period.pk)
        rows = list(
            PlanAssignment.objects.filter(period=period)
            .select_related("employee", "room__location", "shift_type")
            .order_by("employee__last_name", "employee_id", "day")
        )
        if period.status not in (Status.SOLVED, Status.PUBLISHED) or not rows:
            raise Conflict("not_solved", _("Nur ein berechneter Plan kann veröffentlicht werden."))
        number = (
            PlanVersion.objects.filter(period=period)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        version = PlanVersion.objects.create(
            municipality_id=period.municipality_id,
            period=period,
            number=number,
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
            assignments=_snapshot_rows(period),
        )
        period.status = Status.PUBLISHED
        period.save(update_fields=["status"])
        per_emp: dict[int, list[PlanAssignment]] = defaultdict(list)
        for r in rows:
            per_emp[r.employee_id].append(r)
        _record_fairness(period, per_emp)
        for items in per_emp.values():
            calendar_token_for(items[0].employee)  # so that "my plan" shows the feed address
        audit.record(
            actor=actor,
            instance=period,
            action="action",
            summary=_("Plan veröffentlicht (Version %(number)s)") % {"number": number},
        )
    sent = _send_plan_mails(period, number, per_emp, base_url) if notify else 0
    PlanVersion.objects.filter(pk=version.pk).update(mails_sent=sent)
    version.mails_sent = sent
    return version


def _record_fairness(period: PlanningPeriod, per_emp: dict[int, list[PlanAssignment]]) -> None:
    """Home and office days of each person: the next periods' fairness starts from them."""
    FairnessRecord.objects.filter(period=period).delete()
    FairnessRecord.objects.bulk_create(
        [
            FairnessRecord(
                municipality_id=period.municipality_id,
                period=period,
                employee_id=pk,
                period_end=period.end,
                home_days=sum(1 for r in items if r.activity == Activity.HOME),
                office_days=sum(
                    1 for r in items if r.activity in (Activity.OFFICE, Activity.SHIFT)
                ),
            )
            for pk, items in per_emp.items()
        ]
    )


def _send_plan_mails(
    period: PlanningPeriod, number: int, per_emp: dict[int, list[PlanAssignment]], base_url: str
) -> int:
    """One e-mail per employee with an address; returns how many were sent."""
    messages = []
    # Employees have no language of their own yet: their e-mails are in the site's language,
    # not in the language of the planner who publishes.
    with translation.override(settings.LANGUAGE_CODE):
        for items in per_emp.values():
            emp = items[0].employee
            if emp.email:
                messages.append(_plan_mail(period, number, emp, items, base_url))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def _plan_mail(
    period: PlanningPeriod, number: int, emp: Employee, items: list[PlanAssignment], base_url: str
) -> EmailMessage:
    """The e-mail telling one employee their days of a published plan."""
    token = calendar_token_for(emp)
    lines = [
        _("Guten Tag %(first_name)s %(last_name)s,")
        % {"first_name": emp.first_name, "last_name": emp.last_name},
        "",
        _(
            "der Arbeitsplan „%(name)s“ (%(start)s–%(end)s) wurde veröffentlicht "
            "(Version %(number)s). Ihre Tage:"
        )
        % {
            "name": period.name,
            "start": f"{period.start:%d.%m.%Y}",
            "end": f"{period.end:%d.%m.%Y}",
            "number": number,
        },
        "",
    ]
    for r in items:
        if r.activity == Activity.OFF:
            continue
        lines.append(f"{fmt_day(r.day)}{r.day:%Y}: {describe_row(r)}")
    url = reverse("presence:calendar_feed", kwargs={"token": token.token})
    lines += [
        "",
        _("Kalender-Abo (iCalendar): %(url)s") % {"url": f"{base_url}{url}"},
        "",
        _("Wünsche und Abwesenheiten tragen Sie unter „Mein Arbeitsplan“ ein."),
    ]
    return EmailMessage(
        subject=_("Ihr Arbeitsplan: %(name)s") % {"name": period.name},
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[emp.email],
    )
