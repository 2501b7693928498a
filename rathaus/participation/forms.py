"""Forms of the participation pages (field checks; the rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import MAX_UPLOAD, KernForm
from rathaus.participation.models import Audience, Idea, InvitationGroup, Process
from rathaus.participation.services.posts import MAX_BODY


class JoinForm(KernForm):
    pseudonym = forms.CharField(
        label=_("Öffentlicher Name"),
        max_length=60,
        help_text=_(
            "So erscheinen Ihre Beiträge, z. B. „Anwohnerin Lindenstraße“. Ihr echter Name ist nicht nötig."
        ),
    )
    street = forms.CharField(label=_("Straße"), max_length=200, required=False)
    house_number = forms.CharField(label=_("Hausnummer"), max_length=10, required=False)
    code = forms.CharField(
        label=_("Einladungscode"),
        max_length=40,
        required=False,
        help_text=_("Steht in Ihrem Einladungsschreiben, z. B. ABCD-EFGH-JKMN."),
    )
    email = forms.CharField(
        label=_("E-Mail-Adresse für Benachrichtigungen"),
        max_length=254,
        required=False,
        help_text=_(
            "Freiwillig: Wir schreiben Ihnen, wenn die Moderation Ihren Beitrag ausblendet oder "
            "freigibt und wenn sich der Stand Ihrer Idee ändert."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_("Ich habe die Hinweise zum Datenschutz gelesen und stimme zu."),
        required=False,
    )

    def __init__(self, *args, audience: str = Audience.EVERYONE, **kwargs):
        super().__init__(*args, **kwargs)
        if audience == Audience.INVITED:
            del self.fields["street"]
            del self.fields["house_number"]
            self.fields["code"].required = True
        elif audience == Audience.EVERYONE:
            self.fields["street"].help_text = _(
                "Freiwillig: So sieht die Stadt, aus welchen Stadtteilen Beiträge kommen. Gespeichert wird nur der Stadtteil."
            )
        else:
            self.fields["street"].help_text = _(
                "Bitte angeben, wenn Sie keinen Einladungscode haben. Wir prüfen damit, ob Sie im "
                "betroffenen Gebiet wohnen. Gespeichert wird nur der Stadtteil, nicht Ihre Adresse."
            )


class ConsentForm(KernForm):
    consent = forms.BooleanField(
        label=_("Ich habe die neue Fassung gelesen und stimme zu."), required=False
    )


class IdeaForm(KernForm):
    title = forms.CharField(label=_("Titel"), max_length=160)
    body = forms.CharField(
        label=_("Ihre Idee"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 6})
    )
    district = forms.ChoiceField(label=_("Ort (Stadtteil)"), required=False)
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    latitude = forms.FloatField(
        required=False, min_value=-85, max_value=85, widget=forms.HiddenInput
    )

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("– kein bestimmter Ort –"))] + [
            (str(d.pk), d.name) for d in districts
        ]


class CommentForm(KernForm):
    body = forms.CharField(
        label=_("Ihr Kommentar"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(KernForm):
    reason = forms.CharField(
        label=_("Warum melden Sie diesen Beitrag?"),
        max_length=300,
        help_text=_("Zum Beispiel: beleidigend, Werbung, persönliche Daten anderer."),
    )


class ReplyForm(KernForm):
    reply = forms.CharField(
        label=_("Ihre Antwort an die Moderation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegistrationForm(KernForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    email = forms.CharField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("Hierhin schicken wir die Bestätigung und Ihren persönlichen Link."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisation oder Einrichtung"),
        max_length=200,
        required=False,
        help_text=_("Freiwillig, z. B. Verein, Betrieb oder Initiative."),
    )
    consent = forms.BooleanField(
        label=_("Ich habe die Hinweise zum Datenschutz gelesen und stimme zu."),
        required=False,
    )


class FollowForm(KernForm):
    email = forms.CharField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_("Ich habe die Hinweise zum Datenschutz gelesen und stimme zu."),
        required=False,
    )


class NotifyForm(KernForm):
    email = forms.CharField(
        label=_("E-Mail-Adresse für Benachrichtigungen"),
        max_length=254,
        required=False,
        help_text=_("Leer lassen und speichern: keine E-Mails mehr, die Adresse wird gelöscht."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# --- staff -------------------------------------------------------------------------------------


class ProcessForm(KernForm):
    title = forms.CharField(label=_("Titel"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=Process.Kind.choices)
    summary = forms.CharField(
        label=_("Kurz und in einfacher Sprache"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    audience = forms.ChoiceField(label=_("Wer darf mitmachen?"), choices=Audience.choices)
    districts = forms.MultipleChoiceField(
        label=_("Betroffene Stadtteile"), required=False, widget=forms.CheckboxSelectMultiple
    )
    moderation = forms.ChoiceField(label=_("Moderation"), choices=Process.Moderation.choices)
    start = forms.DateField(
        label=_("Beginn der Informationsphase"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Danach: 4 Wochen Ideen sammeln, 2 Wochen Bewertung, 4 Wochen Auswertung, Ergebnis."
        ),
    )
    publish = forms.BooleanField(label=_("Sofort veröffentlichen"), required=False)

    def __init__(self, *args, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].choices = [(str(d.pk), d.name) for d in districts]


class InviteForm(KernForm):
    name = forms.CharField(
        label=_("Gruppe"), max_length=200, help_text=_("z. B. „Haushalte Lindenstraße 1–40“")
    )
    kind = forms.ChoiceField(label=_("Art der Gruppe"), choices=InvitationGroup.Kind.choices)
    count = forms.IntegerField(label=_("Anzahl Codes"), min_value=1, max_value=2000, initial=20)


class ExpertInviteForm(KernForm):
    expert = forms.ChoiceField(label=_("Fachkundige Person"))

    def __init__(self, *args, experts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [
            (str(e.pk), f"{e.name} – {e.get_field_display()}, {e.affiliation or e.role}")
            for e in experts
        ]


class HideForm(KernForm):
    reason = forms.CharField(
        label=_("Begründung für die Verfasserin oder den Verfasser"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StatusForm(KernForm):
    status = forms.ChoiceField(label=_("Stand"), choices=Idea.Status.choices)
    reason = forms.CharField(
        label=_("Begründung (öffentlich)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    project = forms.CharField(
        label=_("Umgesetzt in (Projekt oder Beschluss)"),
        max_length=200,
        required=False,
        help_text=_("Pflicht bei „Übernommen“, z. B. „Projekt P-12 Umbau Lindenstraße“."),
    )


class StatementForm(KernForm):
    body = forms.CharField(
        label=_("Offizielle Stellungnahme der Verwaltung"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DirectoryForm(KernForm):
    file = forms.FileField(
        label=_("Straßenverzeichnis (CSV)"),
        help_text=_("Spalten: Straße; von; bis; Seite (leer, gerade, ungerade); Stadtteil-Kürzel"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Die Datei ist größer als 5 MB."))
        return upload


class OutlinesForm(KernForm):
    file = forms.FileField(
        label=_("Umrisse der Stadtteile (GeoJSON)"),
        help_text=_(
            "Eine FeatureCollection mit einem Polygon je Stadtteil; in „properties“ das "
            "Stadtteil-Kürzel als „code“ und der Name als „name“. Koordinaten in WGS 84."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Die Datei ist größer als 5 MB."))
        return upload


class ParagraphCommentForm(KernForm):
    body = forms.CharField(
        label=_("Ihre Anmerkung"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 3})
    )
    proposal = forms.CharField(
        label=_("Ihr Vorschlag für eine neue Fassung"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviseForm(KernForm):
    text = forms.CharField(
        label=_("Neue Fassung"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 4})
    )
    sources = forms.MultipleChoiceField(
        label=_("Übernommene Beiträge"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, comments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sources"].choices = [
            (
                str(c.pk),
                f"{c.participant.pseudonym if c.participant else '–'}: {c.proposal or c.body}"[
                    :200
                ],
            )
            for c in comments
        ]


class QuestionForm(KernForm):
    body = forms.CharField(
        label=_("Ihre Frage"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Höchstens 1.000 Zeichen. Die Moderation stellt die Fragen auf der Bühne."),
    )


class QuestionHideForm(KernForm):
    reason = forms.CharField(
        label=_("Begründung (wird angezeigt)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
