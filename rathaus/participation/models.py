"""Participation: processes with phases, audiences (districts, invited groups), participants
acting through personal links, ideas, threaded comments, moderation with feedback, experts,
polls, the guiding vision, and "you said, we did" (every idea ends adopted or rejected).

Citizens never log in: a ``Participant`` is created when someone joins a process (after the
audience check) and acts through a personal link whose token is stored only as a hash.
Addresses are never stored: the street directory answers with a district, and only the
district is kept (data minimisation).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import TenantModel, created_by_field


def new_token() -> str:
    """A fresh personal token (URL-safe, 256 bit)."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """An invitation code to print on a letter: 12 characters without look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Alle")
    DISTRICTS = "districts", _("Bewohnerinnen und Bewohner der Stadtteile (und Eingeladene)")
    INVITED = "invited", _("Nur eingeladene Gruppen (Code)")


class District(TenantModel):
    """A district (Stadtteil / Ortsteil) of the municipality."""

    code = models.CharField(_("Kürzel"), max_length=40)
    name = models.CharField(_("Name"), max_length=200)
    geometry = models.JSONField(_("Umriss (GeoJSON)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stadtteil")
        verbose_name_plural = _("Stadtteile")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="part_district_code")
        ]

    def __str__(self) -> str:
        return self.name


class StreetRange(TenantModel):
    """One line of the street directory: house numbers of a street that lie in a district."""

    class Parity(models.TextChoices):
        ALL = "all", _("alle")
        ODD = "odd", _("ungerade")
        EVEN = "even", _("gerade")

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="streets", verbose_name=_("Stadtteil")
    )
    street = models.CharField(_("Straße"), max_length=200)
    first = models.PositiveIntegerField(_("von Nr."))
    last = models.PositiveIntegerField(_("bis Nr."))
    parity = models.CharField(_("Seite"), max_length=4, choices=Parity.choices, default=Parity.ALL)

    class Meta:
        verbose_name = _("Straßenabschnitt")
        verbose_name_plural = _("Straßenverzeichnis")
        ordering = ["street", "first"]

    def __str__(self) -> str:
        return f"{self.street} {self.first}–{self.last}"


class Expert(TenantModel):
    """Register of local experts and organisations (kept only with their consent)."""

    class Field(models.TextChoices):
        ECONOMY = "economy", _("Wirtschaft und Handel")
        NATURE = "nature", _("Natur- und Umweltschutz")
        CULTURE = "culture", _("Kultur")
        SPORT = "sport", _("Sport")
        SOCIAL = "social", _("Soziales")
        MOBILITY = "mobility", _("Verkehr und Mobilität")
        OTHER = "other", _("Sonstiges")

    name = models.CharField(_("Name"), max_length=200)
    field = models.CharField(_("Fachgebiet"), max_length=20, choices=Field.choices)
    role = models.CharField(_("Erklärte Rolle"), max_length=200)
    affiliation = models.CharField(_("Organisation"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name=_("Stadtteil"),
    )
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    consent_at = models.DateTimeField(_("Einwilligung erteilt am"))

    class Meta:
        verbose_name = _("Fachkundige Person")
        verbose_name_plural = _("Register der Fachkundigen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Process(TenantModel):
    class Moderation(models.TextChoices):
        PRE = "pre", _("Vorab prüfen (erst nach Freigabe sichtbar)")
        POST = "post", _("Nachträglich prüfen (sofort sichtbar)")

    class Kind(models.TextChoices):
        PLANNING = "planning", _("Planungsverfahren")
        FORUM = "forum", _("Themenforum")
        VISION = "vision", _("Leitbild")

    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.PLANNING)
    summary = models.TextField(_("Kurz und in einfacher Sprache"), max_length=1000)
    description = models.TextField(_("Beschreibung"), max_length=20000, blank=True)
    districts = models.ManyToManyField(
        District, blank=True, related_name="processes", verbose_name=_("Betroffene Stadtteile")
    )
    audience = models.CharField(
        _("Wer darf mitmachen?"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    moderation = models.CharField(
        _("Moderation"), max_length=10, choices=Moderation.choices, default=Moderation.POST
    )
    published = models.BooleanField(_("Veröffentlicht"), default=False)
    created_at = models.DateTimeField(_("Angelegt am"))
    created_by = created_by_field()

    class Meta:
        verbose_name = _("Beteiligungsverfahren")
        verbose_name_plural = _("Beteiligungsverfahren")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Phase(TenantModel):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        CONTRIBUTIONS = "contributions", _("Ideen sammeln")
        DISCUSSION = "discussion", _("Diskussion")
        RATING = "rating", _("Bewertung und Umfrage")
        EVALUATION = "evaluation", _("Auswertung")
        RESULT = "result", _("Ergebnis")

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="phases",
        verbose_name=_("Beteiligungsverfahren"),
    )
    kind = models.CharField(_("Phase"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    allows_ideas = models.BooleanField(_("Ideen einreichen"), default=False)
    allows_comments = models.BooleanField(_("Kommentieren"), default=False)
    allows_support = models.BooleanField(_("Ideen unterstützen"), default=False)
    allows_poll = models.BooleanField(_("An Umfragen teilnehmen"), default=False)
    allows_questions = models.BooleanField(
        _("Fragen zu Veranstaltungen stellen und unterstützen"), default=False
    )
    audience = models.CharField(
        _("Wer darf in dieser Phase mitmachen?"),
        max_length=20,
        choices=Audience.choices,
        blank=True,
        help_text=_("Leer: wie im Verfahren festgelegt."),
    )

    class Meta:
        verbose_name = _("Phase")
        verbose_name_plural = _("Phasen")
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.get_kind_display()


class InvitationGroup(TenantModel):
    """An invited group: residents of a street, an association, businesses — each gets codes."""

    class Kind(models.TextChoices):
        HOUSEHOLDS = "households", _("Haushalte")
        ASSOCIATIONS = "associations", _("Vereine und Initiativen")
        BUSINESSES = "businesses", _("Gewerbe und Handel")
        INSTITUTIONS = "institutions", _("Einrichtungen")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("Gruppe"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Eingeladene Gruppe")
        verbose_name_plural = _("Eingeladene Gruppen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Module(models.TextChoices):
    """The parts of a process a citizen contributes to; each may have its own audience."""

    IDEAS = "ideas", _("Ideen einreichen")
    COMMENTS = "comments", _("Kommentieren")
    SUPPORT = "support", _("Ideen unterstützen")
    POLL = "poll", _("Umfragen")
    VISION = "vision", _("Entwurfstext kommentieren")
    QUESTIONS = "questions", _("Fragen zu Veranstaltungen")


class ModuleAudience(TenantModel):
    """Who may use one module of a process; without a row the phase's (or process's) audience
    applies. Districts empty = the process's districts; groups empty = every invited group."""

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="module_audiences",
        verbose_name=_("Beteiligungsverfahren"),
    )
    module = models.CharField(_("Bereich"), max_length=20, choices=Module.choices)
    audience = models.CharField(
        _("Wer darf hier mitmachen?"), max_length=20, choices=Audience.choices
    )
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="+",
        verbose_name=_("Stadtteile"),
        help_text=_("Leer: die Stadtteile des Verfahrens."),
    )
    groups = models.ManyToManyField(
        "InvitationGroup",
        blank=True,
        related_name="+",
        verbose_name=_("Eingeladene Gruppen"),
        help_text=_("Leer: alle eingeladenen Gruppen des Verfahrens."),
    )

    class Meta:
        verbose_name = _("Zielgruppe eines Bereichs")
        verbose_name_plural = _("Zielgruppen der Bereiche")
        ordering = ["process", "module"]
        constraints = [
            models.UniqueConstraint(fields=["process", "module"], name="part_module_audience")
        ]

    def __str__(self) -> str:
        return f"{self.process}: {self.get_module_display()}"


class ConsentText(TenantModel):
    """A versioned consent text of a municipality (privacy notice, terms of participation).
    The newest version of each kind is the one citizens accept; a newer one asks again."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Datenschutzhinweise")
        TERMS = "terms", _("Nutzungsbedingungen")

    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("Version"))
    title = models.CharField(_("Titel"), max_length=200)
    body = models.TextField(_("Text"), max_length=50000)
    published_at = models.DateTimeField(_("Gültig ab"))

    class Meta:
        verbose_name = _("Einwilligungstext")
        verbose_name_plural = _("Einwilligungstexte")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind", "version"], name="part_consent_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class Participant(TenantModel):
    """Someone taking part in one process, through a personal link (no account)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="participants")
    pseudonym = models.CharField(_("Öffentlicher Name"), max_length=60)
    token_hash = models.CharField(max_length=64, unique=True)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        InvitationGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.SET_NULL, null=True, blank=True, related_name="participations"
    )
    email = models.EmailField(
        _("E-Mail-Adresse für Benachrichtigungen"),
        blank=True,
        help_text=_("Freiwillig; nur für Nachrichten zu den eigenen Beiträgen."),
    )
    # the versions of the municipality's consent texts this person accepted ({kind: version})
    consents = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Teilnehmende Person")
        verbose_name_plural = _("Teilnehmende")

    def __str__(self) -> str:
        return self.pseudonym


class InvitationCode(TenantModel):
    group = models.ForeignKey(InvitationGroup, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used_by = models.OneToOneField(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="code"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Einladungscode")
        verbose_name_plural = _("Einladungscodes")


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("Sichtbar")
    PENDING = "pending", _("Wartet auf Freigabe")
    HIDDEN = "hidden", _("Ausgeblendet")


class Post(TenantModel):
    """Fields shared by ideas and comments: author, moderation state and feedback."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Gesetzt bei offiziellen Stellungnahmen der Verwaltung."),
    )
    body = models.TextField(_("Text"), max_length=5000)
    visibility = models.CharField(
        _("Sichtbarkeit"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    moderation_reason = models.TextField(_("Begründung der Moderation"), blank=True)
    author_reply = models.TextField(_("Antwort der Verfasserin/des Verfassers"), blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        abstract = True

    @property
    def is_official(self) -> bool:
        return self.staff_author_id is not None


class Idea(Post):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Eingegangen")
        UNDER_REVIEW = "under_review", _("In Prüfung")
        ADOPTED = "adopted", _("Übernommen")
        REJECTED = "rejected", _("Nicht übernommen")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ideas")
    number = models.PositiveIntegerField(_("Nummer"))
    title = models.CharField(_("Titel"), max_length=160)
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    status_reason = models.TextField(_("Begründung"), blank=True)
    project = models.CharField(
        _("Umgesetzt in (Projekt oder Beschluss)"), max_length=200, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # An optional place on the district map (WGS 84); the district follows from it.
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Idee")
        verbose_name_plural = _("Ideen")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["process", "number"], name="part_idea_number")
        ]
        indexes = [
            # the public list's order with its tie-breaker: a page deep in a long list is
            # read along the index (no sort of all the process's ideas)
            models.Index(
                fields=["process", "visibility", "-created_at", "-id"], name="part_idea_list"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"B{self.process_id}-{self.number:04d}"

    @property
    def placed(self) -> bool:
        return self.longitude is not None and self.latitude is not None


class Comment(Post):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "visibility", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


class Support(TenantModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("Unterstützung")
        verbose_name_plural = _("Unterstützungen")
        constraints = [
            models.UniqueConstraint(fields=["idea", "participant"], name="part_support_once")
        ]


class Flag(TenantModel):
    """A citizen's report of a post; a moderator handles it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True)
    reason = models.CharField(_("Grund"), max_length=300)
    created_at = models.DateTimeField()
    handled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")


class Poll(TenantModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Eine Antwort")
        MULTIPLE = "multiple", _("Mehrere Antworten möglich")
        RANKING = "ranking", _("Rangfolge")
        TEXT = "text", _("Freitext")

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="polls",
        verbose_name=_("Beteiligungsverfahren"),
    )
    question = models.CharField(_("Frage"), max_length=300)
    kind = models.CharField(
        _("Art der Frage"), max_length=10, choices=Kind.choices, default=Kind.SINGLE
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Umfrage")
        verbose_name_plural = _("Umfragen")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question


class PollOption(TenantModel):
    poll = models.ForeignKey(
        Poll, on_delete=models.CASCADE, related_name="options", verbose_name=_("Umfrage")
    )
    label = models.CharField(_("Antwort"), max_length=200)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Antwortmöglichkeit")
        verbose_name_plural = _("Antwortmöglichkeiten")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class PollVote(TenantModel):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    # Place in a ranking question (1 = first choice); empty for single and multiple choice.
    rank = models.PositiveSmallIntegerField(_("Rang"), null=True, blank=True)

    class Meta:
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "option", "participant"], name="part_poll_vote_once"
            )
        ]


class PollAnswer(TenantModel):
    """A free-text answer: waits for a moderator before it is published (always, whatever the
    process's moderation mode — free text is where personal data and insults end up)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("Antwort"), max_length=2000)
    visibility = models.CharField(
        _("Sichtbarkeit"), max_length=10, choices=Visibility.choices, default=Visibility.PENDING
    )
    moderation_reason = models.TextField(_("Begründung der Moderation"), blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Freitext-Antwort")
        verbose_name_plural = _("Freitext-Antworten")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "participant"], name="part_poll_answer_once")
        ]

    def __str__(self) -> str:
        return self.body[:60]


class VisionChapter(TenantModel):
    """A chapter of the guiding vision: the shared core (no district) or one district's."""

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="chapters",
        verbose_name=_("Beteiligungsverfahren"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Stadtteil"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Leitbild-Kapitel")
        verbose_name_plural = _("Leitbild-Kapitel")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class VisionParagraph(TenantModel):
    """One version of a paragraph; a new version points to the contributions that changed it."""

    chapter = models.ForeignKey(
        VisionChapter,
        on_delete=models.CASCADE,
        related_name="paragraphs",
        verbose_name=_("Leitbild-Kapitel"),
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    version = models.PositiveIntegerField(_("Fassung"), default=1)
    text = models.TextField(_("Text"), max_length=5000)
    current = models.BooleanField(_("Aktuelle Fassung"), default=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("Angelegt am"))

    class Meta:
        verbose_name = _("Leitbild-Absatz")
        verbose_name_plural = _("Leitbild-Absätze")
        ordering = ["position", "-version"]

    def __str__(self) -> str:
        return self.text[:60]


class ParagraphComment(Post):
    """A comment or a proposed change to one paragraph of the guiding vision."""

    paragraph = models.ForeignKey(
        VisionParagraph, on_delete=models.CASCADE, related_name="comments"
    )
    proposal = models.TextField(_("Vorgeschlagene Fassung"), max_length=5000, blank=True)
    adopted_in = models.ForeignKey(
        VisionParagraph,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sources",
        verbose_name=_("Übernommen in Fassung"),
    )

    class Meta:
        verbose_name = _("Anmerkung zum Leitbild")
        verbose_name_plural = _("Anmerkungen zum Leitbild")
        ordering = ["created_at", "pk"]


class Conference(TenantModel):
    """A thematic conference or an interdisciplinary forum of a process: programme, speakers,
    places with a waiting list, an optional online link and the documentation afterwards."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Themenkonferenz")
        FORUM = "forum", _("Interdisziplinäres Forum")

    process = models.ForeignKey(
        Process,
        on_delete=models.CASCADE,
        related_name="conferences",
        verbose_name=_("Beteiligungsverfahren"),
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.CONFERENCE)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.TextField(_("Kurz und in einfacher Sprache"), max_length=1000)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Veranstaltungsort"), max_length=200, blank=True)
    video = models.BooleanField(
        _("Online-Teilnahme über den Videodienst der Stadt"),
        default=False,
        help_text=_(
            "Der Link erscheint nur bestätigten Anmeldungen, kurz vor Beginn, auf ihrer "
            "persönlichen Anmeldeseite."
        ),
    )
    online_url = models.URLField(
        _("Online-Teilnahme (eigener Link statt Videodienst)"),
        blank=True,
        help_text=_(
            "Wird wie der Videodienst nur bestätigten Anmeldungen kurz vor Beginn gezeigt."
        ),
    )
    programme = models.TextField(
        _("Programm"), max_length=5000, blank=True, help_text=_("Eine Zeile je Programmpunkt.")
    )
    speakers = models.TextField(
        _("Mitwirkende"),
        max_length=5000,
        blank=True,
        help_text=_("Eine Zeile je Person: Name, Rolle, Organisation."),
    )
    capacity = models.PositiveIntegerField(_("Anzahl der Plätze"))
    documentation = models.TextField(
        _("Dokumentation"),
        max_length=20000,
        blank=True,
        help_text=_("Ergebnisse nach der Veranstaltung."),
    )

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def online(self) -> bool:
        return self.video or bool(self.online_url)


class Registration(TenantModel):
    """A registration for a conference; the personal link (token stored hashed) shows the
    status and cancels. A cancelled place goes to the first person on the waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Platz bestätigt")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("Abgesagt")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("Name"), max_length=120)
    email = models.EmailField(_("E-Mail-Adresse"))
    organisation = models.CharField(_("Organisation oder Einrichtung"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("Stand"), max_length=20, choices=Status.choices)
    created_at = models.DateTimeField()
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conference", "status", "created_at"])]

    def __str__(self) -> str:
        return self.name


class EventQuestion(TenantModel):
    """A participant's question for a conference or forum (live Q&A): others support it, the
    moderators mark it answered or hide it with a reason. Open in phases that allow questions."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="questions")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("Frage"), max_length=1000)
    visibility = models.CharField(
        _("Sichtbarkeit"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    moderation_reason = models.TextField(_("Begründung der Moderation"), blank=True)
    support_count = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Frage zur Veranstaltung")
        verbose_name_plural = _("Fragen zur Veranstaltung")
        ordering = ["-support_count", "created_at", "pk"]
        indexes = [models.Index(fields=["conference", "visibility"])]

    def __str__(self) -> str:
        return self.body[:60]


class EventQuestionSupport(TenantModel):
    question = models.ForeignKey(EventQuestion, on_delete=models.CASCADE, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("Unterstützung einer Frage")
        verbose_name_plural = _("Unterstützungen von Fragen")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "participant"], name="part_question_support_once"
            )
        ]


class DistrictFollower(TenantModel):
    """Someone who follows a district and gets at most one e-mail a week about what is new
    there (double opt-in). Its links are signed, not stored: the confirmation link expires
    after a week; the link in every digest shows and ends the subscription."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField(_("E-Mail-Adresse"))
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Monday of the last week whose digest was claimed: a second run of the same week finds
    # nobody (claimed with a conditional UPDATE, so two workers cannot both send).
    last_week = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("Abonnement Stadtteil-Nachrichten")
        verbose_name_plural = _("Abonnements Stadtteil-Nachrichten")
        constraints = [
            models.UniqueConstraint(fields=["district", "email"], name="part_follower_once")
        ]
        indexes = [models.Index(fields=["district", "last_week"])]

    def __str__(self) -> str:
        return self.email
