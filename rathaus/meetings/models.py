"""Bodies (Gremien) and their members, meeting series, meetings, agenda items, minutes,
decisions, the register of assignments, and council papers with their consultations.

Writes go through ``services``; reads through ``selectors``. ``created``/``modified`` feed the
OParl API (``created_since``/``modified_since``).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rathaus.core.models import Employee, Room, TenantModel
from rathaus.meetings import conf


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Stamped(TenantModel):
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("in Präsenz")
    ONLINE = "online", _("per Video")
    HYBRID = "hybrid", _("hybrid")


class Body(Stamped):
    class Kind(models.TextChoices):
        CRISIS_STAFF = "crisis_staff", _("Krisenstab")
        FUTURE_STAFF = "future_staff", _("Zukunftsstab")
        BOARD = "board", _("Verwaltungsvorstand")
        COUNCIL = "council", _("Rat")
        COMMITTEE = "committee", _("Ausschuss")
        DISTRICT_COUNCIL = "district_council", _("Bezirksvertretung")

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=40, blank=True)
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    public = models.BooleanField(
        _("öffentlich"),
        default=False,
        help_text=_("Öffentliche Gremien erscheinen im Ratsinformationssystem (OParl)."),
    )
    paper_lead_days = models.PositiveSmallIntegerField(
        _("Vorlagenfrist (Tage vor der Sitzung)"), default=21
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("übergeordnetes Gremium"),
        help_text=_("z. B. der Rat für seine Ausschüsse"),
    )

    class Meta:
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="meetings_body_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(Stamped):
    """A seat in a body: a staff member, or an external person acting through a personal link."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Vorsitz")
        MEMBER = "member", _("Mitglied")
        DEPUTY = "deputy", _("Vertretung")
        SECRETARY = "secretary", _("Schriftführung")
        GUEST = "guest", _("Gast")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschäftigte Person"),
    )
    external_name = models.CharField(_("Name (extern)"), max_length=200, blank=True)
    external_email = models.EmailField(_("E-Mail (extern)"), blank=True)
    external_organisation = models.CharField(_("Organisation (extern)"), max_length=200, blank=True)
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    function = models.CharField(
        _("Funktion"), max_length=100, blank=True, help_text=_("z. B. S1 Personal, S2 Lage")
    )
    rank = models.PositiveSmallIntegerField(
        _("Rang in der Funktion"), default=1, help_text=_("1 = Leitung, 2 = 1. Vertretung, …")
    )
    voting = models.BooleanField(_("stimmberechtigt"), default=True)
    start = models.DateField(_("Beginn"), null=True, blank=True)
    end = models.DateField(_("Ende"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["body", "function", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(employee__isnull=False) | ~Q(external_name=""),
                name="meetings_membership_person",
            )
        ]

    def __str__(self) -> str:
        return self.person_name

    @property
    def person_name(self) -> str:
        if self.employee_id:
            return str(self.employee)
        return self.external_name

    @property
    def email(self) -> str:
        return self.employee.email if self.employee_id else self.external_email

    @property
    def is_external(self) -> bool:
        return not self.employee_id


class Series(Stamped):
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="series", verbose_name=_("Gremium")
    )
    title = models.CharField(_("Titel"), max_length=200)
    rule = models.CharField(
        _("Wiederholungsregel (RRULE)"),
        max_length=500,
        help_text=_("RFC 5545, z. B. FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    )
    first_start = models.DateTimeField(_("erste Sitzung"))
    duration_minutes = models.PositiveSmallIntegerField(_("Dauer (Minuten)"), default=60)
    mode = models.CharField(_("Form"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Raum"),
    )
    holiday_policy = models.CharField(
        _("Feiertage"),
        max_length=20,
        choices=[
            ("skip", _("Sitzung entfällt")),
            ("next_workday", _("auf den nächsten Werktag verschieben")),
            ("keep", _("Sitzung findet statt")),
        ],
        default="skip",
    )
    exdates = models.JSONField(_("Ausnahmen"), default=list, blank=True)
    standing_items = models.JSONField(_("feste Tagesordnungspunkte"), default=list, blank=True)
    planned_until = models.DateField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("aktiv"), default=True)
    indicator_ids = models.JSONField(
        _("Kennzahlen für den Rhythmus"),
        default=list,
        blank=True,
        help_text=_(
            "IDs der Kennzahlen aus der Steuerung, nach deren Lage der Rhythmus sich richtet"
        ),
    )

    class Meta:
        verbose_name = _("Sitzungsreihe")
        verbose_name_plural = _("Sitzungsreihen")
        ordering = ["body", "title"]

    def __str__(self) -> str:
        return self.title


class Meeting(Stamped):
    class MinutesStatus(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        CIRCULATED = "circulated", _("zur Korrektur versandt")
        APPROVED = "approved", _("genehmigt")
        LOCKED = "locked", _("abgeschlossen")

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Gremium")
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("Sitzungsreihe"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    start = models.DateTimeField(_("Beginn"), db_index=True)
    end = models.DateTimeField(_("Ende"))
    mode = models.CharField(_("Form"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Raum"),
    )
    cancelled = models.BooleanField(_("abgesagt"), default=False)
    moved_from = models.DateField(null=True, blank=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    video_room = models.CharField(max_length=100, blank=True, editable=False)
    minutes_status = models.CharField(
        _("Protokoll"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    minutes_approved_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Protokoll genehmigt in der Sitzung"),
    )

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["start"]
        indexes = [models.Index(fields=["body", "start"]), models.Index(fields=["room", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meetings_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_video(self) -> bool:
        return self.mode in (Mode.ONLINE, Mode.HYBRID)

    @property
    def minutes_editable(self) -> bool:
        return self.minutes_status in (self.MinutesStatus.DRAFT, self.MinutesStatus.CIRCULATED)


class Attendance(TenantModel):
    class Status(models.TextChoices):
        INVITED = "invited", _("eingeladen")
        ACCEPTED = "accepted", _("zugesagt")
        DECLINED = "declined", _("abgesagt")
        PRESENT = "present", _("anwesend")
        EXCUSED = "excused", _("entschuldigt")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    deputy = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vertreten durch"),
    )

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="meetings_attendance_unique"
            )
        ]


class AgendaItem(Stamped):
    """An agenda item of a meeting, or of a body's backlog (``meeting`` empty).

    ``discussion`` is the item's part of the minutes; ``version`` grows with every save so that
    two writers never overwrite each other (see ``services.minutes``).
    """

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Beratung")
        STANDING = "standing", _("fester Punkt")
        FOLLOW_UP = "follow_up", _("Wiedervorlage")
        PAPER = "paper", _("Vorlage")
        MINUTES = "minutes", _("Genehmigung des Protokolls")
        PROPOSED = "proposed", _("Vorschlag aus einem anderen Bereich")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="agenda_items")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("Nummer"), default=1)
    title = models.CharField(_("Titel"), max_length=300)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.REGULAR)
    public = models.BooleanField(_("öffentlich"), default=False)
    presenter = models.CharField(_("Berichterstattung"), max_length=200, blank=True)
    source_assignment = models.ForeignKey(
        "Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    paper = models.ForeignKey(
        "Paper", on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    discussion = models.TextField(_("Beratung"), blank=True)
    version = models.PositiveIntegerField(default=0)
    source_label = models.CharField(_("Herkunft"), max_length=200, blank=True)
    source_url = models.CharField(_("Link zur Herkunft"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vorgeschlagen von"),
    )

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return f"TOP {self.position}: {self.title}"


def _document_storage():
    return conf.document_storage()


class Document(Stamped):
    """A file on an agenda item (paper, annex, presentation); size and type checked on upload."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("Vorlage")
        ANNEX = "annex", _("Anlage")
        PRESENTATION = "presentation", _("Präsentation")
        MINUTES = "minutes", _("Protokollanlage")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.ANNEX)
    name = models.CharField(_("Dateiname"), max_length=200)
    file = models.FileField(storage=_document_storage, upload_to="%Y/%m/", max_length=300)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha1 = models.CharField(max_length=40)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return self.name


class Decision(Stamped):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("Beschluss"))
    unanimous = models.BooleanField(_("einstimmig"), default=False)
    yes = models.PositiveSmallIntegerField(_("Ja"), null=True, blank=True)
    no = models.PositiveSmallIntegerField(_("Nein"), null=True, blank=True)
    abstain = models.PositiveSmallIntegerField(_("Enthaltungen"), null=True, blank=True)

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["item", "id"]

    @property
    def adopted(self) -> bool:
        return self.unanimous or (self.yes or 0) > (self.no or 0)


class Assignment(Stamped):
    """One register across all meetings: what, who, due; overdue ones return to the agenda."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        DONE = "done", _("erledigt")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="assignments"
    )
    what = models.CharField(_("Auftrag"), max_length=500)
    assignee = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("zuständig"),
    )
    assignee_text = models.CharField(_("zuständig (sonstige)"), max_length=200, blank=True)
    due = models.DateField(_("fällig am"))
    status = models.CharField(
        _("Stand"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_note = models.CharField(_("Erledigungsvermerk"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Auftrag")
        verbose_name_plural = _("Aufträge")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["municipality", "status", "due"])]

    def __str__(self) -> str:
        return self.what

    @property
    def assignee_label(self) -> str:
        return self.assignee.person_name if self.assignee_id else self.assignee_text


class Paper(Stamped):
    """A council paper (Beschlussvorlage) and its path through the bodies."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Beschlussvorlage")
        INFORMATION = "information", _("Mitteilungsvorlage")
        MOTION = "motion", _("Antrag")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        IN_CONSULTATION = "in_consultation", _("in Beratung")
        DECIDED = "decided", _("beschlossen")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    reference = models.CharField(_("Drucksachennummer"), max_length=40)
    title = models.CharField(_("Betreff"), max_length=300)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.DECISION)
    origin = models.CharField(
        _("Herkunft"), max_length=200, blank=True, help_text=_("Handlungsfeld oder Projekt")
    )
    proposal = models.TextField(_("Beschlussvorschlag"), blank=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    public = models.BooleanField(_("öffentlich"), default=True)
    date = models.DateField(_("Datum"))
    author_body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authored_papers",
        verbose_name=_("Einreichendes Gremium"),
    )

    class Meta:
        verbose_name = _("Vorlage")
        verbose_name_plural = _("Vorlagen")
        ordering = ["-date", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference"], name="meetings_paper_ref")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class Consultation(Stamped):
    """One step of a paper's path: a body consults it in a meeting (advises or decides)."""

    class Role(models.TextChoices):
        ADVISE = "advise", _("Vorberatung")
        DECIDE = "decide", _("Entscheidung")
        NOTE = "note", _("Kenntnisnahme")

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="consultations")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("Sitzung")
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices, default=Role.ADVISE)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=1)
    deadline = models.DateField(_("Einreichungsfrist"))
    result = models.CharField(_("Ergebnis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungen")
        ordering = ["paper", "position"]

    @property
    def authoritative(self) -> bool:
        return self.role == self.Role.DECIDE


class RhythmProposal(Stamped):
    """The app's proposal to step a series up to daily or down to weekly; a person decides."""

    class Direction(models.TextChoices):
        UP = "up", _("öfter tagen")
        DOWN = "down", _("seltener tagen")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        ACCEPTED = "accepted", _("übernommen")
        REJECTED = "rejected", _("abgelehnt")
        SUPERSEDED = "superseded", _("überholt")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="rhythm_proposals")
    direction = models.CharField(_("Richtung"), max_length=10, choices=Direction.choices)
    current_rule = models.CharField(_("bisherige Regel"), max_length=500)
    proposed_rule = models.CharField(_("vorgeschlagene Regel"), max_length=500)
    reason = models.TextField(_("Begründung"))
    status = models.CharField(
        _("Stand"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Rhythmusvorschlag")
        verbose_name_plural = _("Rhythmusvorschläge")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["series"],
                condition=Q(status="open"),
                name="meetings_rhythm_one_open_per_series",
            )
        ]


class LegislativeTerm(Stamped):
    """A legislative term (Wahlperiode) of the municipality's council, OParl ``LegislativeTerm``
    (OParl's ``Body`` is the municipality). Kept in the admin; terms of one municipality do not
    overlap."""

    name = models.CharField(_("Name"), max_length=200)
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende"))

    class Meta:
        verbose_name = _("Wahlperiode")
        verbose_name_plural = _("Wahlperioden")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="meetings_term_name"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="meetings_term_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tombstone(TenantModel):
    """What is left of a deleted object that OParl showed: OParl 1.1 keeps a deleted object
    under its id with ``deleted: true`` (``modified`` = the moment of deletion), so that a
    harvester following ``modified_since`` learns of the deletion. Written by
    ``services.tombstones.delete_objects`` only for objects that were public in OParl."""

    class Kind(models.TextChoices):
        ORGANIZATION = "Organization", "Organization"
        PERSON = "Person", "Person"
        MEMBERSHIP = "Membership", "Membership"
        MEETING = "Meeting", "Meeting"
        AGENDA_ITEM = "AgendaItem", "AgendaItem"
        PAPER = "Paper", "Paper"
        CONSULTATION = "Consultation", "Consultation"
        FILE = "File", "File"
        LEGISLATIVE_TERM = "LegislativeTerm", "LegislativeTerm"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_key = models.CharField(max_length=40)  # the id in the OParl URL ("12", "x-5")
    sort_id = models.BigIntegerField()  # its place in the id-ordered OParl list
    organization_id = models.BigIntegerField(null=True, blank=True)  # a meeting's body
    order = models.IntegerField(null=True, blank=True)  # an agenda item's position (required)
    created = models.DateTimeField()
    modified = models.DateTimeField(db_index=True)  # when it was deleted

    class Meta:
        verbose_name = _("gelöschtes OParl-Objekt")
        verbose_name_plural = _("gelöschte OParl-Objekte")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key"], name="meetings_tombstone_one_per_object"
            )
        ]
        indexes = [models.Index(fields=["municipality", "kind", "sort_id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_key}"


class StoredFeed(TenantModel):
    """A public body's rendered .ics feed, kept in the database (``rathaus.meetings.feeds``).

    ``version`` goes up with every change to what the body's pages show (``caching.bump``, in
    the change's transaction and again after its commit); the content is served only while it
    was rendered from that version (``rendered_version``) and for that day's window of 90 days
    back (``window``). So a fresh process, a restarted server or another web process serves the
    feed with one indexed read, and the request after a change renders it again."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=10)
    version = models.BigIntegerField(default=0)
    rendered_version = models.BigIntegerField(null=True, blank=True)
    window = models.DateField(null=True, blank=True)
    content = models.BinaryField(default=b"")

    class Meta:
        verbose_name = _("gespeicherter Kalender-Feed")
        verbose_name_plural = _("gespeicherte Kalender-Feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "language"], name="meetings_storedfeed_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.language}"
