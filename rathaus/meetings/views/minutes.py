"""Minutes: writing per item (autosave with optimistic versions), decisions, assignments,
the lifecycle draft → circulated → approved → locked, and the register of assignments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.meetings import caching, selectors
from rathaus.meetings.forms import ApproveForm, AssignmentForm, DecisionForm
from rathaus.meetings.rules import PERM_MINUTES
from rathaus.meetings.services import minutes as services
from rathaus.meetings.views.common import require, require_view, to_meeting


def _items_html(meeting, *, conflicts=None, forms=None) -> str:
    members = selectors.members_of(meeting.body)
    forms = forms or {}
    items = []
    for item in selectors.agenda_of(meeting):
        items.append(
            {
                "item": item,
                "conflict": (conflicts or {}).get(item.pk),
                "decision_form": forms.get(("decision", item.pk))
                or DecisionForm(prefix=f"d{item.pk}"),
                "assignment_form": forms.get(("assignment", item.pk))
                or AssignmentForm(prefix=f"a{item.pk}", members=members),
            }
        )
    return render_to_string(
        "meetings/minutes/_items.html",
        {"meeting": meeting, "items": items, "csrf_token": caching.CSRF_PLACEHOLDER},
    )


def _page(request, meeting, *, conflicts=None, forms=None, status=200, csrf=True):
    """The items part is cached per body version unless it shows a conflict or form errors;
    ``csrf=False`` leaves the placeholder in every form (for the whole-page cache)."""
    if conflicts or forms:
        items_html = _items_html(meeting, conflicts=conflicts, forms=forms)
    else:
        items_html = caching.get_or_render(
            caching.body_key(meeting.body, f"minutes:{meeting.pk}"),
            lambda: _items_html(meeting),
        )
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "body": meeting.body,
            "items_html": caching.with_csrf(request, items_html) if csrf else items_html,
            "approve_form": ApproveForm(meetings=selectors.later_meetings(meeting, now=now_or())),
            **({} if csrf else {"csrf_token": caching.CSRF_PLACEHOLDER}),
        },
        status=status,
    )


@login_required
@require_GET
def minutes(request, meeting_id):
    """The whole page is cached like the meeting page (per person, body version, language);
    not while the minutes are circulated (the approval form lists meetings that have begun
    by now) and not with messages to show."""
    require(request.user, PERM_MINUTES)
    user = request.user
    who = f"{user.pk}:{user.municipality_id}:{','.join(sorted(user.roles or []))}"

    def page_key(head, version) -> str | None:
        if head.minutes_status == head.MinutesStatus.CIRCULATED:
            return None  # never cached: the approval form follows the clock
        return caching.body_key(head.body, f"minutes-page:{head.pk}:{who}", version)

    head, body_version, hit = caching.meeting_head(
        user, meeting_id, lambda: selectors.meeting_head(user, meeting_id), page_key=page_key
    )
    key = page_key(head, body_version)
    if key is None or len(get_messages(request)):
        return _page(request, selectors.meeting_get(request.user, meeting_id))
    html = caching.get_or_render(
        key,
        lambda: _page(
            request, selectors.meeting_get(request.user, meeting_id), csrf=False
        ).content.decode(),
        hit,
    )
    return HttpResponse(caching.with_csrf(request, html))


@login_required
@require_POST
def item_save(request, item_id):
    """Saves one item's text. JSON for the autosave script; a full page without script."""
    require(request.user, PERM_MINUTES)
    item = selectors.item_get(request.user, item_id)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    text = request.POST.get("text", "")
    try:
        base = int(request.POST.get("version", ""))
    except ValueError:
        base = -1
    try:
        item = services.minutes_save(actor=request.user, item=item, text=text, base_version=base)
    except services.MinutesConflict as exc:
        if wants_json:
            return JsonResponse(
                {
                    "status": "conflict",
                    "message": exc.message,
                    "theirs": exc.item.discussion,
                    "version": exc.item.version,
                },
                status=409,
            )
        conflict = {"mine": text, "theirs": exc.item.discussion, "message": exc.message}
        return _page(request, item.meeting, conflicts={item.pk: conflict}, status=409)
    except DomainError as exc:
        if wants_json:
            return JsonResponse({"status": "error", "message": exc.message}, status=exc.status)
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("meetings:minutes", args=[item.meeting_id]))
    if wants_json:
        return JsonResponse({"status": "saved", "version": item.version})
    messages.success(request, _("Gespeichert."))
    return HttpResponseRedirect(
        reverse("meetings:minutes", args=[item.meeting_id]) + f"#top-{item.pk}"
    )


def _meeting_item(request, item_id):
    require(request.user, PERM_MINUTES)
    item = selectors.item_get(request.user, item_id)
    if item.meeting_id is None:
        raise Http404  # a backlog item has no minutes
    return item


@login_required
@require_POST
def decision_add(request, item_id):
    item = _meeting_item(request, item_id)
    form = DecisionForm(request.POST, prefix=f"d{item.pk}")
    if form.is_valid():
        try:
            services.decision_record(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Beschluss erfasst."))
            return HttpResponseRedirect(
                reverse("meetings:minutes", args=[item.meeting_id]) + f"#top-{item.pk}"
            )
    return _page(request, item.meeting, forms={("decision", item.pk): form}, status=422)


@login_required
@require_POST
def assignment_add(request, item_id):
    item = _meeting_item(request, item_id)
    form = AssignmentForm(
        request.POST, prefix=f"a{item.pk}", members=selectors.members_of(item.body)
    )
    if form.is_valid():
        try:
            services.assignment_create(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Auftrag in das Auftragsregister aufgenommen."))
            return HttpResponseRedirect(
                reverse("meetings:minutes", args=[item.meeting_id]) + f"#top-{item.pk}"
            )
    return _page(request, item.meeting, forms={("assignment", item.pk): form}, status=422)


@login_required
@require_POST
def lifecycle(request, meeting_id, step):
    require(request.user, PERM_MINUTES)
    meeting = selectors.meeting_get(request.user, meeting_id)
    try:
        if step == "versenden":
            services.minutes_circulate(actor=request.user, meeting=meeting)
            messages.success(request, _("Protokoll zur Korrektur versandt."))
        elif step == "genehmigen":
            form = ApproveForm(
                request.POST, meetings=selectors.later_meetings(meeting, now=now_or())
            )
            if not form.is_valid():
                raise DomainError(
                    "approval_meeting", _("Bitte die genehmigende Sitzung auswählen.")
                )
            services.minutes_approve(
                actor=request.user, meeting=meeting, at_meeting=form.cleaned_data["at_meeting"]
            )
            messages.success(request, _("Protokoll genehmigt."))
        elif step == "abschliessen":
            services.minutes_lock(actor=request.user, meeting=meeting)
            messages.success(request, _("Protokoll abgeschlossen."))
        else:
            messages.error(request, _("Unbekannter Schritt."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return to_meeting(meeting.pk, "#protokoll")


@login_required
@require_GET
def register(request):
    """One register of assignments across all meetings and bodies the user may read."""
    require_view(request.user)
    state = request.GET.get("stand", "open")
    if state not in ("open", "overdue", "done", "all"):
        state = "open"
    body_id = request.GET.get("gremium") or None
    if body_id is not None and not body_id.isdigit():
        body_id = None
    return render(
        request,
        "meetings/register.html",
        {
            "assignments": selectors.assignments_for(request.user, body_id=body_id, state=state)[
                :500
            ],
            "bodies": selectors.bodies_for(request.user),
            "state": state,
            "body_id": int(body_id) if body_id else None,
            "today": timezone.localdate(),
            "can_write": request.user.has_perm(PERM_MINUTES),
        },
    )


@login_required
@require_http_methods(["POST"])
def assignment_done(request, assignment_id):
    require(request.user, PERM_MINUTES)
    assignment = selectors.assignment_get(request.user, assignment_id)
    try:
        services.assignment_complete(
            actor=request.user, assignment=assignment, note=request.POST.get("note", "")[:500]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Auftrag als erledigt vermerkt."))
    return HttpResponseRedirect(reverse("meetings:register"))
