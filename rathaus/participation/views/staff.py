"""Staff pages: processes (create, publish, invite groups and experts), the participation
report with exports, the moderation queue, idea status ("you said, we did"), street directory."""

from __future__ import annotations

import csv
import io
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from rathaus.core.charts import bar_chart
from rathaus.core.pdf import html_to_pdf
from rathaus.core.problems import DomainError
from rathaus.core.tabular import TabularError, decode
from rathaus.core.tenancy import home_municipality
from rathaus.participation import rules
from rathaus.participation.forms import (
    DirectoryForm,
    ExpertInviteForm,
    HideForm,
    InviteForm,
    OutlinesForm,
    ProcessForm,
    StatementForm,
    StatusForm,
)
from rathaus.participation.models import Idea, Visibility
from rathaus.participation.selectors import conferences as conference_selectors
from rathaus.participation.selectors import maps as map_selectors
from rathaus.participation.selectors import polls as poll_selectors
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.selectors import processes as process_selectors
from rathaus.participation.selectors.reports import participation_report
from rathaus.participation.services import accountability, moderation, participants, posts
from rathaus.participation.services import maps as map_services
from rathaus.participation.services import processes as process_services
from rathaus.participation.text import neutralise_cell


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _to_manage(process) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("participation:manage", args=[process.pk]))


@login_required
@require_GET
def staff_index(request):
    _require(request.user, rules.PERM_VIEW)
    today = timezone.localdate()
    items = [
        (p, process_selectors.phase_state(p, today))
        for p in process_selectors.processes_for_staff(request.user)
    ]
    return render(
        request,
        "participation/staff/index.html",
        {"items": items, "can_plan": request.user.has_perm(rules.PERM_PLAN)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_new(request):
    _require(request.user, rules.PERM_PLAN)
    municipality = home_municipality(request.user)
    districts = list(
        process_selectors.districts_for(request.user).filter(municipality=municipality)
    )
    form = ProcessForm(
        request.POST or None, districts=districts, initial={"start": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            process = process_services.process_create(
                actor=request.user,
                municipality=municipality,
                title=data["title"],
                kind=data["kind"],
                summary=data["summary"],
                description=data["description"],
                audience=data["audience"],
                moderation=data["moderation"],
                districts=[d for d in districts if str(d.pk) in data["districts"]],
                phases=process_services.default_phases(data["start"]),
                published=data["publish"],
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Das Verfahren ist angelegt."))
            return _to_manage(process)
    return render(request, "participation/staff/process_new.html", {"form": form})


def _manage_context(request, process, **forms):
    today = timezone.localdate()
    return {
        "process": process,
        "state": process_selectors.phase_state(process, today),
        "phases": list(process.phases.all()),
        "today": today,
        "groups": process_selectors.groups_of(process),
        "conferences": conference_selectors.conferences_of(process),
        "ideas": post_selectors.staff_ideas(request.user, process),
        "report": participation_report(process),
        "invite_form": forms.get("invite_form") or InviteForm(),
        "expert_form": forms.get("expert_form")
        or ExpertInviteForm(experts=process_selectors.experts_for(request.user)),
        "can_plan": request.user.has_perm(rules.PERM_PLAN),
        "audience": process_selectors.audience_label(process, process.audience),
    }


@login_required
@require_GET
def manage(request, process_id):
    _require(request.user, rules.PERM_VIEW)
    process = process_selectors.process_for_staff(request.user, process_id)
    return render(request, "participation/staff/manage.html", _manage_context(request, process))


@login_required
@require_POST
def publish(request, process_id):
    _require(request.user, rules.PERM_PLAN)
    process = process_selectors.process_for_staff(request.user, process_id)
    process_services.process_publish(
        actor=request.user, process=process, published=request.POST.get("published") == "1"
    )
    messages.success(
        request,
        _("Das Verfahren ist veröffentlicht.")
        if process.published
        else _("Das Verfahren ist nicht mehr öffentlich."),
    )
    return _to_manage(process)


@login_required
@require_POST
def invite(request, process_id):
    _require(request.user, rules.PERM_PLAN)
    process = process_selectors.process_for_staff(request.user, process_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            issued = participants.invitation_group_create(
                actor=request.user, process=process, **form.cleaned_data
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            join_url = request.build_absolute_uri(reverse("participation:join", args=[process.pk]))
            response = render(
                request,
                "participation/staff/codes.html",
                {"process": process, "issued": issued, "join_url": join_url},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "participation/staff/manage.html",
        _manage_context(request, process, invite_form=form),
        status=400,
    )


@login_required
@require_POST
def invite_expert(request, process_id):
    _require(request.user, rules.PERM_PLAN)
    process = process_selectors.process_for_staff(request.user, process_id)
    experts = list(process_selectors.experts_for(request.user))
    form = ExpertInviteForm(request.POST, experts=experts)
    if form.is_valid():
        expert = next(e for e in experts if str(e.pk) == form.cleaned_data["expert"])
        _participant, token = participants.expert_invite(
            actor=request.user, process=process, expert=expert
        )
        link = request.build_absolute_uri(reverse("participation:personal", args=[token]))
        response = render(
            request,
            "participation/staff/expert_link.html",
            {"process": process, "expert": expert, "link": link},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "participation/staff/manage.html",
        _manage_context(request, process, expert_form=form),
        status=400,
    )


@login_required
@require_GET
def report(request, process_id):
    _require(request.user, rules.PERM_VIEW)
    process = process_selectors.process_for_staff(request.user, process_id)
    return render(request, "participation/staff/report.html", report_context(process))


def report_context(process) -> dict:
    """What the report page and the council's PDF show: tables, charts, poll results."""
    report = participation_report(process)
    return {
        "process": process,
        "report": report,
        "district_chart": bar_chart(
            id="chart-stadtteile",
            title=_("Teilnehmende nach Stadtteil"),
            series=(_("Teilnehmende"),),
            category_label=_("Stadtteil"),
            data=[(row.label, row.participants) for row in report.by_district],
        ),
        "group_chart": bar_chart(
            id="chart-gruppen",
            title=_("Teilnehmende nach eingeladener Gruppe"),
            series=(_("Teilnehmende"),),
            category_label=_("Gruppe"),
            data=[(row.label, row.participants) for row in report.by_group],
        ),
        "polls": poll_selectors.poll_results(process),
    }


@login_required
@require_GET
def report_pdf(request, process_id):
    """The results for the council as PDF: every chart followed by its table, ideas with
    their reference numbers and what became of them."""
    _require(request.user, rules.PERM_VIEW)
    process = process_selectors.process_for_staff(request.user, process_id)
    ideas = list(
        post_selectors.staff_ideas(request.user, process).filter(visibility=Visibility.PUBLISHED)
    )
    counts = Counter(idea.status for idea in ideas)
    context = report_context(process) | {
        "ideas": ideas,
        "status_chart": bar_chart(
            id="chart-stand",
            title=_("Ideen nach Stand"),
            series=(_("Ideen"),),
            category_label=_("Stand"),
            data=[(str(label), counts.get(value, 0)) for value, label in Idea.Status.choices],
        ),
        "css": print_css(),
        "printed": timezone.localtime(),
    }
    html = render_to_string("participation/staff/report_print.html", context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="beteiligung-B{process.pk}.pdf"'
    return response


def print_css() -> str:
    with open(finders.find("participation/print.css"), encoding="utf-8") as fh:
        return fh.read()


def _idea_rows(user, process):
    header = [
        _("Nummer"),
        _("Titel"),
        _("Text"),
        _("Stadtteil"),
        _("Stand"),
        _("Begründung"),
        _("Projekt"),
        _("Unterstützungen"),
        _("Kommentare"),
        _("Sichtbarkeit"),
    ]
    rows = [
        [
            idea.reference,
            idea.title,
            idea.body,
            idea.district.name if idea.district else "",
            idea.get_status_display(),
            idea.status_reason,
            idea.project,
            idea.support_count,
            idea.comment_count,
            idea.get_visibility_display(),
        ]
        for idea in post_selectors.staff_ideas(user, process)
    ]
    return header, rows


@login_required
@require_GET
def export_ideas(request, process_id):
    _require(request.user, rules.PERM_VIEW)
    process = process_selectors.process_for_staff(request.user, process_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ideen-verfahren-{process.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    header, rows = _idea_rows(request.user, process)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_cell(v) for v in row])
    return response


@login_required
@require_GET
def export_ideas_xlsx(request, process_id):
    """The same table as Excel; text cells are neutralised so no cell becomes a formula."""
    _require(request.user, rules.PERM_VIEW)
    process = process_selectors.process_for_staff(request.user, process_id)
    header, rows = _idea_rows(request.user, process)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ideen")[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([v if isinstance(v, int) else neutralise_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="ideen-verfahren-{process.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def idea_manage(request, idea_id):
    _require(request.user, rules.PERM_VIEW)
    idea = post_selectors.staff_idea(request.user, idea_id)
    can_decide = request.user.has_perm(rules.PERM_DECIDE)
    status_form = StatusForm(
        initial={"status": idea.status, "reason": idea.status_reason, "project": idea.project}
    )
    statement_form = StatementForm()
    if request.method == "POST":
        _require(request.user, rules.PERM_DECIDE)
        try:
            if request.POST.get("action") == "statement":
                statement_form = StatementForm(request.POST)
                if statement_form.is_valid():
                    posts.comment_create(
                        idea=idea,
                        participant=None,
                        actor=request.user,
                        body=statement_form.cleaned_data["body"],
                    )
                    messages.success(request, _("Die Stellungnahme ist veröffentlicht."))
                    return HttpResponseRedirect(
                        reverse("participation:idea_manage", args=[idea.pk])
                    )
            else:
                status_form = StatusForm(request.POST)
                if status_form.is_valid():
                    accountability.idea_set_status(
                        actor=request.user, idea=idea, **status_form.cleaned_data
                    )
                    messages.success(request, _("Der Stand der Idee ist gespeichert."))
                    return HttpResponseRedirect(
                        reverse("participation:idea_manage", args=[idea.pk])
                    )
        except DomainError as exc:
            target = statement_form if request.POST.get("action") == "statement" else status_form
            exc.show_in(target)
    return render(
        request,
        "participation/staff/idea.html",
        {
            "idea": idea,
            "process": idea.process,
            "status_form": status_form,
            "statement_form": statement_form,
            "can_decide": can_decide,
        },
    )


@login_required
@require_GET
def moderation_queue(request):
    _require(request.user, rules.PERM_MODERATE)
    ideas, comments = post_selectors.moderation_queue(request.user)
    flags = post_selectors.flags_for(
        request.user, idea_ids=[i.pk for i in ideas], comment_ids=[c.pk for c in comments]
    )
    for idea in ideas:
        idea.kind, idea.flags = "idea", flags.get(("idea", idea.pk), [])
        idea.hide_form = HideForm(prefix=f"idea{idea.pk}")
    for comment in comments:
        comment.kind, comment.flags = "comment", flags.get(("comment", comment.pk), [])
        comment.hide_form = HideForm(prefix=f"comment{comment.pk}")
    return render(request, "participation/staff/moderation.html", {"posts": [*ideas, *comments]})


def _moderate(request, post, kind: str):
    if request.POST.get("action") == "publish":
        moderation.post_publish(actor=request.user, post=post)
        messages.success(request, _("Der Beitrag ist sichtbar."))
        return HttpResponseRedirect(reverse("participation:moderation"))
    form = HideForm(request.POST, prefix=f"{kind}{post.pk}")
    if form.is_valid():
        try:
            moderation.post_hide(actor=request.user, post=post, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Der Beitrag ist ausgeblendet; die Begründung sieht die Verfasserin oder der Verfasser."
                ),
            )
    else:
        messages.error(
            request, _("Bitte geben Sie eine Begründung für die Verfasserin oder den Verfasser an.")
        )
    return HttpResponseRedirect(reverse("participation:moderation"))


@login_required
@require_POST
def moderate_idea(request, idea_id):
    _require(request.user, rules.PERM_MODERATE)
    return _moderate(request, post_selectors.staff_idea(request.user, idea_id), "idea")


@login_required
@require_POST
def moderate_comment(request, comment_id):
    _require(request.user, rules.PERM_MODERATE)
    return _moderate(request, post_selectors.staff_comment(request.user, comment_id), "comment")


@login_required
@require_http_methods(["GET", "POST"])
def street_directory(request):
    _require(request.user, rules.PERM_PLAN)
    municipality = home_municipality(request.user)
    form = DirectoryForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            text = decode(form.cleaned_data["file"].read())
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            result = process_services.street_directory_import(
                actor=request.user, municipality=municipality, text=text
            )
            errors = result.errors
            if not errors:
                messages.success(
                    request, _("%(n)d Straßenabschnitte übernommen.") % {"n": result.created}
                )
                return HttpResponseRedirect(reverse("participation:streets"))
    return render(
        request,
        "participation/staff/streets.html",
        {
            "form": form,
            "errors": errors,
            "count": process_selectors.street_count(request.user),
            "districts": process_selectors.districts_for(request.user),
        },
    )


@login_required
@require_POST
def moderate_paragraph_comment(request, paragraph_comment_id):
    _require(request.user, rules.PERM_MODERATE)
    note = post_selectors.staff_paragraph_comment(request.user, paragraph_comment_id)
    return _moderate(request, note, "paragraph")


@login_required
@require_http_methods(["GET", "POST"])
def district_outlines(request):
    """GeoJSON import of the district outlines (all or nothing, errors with line numbers)."""
    _require(request.user, rules.PERM_PLAN)
    municipality = home_municipality(request.user)
    form = OutlinesForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = decode(form.cleaned_data["file"].read())
        except TabularError as exc:
            form.add_error("file", str(exc))
        else:
            result = map_services.district_outlines_import(
                actor=request.user, municipality=municipality, text=text
            )
            errors = result.errors
            if not errors:
                messages.success(
                    request,
                    _("Umrisse übernommen: %(u)d Stadtteile geändert, %(c)d neu.")
                    % {"u": result.updated, "c": result.created},
                )
                return HttpResponseRedirect(reverse("participation:outlines"))
    return render(
        request,
        "participation/staff/outlines.html",
        {
            "form": form,
            "errors": errors,
            "districts": process_selectors.districts_for(request.user),
            "map": map_selectors.district_map(municipality.pk) if municipality else None,
        },
        status=400 if errors else 200,
    )
