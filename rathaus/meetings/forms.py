"""Forms: errors appear at the field (a service's DomainError names its field)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import KernForm
from rathaus.meetings.models import Attendance, Consultation, Document, Mode, Paper

WEEKDAYS = [
    ("MO", _("Montag")),
    ("TU", _("Dienstag")),
    ("WE", _("Mittwoch")),
    ("TH", _("Donnerstag")),
    ("FR", _("Freitag")),
    ("SA", _("Samstag")),
    ("SU", _("Sonntag")),
]


class RoomChoiceMixin:
    def set_rooms(self, rooms) -> None:
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda r: (
            _("%(location)s, Raum %(number)s (%(normal)s Plätze, Pandemie %(pandemic)s)")
            % {
                "location": r.location.name,
                "number": r.number,
                "normal": r.capacity_normal,
                "pandemic": r.capacity_pandemic,
            }
        )


class SeriesForm(RoomChoiceMixin, KernForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    weekdays = forms.MultipleChoiceField(
        label=_("Wochentage"), choices=WEEKDAYS, required=False, widget=forms.CheckboxSelectMultiple
    )
    rule = forms.CharField(
        label=_("oder eigene Regel (RRULE)"),
        max_length=500,
        required=False,
        help_text=_("RFC 5545, z. B. FREQ=WEEKLY;INTERVAL=2;BYDAY=TH – ersetzt die Wochentage"),
    )
    first_date = forms.DateField(
        label=_("ab Datum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(label=_("Uhrzeit"), widget=forms.TimeInput(attrs={"type": "time"}))
    duration_minutes = forms.IntegerField(
        label=_("Dauer (Minuten)"), min_value=5, max_value=1440, initial=60
    )
    mode = forms.ChoiceField(label=_("Form"), choices=Mode.choices, initial=Mode.ONLINE)
    room = forms.ModelChoiceField(label=_("Raum"), queryset=None, required=False)
    holiday_policy = forms.ChoiceField(
        label=_("An Feiertagen des Landes"),
        choices=[
            ("skip", _("Sitzung entfällt")),
            ("next_workday", _("auf den nächsten Werktag verschieben")),
            ("keep", _("Sitzung findet statt")),
        ],
    )
    standing_items = forms.CharField(
        label=_("Feste Tagesordnungspunkte"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ein Punkt je Zeile, z. B. Lagebericht, Kennzahlen"),
    )

    def clean(self):
        data = super().clean()
        if not data.get("rule") and not data.get("weekdays"):
            self.add_error("weekdays", _("Bitte Wochentage wählen oder eine Regel angeben."))
        return data

    def rrule(self) -> str:
        data = self.cleaned_data
        return data["rule"] or "FREQ=WEEKLY;BYDAY=" + ",".join(data["weekdays"])


class MeetingForm(RoomChoiceMixin, KernForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    start = forms.DateTimeField(
        label=_("Beginn"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("Ende"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Klausurtagungen dürfen mehrere Tage dauern."),
    )
    mode = forms.ChoiceField(label=_("Form"), choices=Mode.choices, initial=Mode.ONLINE)
    room = forms.ModelChoiceField(label=_("Raum"), queryset=None, required=False)


class AgendaItemForm(KernForm):
    title = forms.CharField(label=_("Titel"), max_length=300)
    presenter = forms.CharField(label=_("Berichterstattung"), max_length=200, required=False)
    public = forms.BooleanField(label=_("öffentlich"), required=False)


class DecisionForm(KernForm):
    text = forms.CharField(
        label=_("Beschluss"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    unanimous = forms.BooleanField(label=_("einstimmig"), required=False)
    yes = forms.IntegerField(label=_("Ja"), min_value=0, max_value=999, required=False)
    no = forms.IntegerField(label=_("Nein"), min_value=0, max_value=999, required=False)
    abstain = forms.IntegerField(
        label=_("Enthaltungen"), min_value=0, max_value=999, required=False
    )


class AssignmentForm(KernForm):
    what = forms.CharField(label=_("Auftrag"), max_length=500)
    assignee = forms.ModelChoiceField(label=_("zuständig"), queryset=None, required=False)
    assignee_text = forms.CharField(
        label=_("oder zuständig (sonstige)"), max_length=200, required=False
    )
    due = forms.DateField(label=_("fällig am"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members
        self.fields["assignee"].label_from_instance = lambda m: (
            f"{m.person_name} ({m.function})" if m.function else m.person_name
        )


class ApproveForm(KernForm):
    at_meeting = forms.ModelChoiceField(label=_("genehmigt in der Sitzung"), queryset=None)

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at_meeting"].queryset = meetings
        self.fields["at_meeting"].label_from_instance = lambda m: (
            timezone.localtime(m.start).strftime("%d.%m.%Y %H:%M") + f" – {m.title}"
        )


class AttendanceForm(KernForm):
    status = forms.ChoiceField(label=_("Status"), choices=Attendance.Status.choices)


class DocumentForm(KernForm):
    kind = forms.ChoiceField(
        label=_("Art"), choices=Document.Kind.choices, initial=Document.Kind.ANNEX
    )
    file = forms.FileField(
        label=_("Datei"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, OpenDocument-Text, PNG oder JPEG, höchstens 20 MB"
        ),
    )


class IndicatorTieForm(KernForm):
    indicators = forms.TypedMultipleChoiceField(
        label=_("Kennzahlen, nach denen sich der Rhythmus richtet"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ist eine davon kritisch, schlägt Rathaus tägliche Sitzungen vor; sind alle im Plan, "
            "wöchentliche. Entscheiden tut ein Mensch."
        ),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = list(choices)


class PaperForm(KernForm):
    reference = forms.CharField(
        label=_("Drucksachennummer"), max_length=40, help_text=_("z. B. 2026/0123")
    )
    title = forms.CharField(label=_("Betreff"), max_length=300)
    kind = forms.ChoiceField(label=_("Art"), choices=Paper.Kind.choices)
    status = forms.ChoiceField(
        label=_("Stand"),
        choices=[
            c
            for c in Paper.Status.choices
            if c[0] in ("draft", "submitted", "in_consultation", "withdrawn")
        ],
    )
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    origin = forms.CharField(
        label=_("Herkunft"),
        max_length=200,
        required=False,
        help_text=_("Handlungsfeld oder Projekt, aus dem die Vorlage kommt"),
    )
    author_body = forms.ModelChoiceField(
        label=_("eingebracht von (Gremium)"), queryset=None, required=False
    )
    proposal = forms.CharField(
        label=_("Beschlussvorschlag"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    public = forms.BooleanField(label=_("öffentlich"), required=False, initial=True)

    def __init__(self, *args, bodies=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author_body"].queryset = bodies
        if editing:
            del self.fields["reference"]
        else:
            del self.fields["status"]


class ConsultationForm(KernForm):
    meeting = forms.ModelChoiceField(
        label=_("Sitzung"),
        queryset=None,
        help_text=_("Die Einreichungsfrist wird vom Sitzungstag zurückgerechnet."),
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=Consultation.Role.choices)

    def __init__(self, *args, meetings=None, deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: (
            _("%(body)s, %(start)s (Frist %(deadline)s)")
            % {
                "body": m.body.name,
                "start": timezone.localtime(m.start).strftime("%d.%m.%Y %H:%M"),
                "deadline": deadline(m).strftime("%d.%m.%Y"),
            }
        )


class ConsultationResultForm(KernForm):
    result = forms.CharField(
        label=_("Ergebnis"), max_length=300, help_text=_("z. B. einstimmig beschlossen")
    )


class ProposalForm(KernForm):
    body = forms.ModelChoiceField(label=_("Gremium"), queryset=None)
    title = forms.CharField(label=_("Titel des Tagesordnungspunkts"), max_length=300)
    presenter = forms.CharField(label=_("Berichterstattung"), max_length=200, required=False)
    source_label = forms.CharField(label=_("Herkunft"), max_length=200, required=False)
    source_url = forms.CharField(
        label=_("Link zur Herkunft"),
        max_length=500,
        required=False,
        help_text=_("Pfad in Rathaus (/steuerung/…) oder http(s)-Adresse"),
    )

    def __init__(self, *args, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies
