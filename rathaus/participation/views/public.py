"""Citizen pages (no login): processes, joining, ideas, comments, support, flags, polls,
the guiding vision and "you said, we did"."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.participation import caching, conf, protection
from rathaus.participation.forms import (
    CommentForm,
    ConsentForm,
    FlagForm,
    IdeaForm,
    JoinForm,
)
from rathaus.participation.models import Audience, Idea, Poll, Visibility
from rathaus.participation.selectors import conferences as conference_selectors
from rathaus.participation.selectors import consent as consent_selectors
from rathaus.participation.selectors import maps as map_selectors
from rathaus.participation.selectors import polls as poll_selectors
from rathaus.participation.selectors import posts as post_selectors
from rathaus.participation.selectors import processes as process_selectors
from rathaus.participation.services import participants, polls, posts
from rathaus.participation.views.common import (
    MAX_CACHED_PAGE,
    cacheable,
    cached_html,
    client_ip,
    fast_cached_html,
    module_context,
    page_number,
    remember_participant,
    session_participant,
    small_page_number,
)


def _process_or_404(process_id):
    process = process_selectors.public_process(process_id)
    if process is None:
        raise Http404
    return process


def _idea_or_404(idea_id):
    idea = post_selectors.public_idea(idea_id)
    if idea is None:
        raise Http404
    return idea


def _state(process):
    return process_selectors.phase_state(process, timezone.localdate())


@require_GET
def index(request, municipality_slug=None):
    town = None
    if municipality_slug:
        town = process_selectors.public_municipality(municipality_slug)
        if town is None:
            raise Http404
    processes = process_selectors.public_processes(municipality_slug=municipality_slug)
    today = timezone.localdate()
    items = [(p, process_selectors.phase_state(p, today)) for p in processes]
    return render(request, "participation/index.html", {"items": items, "town": town})


def _process_map(process, page):
    """The districts concerned, and the ideas of this page that have a place (no map for a
    process that concerns no district and has nothing placed on this page)."""
    concerned = {d.pk for d in process.districts.all()}
    if not concerned and not any(idea.placed for idea in page.object_list):
        return None
    return map_selectors.district_map(
        process.municipality_id, ideas=page.object_list, highlight=concerned
    )


def _process_context(request, process, participant, page_number, status):
    """The whole process page with the ideas' first page; from page 2 on only the idea list
    (description, phases, map, polls, guiding vision and events stay on the first page)."""
    context_page = post_selectors.public_ideas_page(process, page_number, status=status)
    context = {
        "process": process,
        "participant": participant,
        "page": context_page,
        "status": status,
        "statuses": [("", _("alle")), *Idea.Status.choices],
    }
    if context_page.number > 1:
        return context
    state = _state(process)
    return context | {
        "state": state,
        **module_context(process, state, participant),
        "audience": process_selectors.audience_label(process, state.audience),
        "polls": poll_selectors.poll_results(process),
        "own_votes": poll_selectors.own_votes(participant),
        "own_ranks": poll_selectors.own_ranks(participant),
        "own_answers": poll_selectors.own_answers(participant),
        "chapters": process_selectors.chapters_of(process),
        "conferences": conference_selectors.conferences_of(process),
        "phases": list(process.phases.all()),
        "map": _process_map(process, context_page),
    }


def _render_process(request, process, participant, page_number, status) -> str:
    context = _process_context(request, process, participant, page_number, status)
    name = "process.html" if context["page"].number == 1 else "process_ideas.html"
    return render_to_string(f"participation/{name}", context, request=request)


@require_GET
def districts(request, municipality_slug):
    town = process_selectors.public_municipality(municipality_slug)
    if town is None:
        raise Http404
    return render(
        request,
        "participation/districts.html",
        {
            "town": town,
            "districts": process_selectors.public_districts(town),
            "map": map_selectors.district_map(town.pk),
        },
    )


@require_GET
def process_detail(request, process_id):
    status = request.GET.get("stand", "")
    status = status if status in Idea.Status.values else ""
    raw_page = request.GET.get("page", 1)
    number = page_number(raw_page)
    part = f"process-{number}-{status}"
    if number is not None:
        hot = fast_cached_html(request, process_id, part)
        if hot is not None:
            return hot
    process = _process_or_404(process_id)
    if number is not None and cacheable(request, process):
        # every page is cached; pages beyond the first 50 only within a budget per version
        budget = None if number <= MAX_CACHED_PAGE else conf.deep_pages_cached()
        return cached_html(
            request,
            process,
            part,
            lambda: _render_process(request, process, None, number, status),
            budget=budget,
        )
    participant = session_participant(request, process)
    return HttpResponse(_render_process(request, process, participant, raw_page, status))


@require_http_methods(["GET", "POST"])
def join(request, process_id):
    process = _process_or_404(process_id)
    state = _state(process)
    form = JoinForm(request.POST or None, audience=state.audience)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            protection.limit(client_ip(request), scope="join", per_hour=conf.join_limit_per_hour())
            protection.verify(request.POST.get("altcha"))
            participant, token = participants.participant_join(
                process=process,
                pseudonym=data["pseudonym"],
                consent=data["consent"],
                street=data.get("street") or "",
                house_number=data.get("house_number") or "",
                code=data.get("code") or "",
                email=data.get("email") or "",
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            remember_participant(request, participant)
            link = request.build_absolute_uri(reverse("participation:personal", args=[token]))
            return render(
                request,
                "participation/joined.html",
                {"process": process, "participant": participant, "link": link},
            )
    return render(
        request,
        "participation/join.html",
        {
            "process": process,
            "state": state,
            "form": form,
            "audience": process_selectors.audience_label(process, state.audience),
            "invited_only": state.audience == Audience.INVITED,
            "consent_texts": consent_selectors.current_texts(process.municipality_id),
        },
    )


@require_http_methods(["GET", "POST"])
def consent(request, process_id):
    """A participant confirms the new version of the municipality's consent texts."""
    process = _process_or_404(process_id)
    participant = session_participant(request, process)
    if participant is None:
        return HttpResponseRedirect(reverse("participation:join", args=[process.pk]))
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            participants.participant_consent_renew(
                participant=participant, consent=form.cleaned_data["consent"]
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(request, _("Danke! Sie können weiter mitmachen."))
            return HttpResponseRedirect(reverse("participation:process", args=[process.pk]))
    texts = consent_selectors.outdated(participant)
    return render(
        request,
        "participation/consent.html",
        {"process": process, "form": form, "consent_texts": texts},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def idea_new(request, process_id):
    process = _process_or_404(process_id)
    participant = session_participant(request, process)
    if participant is None:
        return HttpResponseRedirect(reverse("participation:join", args=[process.pk]))
    districts = process_selectors.districts_of(process)
    if "karte.x" in request.POST:  # a click on the map picks the place; the text stays
        return _idea_place_picked(request, process, participant, districts)
    form = IdeaForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        district = next((d for d in districts if str(d.pk) == data["district"]), None)
        lon, lat = data["longitude"], data["latitude"]
        place = (lon, lat) if lon is not None and lat is not None else None
        try:
            protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
            idea = posts.idea_create(
                process=process,
                participant=participant,
                title=data["title"],
                body=data["body"],
                district=district,
                place=place,
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            if idea.visibility == Visibility.PENDING:
                messages.info(
                    request,
                    _("Danke! Ihre Idee erscheint, sobald die Moderation sie freigegeben hat."),
                )
                return HttpResponseRedirect(reverse("participation:process", args=[process.pk]))
            messages.success(request, _("Danke! Ihre Idee ist veröffentlicht."))
            return HttpResponseRedirect(reverse("participation:idea", args=[idea.pk]))
    return _idea_new_page(request, process, participant, form)


def _idea_new_page(request, process, participant, form, place=None, status=200):
    return render(
        request,
        "participation/idea_new.html",
        {
            "process": process,
            "form": form,
            "participant": participant,
            "picker": map_selectors.district_map(
                process.municipality_id,
                ideas=[_PickedPlace(*place)] if place else (),
                highlight={d.pk for d in process.districts.all()},
                width=map_selectors.PICKER_WIDTH,
                link_districts=False,
            ),
            "place": place,
        },
        status=status,
    )


class _PickedPlace:
    """Quacks like a placed idea for the picker's marker."""

    pk, reference, title, placed = 0, "", "", True

    def __init__(self, longitude: float, latitude: float):
        self.longitude, self.latitude = longitude, latitude


@require_GET
def picker_svg(request, process_id):
    """The image of the place picker (an ``<input type="image">`` sends where it was clicked),
    with the chosen place marked."""
    process = _process_or_404(process_id)
    try:
        place = (float(request.GET["lon"]), float(request.GET["lat"]))
    except (KeyError, ValueError, OverflowError):
        place = None
    picker = map_selectors.district_map(
        process.municipality_id,
        ideas=[_PickedPlace(*place)] if place else (),
        highlight={d.pk for d in process.districts.all()},
        width=map_selectors.PICKER_WIDTH,
        link_districts=False,
    )
    if picker is None:
        raise Http404
    response = render(
        request, "participation/picker.svg", {"map": picker}, content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


def _idea_place_picked(request, process, participant, districts):
    place = map_selectors.picker_place(
        process.municipality_id, request.POST.get("karte.x"), request.POST.get("karte.y")
    )
    initial = {k: request.POST.get(k, "") for k in ("title", "body", "district")}
    form = IdeaForm(initial=initial, districts=districts)
    district = map_selectors.district_at(process.municipality_id, place) if place else None
    if district is None:
        messages.error(
            request,
            _(
                "Dort ist kein Stadtteil. Bitte klicken Sie in einen Stadtteil – oder wählen Sie "
                "den Stadtteil in der Liste."
            ),
        )
        return _idea_new_page(request, process, participant, form)
    form.initial |= {"longitude": place[0], "latitude": place[1], "district": str(district.pk)}
    return _idea_new_page(request, process, participant, form, place=place)


def _idea_context(request, idea, comment_form=None):
    process = idea.process
    participant = session_participant(request, process)
    state = _state(process)
    return {
        "idea": idea,
        "process": process,
        "state": state,
        **module_context(process, state, participant),
        "participant": participant,
        "comments": post_selectors.public_comments_page(idea, request.GET.get("page", 1)),
        "comment_form": comment_form or CommentForm(),
        "map": map_selectors.district_map(process.municipality_id, ideas=[idea])
        if idea.placed
        else None,
    }


@require_GET
def idea_detail(request, idea_id):
    number = small_page_number(request.GET.get("page", 1))
    process_id = caching.process_of_idea(idea_id) if number is not None else None
    if process_id is not None:
        hot = fast_cached_html(request, process_id, f"idea-{idea_id}-{number}")
        if hot is not None:
            return hot
    idea = _idea_or_404(idea_id)
    if number is not None and cacheable(request, idea.process):
        caching.remember_idea(idea.pk, idea.process_id)
        return cached_html(
            request,
            idea.process,
            f"idea-{idea.pk}-{number}",
            lambda: render_to_string(
                "participation/idea.html", _idea_context(request, idea), request=request
            ),
        )
    return render(request, "participation/idea.html", _idea_context(request, idea))


@require_POST
def comment_create(request, idea_id):
    idea = _idea_or_404(idea_id)
    participant = session_participant(request, idea.process)
    form = CommentForm(request.POST)
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = post_selectors.comment_of(idea, form.cleaned_data["parent"])
        try:
            protection.limit(client_ip(request), scope="post", per_hour=conf.post_limit_per_hour())
            comment = posts.comment_create(
                idea=idea, participant=participant, body=form.cleaned_data["body"], parent=parent
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            if comment.visibility == Visibility.PENDING:
                messages.info(request, _("Danke! Ihr Kommentar erscheint nach der Freigabe."))
            else:
                messages.success(request, _("Danke! Ihr Kommentar ist veröffentlicht."))
            return HttpResponseRedirect(
                reverse("participation:idea", args=[idea.pk]) + "#kommentare"
            )
    return render(
        request,
        "participation/idea.html",
        _idea_context(request, idea, comment_form=form),
        status=400,
    )


@require_POST
def idea_support(request, idea_id):
    idea = _idea_or_404(idea_id)
    try:
        added = posts.idea_support(
            idea=idea, participant=session_participant(request, idea.process)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if added:
            messages.success(request, _("Sie unterstützen diese Idee."))
        else:
            messages.info(request, _("Sie unterstützen diese Idee bereits."))
    return HttpResponseRedirect(reverse("participation:idea", args=[idea.pk]))


def _flag(request, *, idea=None, comment=None):
    target_idea = idea or comment.idea
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            protection.limit(client_ip(request), scope="flag", per_hour=conf.flag_limit_per_hour())
            posts.post_flag(idea=idea, comment=comment, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            exc.show_in(form)
        else:
            messages.success(
                request, _("Danke für Ihre Meldung. Die Moderation sieht sie sich an.")
            )
            return HttpResponseRedirect(reverse("participation:idea", args=[target_idea.pk]))
    return render(
        request,
        "participation/flag.html",
        {"form": form, "idea": target_idea, "comment": comment, "process": target_idea.process},
    )


@require_http_methods(["GET", "POST"])
def idea_flag(request, idea_id):
    return _flag(request, idea=_idea_or_404(idea_id))


@require_http_methods(["GET", "POST"])
def comment_flag(request, comment_id):
    comment = post_selectors.public_comment(comment_id)
    if comment is None:
        raise Http404
    return _flag(request, comment=comment)


def _answer_poll(request, poll, participant) -> None:
    if poll.kind == Poll.Kind.RANKING:
        ranks = {o.pk: request.POST.get(f"rank_{o.pk}", "") for o in poll.options.all()}
        polls.poll_rank(poll=poll, participant=participant, ranks=ranks)
    elif poll.kind == Poll.Kind.TEXT:
        polls.poll_answer(
            poll=poll, participant=participant, body=request.POST.get(f"poll_{poll.pk}")
        )
    else:
        polls.poll_vote(
            poll=poll, participant=participant, option_ids=request.POST.getlist(f"poll_{poll.pk}")
        )


def _answered_message(poll) -> str:
    if poll.kind == Poll.Kind.TEXT:
        return _(
            "Danke! Ihre Antwort ist gespeichert. Sie wird veröffentlicht, sobald die Moderation "
            "sie gelesen hat."
        )
    return _("Danke! Ihre Antwort ist gespeichert.")


@require_POST
def poll_vote(request, process_id, poll_id):
    process = _process_or_404(process_id)
    poll = poll_selectors.poll_of(process, poll_id)
    if poll is None:
        raise Http404
    try:
        _answer_poll(request, poll, session_participant(request, process))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _answered_message(poll))
    return HttpResponseRedirect(reverse("participation:process", args=[process.pk]) + "#umfragen")


@require_GET
def accountability(request, process_id):
    process = _process_or_404(process_id)
    return render(
        request,
        "participation/accountability.html",
        {
            "process": process,
            "groups": post_selectors.accountability(process),
            "polls": poll_selectors.poll_results(process),
        },
    )


@require_GET
def altcha_challenge(request):
    response = JsonResponse(protection.create_challenge())
    response["Cache-Control"] = "no-store"
    return response
