"""Joining a process (audience check), invitation codes, experts, and erasing one's own data.

A refused join stores nothing: every check runs inside the transaction before the insert,
and a claimed code is locked so that it can be used exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.core.clock import now_or
from rathaus.core.problems import DomainError
from rathaus.engines.districtmap import Directory
from rathaus.engines.districtmap import StreetRange as Range
from rathaus.participation import caching
from rathaus.participation.models import (
    Comment,
    District,
    Expert,
    Idea,
    InvitationCode,
    InvitationGroup,
    ParagraphComment,
    Participant,
    Process,
    StreetRange,
    Visibility,
    hash_token,
    new_code,
    new_token,
    normalize_code,
)
from rathaus.participation.selectors.audience import open_rules
from rathaus.participation.selectors.consent import current_texts
from rathaus.participation.selectors.consent import versions as consent_versions
from rathaus.participation.selectors.processes import phase_state
from rathaus.participation.text import one_line, optional_email

MAX_CODES = 2000


def district_for_address(process: Process, street: str, house_number: str) -> District | None:
    ranges = [
        Range(r.street, r.first, r.last, r.parity, str(r.district_id))
        for r in StreetRange.objects.filter(municipality_id=process.municipality_id)
    ]
    found = Directory(ranges).district_of(street, house_number)
    return District.objects.filter(pk=int(found)).first() if found else None


def _claim_code(process: Process, code: str) -> InvitationCode:
    raw = normalize_code(code)
    row = (
        InvitationCode.objects.select_for_update()
        .select_related("group")
        .filter(code_hash=hash_token(raw), group__process=process)
        .first()
        if 8 <= len(raw) <= 40
        else None
    )
    if row is None:
        raise DomainError(
            "code_invalid",
            _("Dieser Einladungscode ist ungültig. Bitte prüfen Sie die Schreibweise."),
            errors=[{"field": "code", "message": _("ungültig")}],
        )
    if row.used_by_id is not None:
        raise DomainError(
            "code_used",
            _("Dieser Einladungscode wurde bereits verwendet. Jeder Code gilt nur einmal."),
            status=409,
            errors=[{"field": "code", "message": _("bereits verwendet")}],
        )
    return row


def _check_address(process: Process, street: str, house_number: str) -> District:
    if not street.strip() or not house_number.strip():
        raise DomainError(
            "address_required",
            _("Bitte geben Sie Straße und Hausnummer Ihrer Wohnadresse an."),
            errors=[{"field": "street", "message": _("Pflichtfeld")}],
        )
    district = district_for_address(process, street, house_number)
    if district is None:
        raise DomainError(
            "address_unknown",
            _(
                "Diese Adresse steht nicht im Straßenverzeichnis der Stadt. Bitte prüfen Sie Straße und Hausnummer."
            ),
            errors=[{"field": "street", "message": _("unbekannt")}],
        )
    return district


def _refuse_outside(names: str, district: District) -> None:
    raise DomainError(
        "outside_audience",
        _(
            "Dieses Verfahren richtet sich an die Menschen in %(names)s. Ihre Adresse liegt in "
            "%(district)s. Wenn Sie eingeladen wurden, geben Sie bitte Ihren Einladungscode ein."
        )
        % {"names": names, "district": district.name},
        status=403,
        errors=[{"field": "street", "message": _("außerhalb des Gebiets")}],
    )


def _check_audience(
    process: Process, state, district: District | None, claimed: InvitationCode | None
) -> None:
    """Admit if at least one module open today admits the person (its own audience, else the
    phase's); otherwise say why, naming the first refusing rule (the phase's first)."""
    rules = sorted(open_rules(process, state), key=lambda r: r.own)
    group_id = claimed.group_id if claimed else None
    district_id = district.pk if district else None
    refusals = [
        (r, r.refusal(district_id=district_id, group_id=group_id, expert=False)) for r in rules
    ]
    if not refusals or any(not code for _r, code in refusals):
        return
    rule, code = refusals[0]
    if code == "district_unknown":
        _check_address(process, "", "")
    if rule.own:
        field = "code" if code == "not_invited" else "street"
        raise DomainError(
            "outside_module_audience",
            rule.message(code),
            status=403,
            errors=[{"field": field, "message": _("nicht zugelassen")}],
        )
    if code == "not_invited":
        raise DomainError(
            "code_required",
            _(
                "An diesem Verfahren nehmen nur eingeladene Personen teil. Bitte geben Sie Ihren Einladungscode ein."
            ),
            status=403,
            errors=[{"field": "code", "message": _("Pflichtfeld")}],
        )
    _refuse_outside(", ".join(rule.district_names), district)


@transaction.atomic
def participant_join(
    *,
    process: Process,
    pseudonym: str,
    consent: bool,
    street: str = "",
    house_number: str = "",
    code: str = "",
    email: str = "",
    now: datetime | None = None,
) -> tuple[Participant, str]:
    """Admit someone to ``process`` if the audience of today's phase includes them.

    Returns the participant and the raw personal token (shown once, stored hashed).
    The address is used for the check only; just the district is kept.
    """
    now = now_or(now)
    state = phase_state(process, timezone.localdate(now))
    if not process.published or not state.open:
        raise DomainError(
            "phase_closed", _("Bei diesem Verfahren kann man zurzeit nicht mitmachen."), status=409
        )
    pseudonym = one_line(pseudonym, field="pseudonym", label=_("Öffentlicher Name"), max_length=60)
    street = one_line(street, field="street", label=_("Straße"), max_length=200, required=False)
    house_number = one_line(
        house_number, field="house_number", label=_("Hausnummer"), max_length=10, required=False
    )
    email = optional_email(email)
    if not consent:
        raise DomainError(
            "consent_required",
            _("Bitte stimmen Sie den Hinweisen zum Datenschutz zu."),
            errors=[{"field": "consent", "message": _("Pflichtfeld")}],
        )
    claimed = _claim_code(process, code) if code.strip() else None
    district = None
    if street or house_number:
        district = _check_address(process, street, house_number)
    _check_audience(process, state, district, claimed)
    token = new_token()
    participant = Participant.objects.create(
        municipality_id=process.municipality_id,
        process=process,
        pseudonym=pseudonym,
        token_hash=hash_token(token),
        district=district,
        group=claimed.group if claimed else None,
        email=email,
        consents=consent_versions(current_texts(process.municipality_id, now)),
        created_at=now,
    )
    if claimed:
        claimed.used_by = participant
        claimed.used_at = now
        claimed.save(update_fields=["used_by", "used_at"])
    audit.record(actor=None, instance=participant, action="create", summary="Teilnahme")
    return participant, token


@transaction.atomic
def participant_consent_renew(
    *, participant: Participant, consent: bool, now: datetime | None = None
) -> Participant:
    """The participant accepts the consent texts in force (after a new version)."""
    now = now_or(now)
    if not consent:
        raise DomainError(
            "consent_required",
            _("Bitte bestätigen Sie die neue Fassung."),
            errors=[{"field": "consent", "message": _("Pflichtfeld")}],
        )
    participant.consents = consent_versions(current_texts(participant.municipality_id, now))
    participant.save(update_fields=["consents"])
    audit.record(
        actor=None,
        instance=participant,
        action="update",
        summary="Einwilligung " + ", ".join(f"{k} v{v}" for k, v in participant.consents.items()),
    )
    return participant


@dataclass(frozen=True)
class IssuedCodes:
    group: InvitationGroup
    codes: list[str]  # raw codes: shown once for the letters, stored only as hashes


@transaction.atomic
def invitation_group_create(
    *, actor, process: Process, name: str, kind: str, count: int, now: datetime | None = None
) -> IssuedCodes:
    now = now_or(now)
    name = one_line(name, field="name", label=_("Gruppe"), max_length=200)
    if kind not in InvitationGroup.Kind.values:
        raise DomainError("kind_invalid", _("Unbekannte Art der Gruppe."))
    if not 1 <= int(count) <= MAX_CODES:
        raise DomainError(
            "count_invalid",
            _("Bitte zwischen 1 und %(n)d Codes erzeugen.") % {"n": MAX_CODES},
            errors=[{"field": "count", "message": _("ungültig")}],
        )
    group = InvitationGroup.objects.create(
        municipality_id=process.municipality_id,
        process=process,
        name=name,
        kind=kind,
        created_at=now,
    )
    codes = [new_code() for _ in range(int(count))]
    InvitationCode.objects.bulk_create(
        InvitationCode(
            municipality_id=process.municipality_id,
            group=group,
            code_hash=hash_token(normalize_code(c)),
        )
        for c in codes
    )
    audit.record(actor=actor, instance=group, action="create", summary=f"{count} Einladungscodes")
    return IssuedCodes(group, codes)


@transaction.atomic
def expert_invite(
    *, actor, process: Process, expert: Expert, now: datetime | None = None
) -> tuple[Participant, str]:
    """A personal link for a registered expert: their posts show role and affiliation."""
    now = now_or(now)
    if expert.municipality_id != process.municipality_id:
        raise DomainError("expert_invalid", _("Unbekannte fachkundige Person."), status=404)
    token = new_token()
    participant = Participant.objects.create(
        municipality_id=process.municipality_id,
        process=process,
        pseudonym=expert.name,
        token_hash=hash_token(token),
        district=expert.district,
        expert=expert,
        created_at=now,
    )
    audit.record(
        actor=actor, instance=participant, action="create", summary="Einladung Fachkundige"
    )
    return participant, token


# Stored text of a post kept as a placeholder (data, like the posts themselves).
ERASED_TITLE = "Gelöschter Beitrag"
ERASED_BODY = "Dieser Beitrag wurde auf Wunsch der Verfasserin oder des Verfassers gelöscht."


@transaction.atomic
def participant_erase(*, participant: Participant) -> None:
    """GDPR Art. 17: delete the participant with all their posts, supports and votes.

    Other people's comments survive: an idea or comment of the erased person that others
    answered stays as an anonymous placeholder, and the comment counts are recounted."""
    audit.record(
        actor=None,
        action="delete",
        municipality_id=participant.municipality_id,
        object_type="participation.Participant",
        object_id=str(participant.pk),
        summary=_("Löschung auf Wunsch"),
    )
    participant_remove(participant, keep_results=False)


def participant_remove(participant: Participant, *, keep_results: bool) -> None:
    """Delete ``participant`` (personal link, pseudonym, e-mail address) and their posts.

    Posts that others answered stay as anonymous placeholders. With ``keep_results`` (the
    retention job) posts that became part of a public result keep their text without the
    author: ideas with a decision ("you said, we did") and proposals taken into the guiding
    vision. The caller holds the transaction and writes the audit entry."""
    touched_ideas = set(
        Comment.objects.filter(participant=participant).values_list("idea_id", flat=True)
    )
    if keep_results:
        _keep_results_anonymously(participant)
    _keep_answered_posts_as_placeholders(participant)
    caching.bump(participant.process_id)
    participant.delete()
    _recount_comments(touched_ideas)


def _keep_results_anonymously(participant: Participant) -> None:
    decided = (Idea.Status.ADOPTED, Idea.Status.REJECTED)
    Idea.objects.filter(participant=participant, status__in=decided).update(
        participant=None, author_reply=""
    )
    ParagraphComment.objects.filter(participant=participant, adopted_in__isnull=False).update(
        participant=None, author_reply=""
    )


def _keep_answered_posts_as_placeholders(participant: Participant) -> None:
    others = Comment.objects.exclude(participant=participant)  # includes official comments
    answered_ideas = Idea.objects.filter(participant=participant).filter(
        Exists(others.filter(idea=OuterRef("pk")))
    )
    answered_ideas.update(participant=None, title=ERASED_TITLE, body=ERASED_BODY, author_reply="")
    answered_comments = Comment.objects.filter(participant=participant).filter(
        Exists(others.filter(parent=OuterRef("pk")))
    )
    answered_comments.update(participant=None, body=ERASED_BODY, author_reply="")
    traced = ParagraphComment.objects.filter(participant=participant, adopted_in__isnull=False)
    traced.update(participant=None, body=ERASED_BODY, proposal="", author_reply="")


def _recount_comments(idea_ids: set[int]) -> None:
    for idea_id in idea_ids:
        published = Comment.objects.filter(idea_id=idea_id, visibility=Visibility.PUBLISHED)
        Idea.objects.filter(pk=idea_id).update(comment_count=published.count())
