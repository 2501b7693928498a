"""The pool: members of the region (own with names, others by pseudonym), add and edit own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rathaus.core.problems import DomainError
from rathaus.staffpool import selectors
from rathaus.staffpool.forms import MemberForm
from rathaus.staffpool.models import Skill
from rathaus.staffpool.rules import PERM_MANAGE_POOL, PERM_VIEW
from rathaus.staffpool.services import members as member_services
from rathaus.staffpool.views.common import refuse, require_perm

MEMBER_FIELDS = [
    "entry",
    "employment",
    "languages",
    "driving_licence",
    "postcode",
    "max_travel_minutes",
    "available_from",
    "available_until",
    "share",
    "shifts",
    "weekends",
    "remote",
    "note",
]


@login_required
@require_GET
def pool(request):
    require_perm(request.user, PERM_VIEW)
    skill = request.GET.get("qualifikation", "")
    if skill not in dict(Skill.choices):
        skill = ""
    return render(
        request,
        "staffpool/pool.html",
        {
            "rows": selectors.members_for(request.user, skill=skill),
            "skills": Skill.choices,
            "skill": skill,
            "can_manage": request.user.has_perm(PERM_MANAGE_POOL),
        },
    )


def _save_skills(actor, member, data) -> None:
    for skill in data["skills"]:
        member_services.qualification_set(
            actor=actor,
            member=member,
            skill=skill,
            valid_until=data.get("skills_valid_until"),
            proof=data.get("proof", ""),
        )
    for q in member.qualifications.exclude(skill__in=data["skills"]):
        member_services.qualification_delete(actor=actor, qualification=q)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request):
    require_perm(request.user, PERM_MANAGE_POOL)
    employees = selectors.employees_without_membership(request.user)
    form = MemberForm(request.POST or None, employees=employees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_services.member_create(
                actor=request.user,
                employee=data["employee"],
                data={k: data[k] for k in MEMBER_FIELDS},
            )
            _save_skills(request.user, member, data)
        except DomainError as exc:
            refuse(request, form, exc)
        else:
            messages.success(
                request, _("Aufgenommen; Helfer-ID %(id)s.") % {"id": member.pseudonym}
            )
            return redirect("staffpool:pool")
    return render(request, "staffpool/member_form.html", {"form": form, "member": None})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    require_perm(request.user, PERM_MANAGE_POOL)
    member = selectors.own_members(request.user).filter(pk=pk).first()
    if member is None:
        raise Http404
    initial = {k: getattr(member, k) for k in MEMBER_FIELDS}
    quals = list(member.qualifications.all())
    initial["skills"] = [q.skill for q in quals]
    initial["skills_valid_until"] = min(
        (q.valid_until for q in quals if q.valid_until), default=None
    )
    initial["proof"] = next((q.proof for q in quals if q.proof), "")
    initial["consent"] = member.consent_at is not None
    form = MemberForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_services.member_update(
                actor=request.user, member=member, data={k: data[k] for k in MEMBER_FIELDS}
            )
            _save_skills(request.user, member, data)
        except DomainError as exc:
            refuse(request, form, exc)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("staffpool:pool")
    return render(
        request,
        "staffpool/member_form.html",
        {"form": form, "member": member, "label": selectors.member_label(request.user, member)},
    )
