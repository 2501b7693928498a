"""Alerts: when a request opens, the pool members who could serve it hear of it by mail
(directly from the system, so no name crosses to the requesting side)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.staffpool.models import PoolMember, StaffRequest


def alert_candidates(request: StaffRequest) -> list[PoolMember]:
    members = PoolMember.objects.filter(
        municipality__region_id=request.municipality.region_id,
        status=PoolMember.Status.ACTIVE,
        consent_at__isnull=False,
        available_from__lte=request.end,
        available_until__gte=request.start,
    ).select_related("employee")
    if not request.for_region:
        members = members.exclude(municipality_id=request.municipality_id)
    skills = list(request.required_skills)
    if skills:
        members = members.annotate(
            held=Count(
                "qualifications",
                filter=Q(qualifications__skill__in=skills)
                & (
                    Q(qualifications__valid_until__isnull=True)
                    | Q(qualifications__valid_until__gte=request.start)
                ),
            )
        ).filter(held=len(skills))
    return [m for m in members if m.employee.email]


def request_alert_members(*, request_id: int) -> int:
    """One mail per suitable member; returns how many were sent."""
    request = StaffRequest.objects.select_related("municipality").filter(pk=request_id).first()
    if request is None or request.status not in ("open", "partly"):
        return 0
    sent = 0
    for member in alert_candidates(request):
        send_mail(
            _("Personalpool: neue Anfrage „%(title)s“") % {"title": request.title},
            _(
                "%(requester)s sucht Unterstützung vom %(start)s bis %(end)s (%(title)s). "
                "Ihre Qualifikationen passen. Wenn Sie vorgeschlagen werden, entscheidet "
                "zuerst Ihre Heimatkommune, danach Sie selbst."
            )
            % {
                "requester": request.requester_name,
                "start": date_format(request.start, "SHORT_DATE_FORMAT"),
                "end": date_format(request.end, "SHORT_DATE_FORMAT"),
                "title": request.title,
            },
            None,
            [member.employee.email],
        )
        sent += 1
    audit.record(
        actor=None,
        instance=request,
        action="action",
        summary=f"{sent} passende Poolmitglieder benachrichtigt",
    )
    return sent
