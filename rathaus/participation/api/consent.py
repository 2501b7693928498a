"""Consent texts of a municipality (privacy notice, terms; versioned) and a participant's
confirmation of a new version (header ``X-Participation-Token``). Until then every
contribution answers 409 ``consent_outdated``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from rathaus.core.problems import NotFound
from rathaus.participation.api.common import ProblemOut, public_process_or_404, token_participant
from rathaus.participation.selectors import consent as selectors
from rathaus.participation.selectors import processes as process_selectors
from rathaus.participation.services import participants

router = Router()


class ConsentTextOut(Schema):
    kind: str
    kind_label: str
    version: int
    title: str
    body: str
    published_at: str


class ConsentIn(Schema):
    consent: bool = False


class ConsentStateOut(Schema):
    accepted: dict[str, int]  # kind → version the participant accepted
    outdated: list[ConsentTextOut]  # texts in force not yet accepted in this version


def _text_out(text) -> dict:
    return {
        "kind": text.kind,
        "kind_label": text.get_kind_display(),
        "version": text.version,
        "title": text.title,
        "body": text.body,
        "published_at": text.published_at.isoformat(),
    }


def _state_out(participant) -> dict:
    return {
        "accepted": {k: int(v) for k, v in (participant.consents or {}).items()},
        "outdated": [_text_out(t) for t in selectors.outdated(participant)],
    }


@router.get(
    "/municipalities/{municipality_slug}/consent-texts",
    response=list[ConsentTextOut],
    summary="Consent texts in force (newest version of each kind)",
)
def consent_texts(request: HttpRequest, municipality_slug: str):
    town = process_selectors.public_municipality(municipality_slug)
    if town is None:
        raise NotFound("not_found", _("Diese Kommune wurde nicht gefunden."))
    return [_text_out(t) for t in selectors.current_texts(town.pk)]


@router.get(
    "/processes/{process_id}/participants/me/consent",
    response={200: ConsentStateOut, 403: ProblemOut},
    summary="Accepted versions and texts still to confirm (header X-Participation-Token)",
)
def consent_get(request: HttpRequest, process_id: int):
    process = public_process_or_404(process_id)
    return _state_out(token_participant(request, process))


@router.post(
    "/processes/{process_id}/participants/me/consent",
    response={200: ConsentStateOut, 403: ProblemOut},
    summary="Confirm the consent texts in force (header X-Participation-Token)",
)
def consent_confirm(request: HttpRequest, process_id: int, payload: ConsentIn):
    process = public_process_or_404(process_id)
    participant = token_participant(request, process)
    participants.participant_consent_renew(participant=participant, consent=payload.consent)
    return _state_out(participant)
