"""Entry form in votemanager's columns; plausibility messages appear at the field concerned."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core import uploads
from rathaus.core.forms import BoundedDateField, KernForm, apply_kern_classes
from rathaus.core.text import validate_one_line
from rathaus.elections import conf
from rathaus.elections.models import COLUMN_LABELS, FIGURE_FIELDS, District, Election, Result
from rathaus.elections.services.elections import DistrictSpec
from rathaus.elections.services.results import check_figures, normalise
from rathaus.engines.counting import vote_columns

ELIGIBLE = ("a1", "a2", "a3", "a")
INT_ERRORS = {
    "invalid": gettext_lazy("Bitte eine ganze Zahl eintragen (ohne Punkt oder Komma)."),
    "max_value": gettext_lazy("Die Zahl ist zu groß."),
    "min_value": gettext_lazy("Die Zahl ist zu klein."),
}


def _int_field(label: str, missing: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=True,
        max_value=999_999_999,
        min_value=-999_999_999,  # negatives reach the plausibility check, which names them
        error_messages={**INT_ERRORS, "required": missing},
        widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric", "step": "1"}),
    )


def district_label(district: District) -> str:
    """As the engine names districts: "Wahlbezirk 0101 (Altstadt)"."""
    values = {"number": district.number, "name": district.name}
    if district.kind == District.Kind.POSTAL:
        return _("Briefwahlbezirk %(number)s (%(name)s)") % values
    return _("Wahlbezirk %(number)s (%(name)s)") % values


class ResultForm(KernForm):
    """One district's figures. Engine problems (column ``B``, ``D3`` …) go to field ``b``, ``d3``."""

    stage = forms.ChoiceField(
        label=gettext_lazy("Art der Meldung"),
        choices=Result.Stage.choices,
        initial=Result.Stage.QUICK,
    )
    reason = forms.CharField(
        label=gettext_lazy("Begründung der Korrektur"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Nur nötig, wenn eine bereits freigegebene Meldung geändert wird."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, district: District, candidates, result: Result, **kwargs):
        self.district = district
        self.candidates = list(candidates)
        self.result = result
        n = len(self.candidates)
        initial = kwargs.pop("initial", None) or {}
        initial.setdefault("revision", result.revision)
        initial.setdefault("stage", result.stage)
        for f in FIGURE_FIELDS:
            initial.setdefault(f, getattr(result, f))
        for i, v in enumerate(result.votes or [], start=1):
            initial.setdefault(f"d{i}", v)
        super().__init__(*args, initial=initial, **kwargs)
        stage, reason, revision = (self.fields.pop(k) for k in ("stage", "reason", "revision"))
        postal = district.kind == District.Kind.POSTAL

        def missing(col: str, title: str) -> str:
            # Translators: e.g. "Wahlbezirk 0101 (Altstadt): B (Wähler) fehlt; …".
            return _(
                "%(district)s: %(column)s (%(title)s) fehlt; unvollständige Meldung "
                "(0 eintragen, wenn es keine gibt)."
            ) % {"district": district_label(district), "column": col, "title": title}

        for f in FIGURE_FIELDS:
            if postal and f in ELIGIBLE:
                continue  # postal districts have no eligible voters (written as 0)
            col = f.upper()
            title = str(COLUMN_LABELS[col])
            self.fields[f] = _int_field(f"{col} – {title}", missing(col, title))
        if n == 1:
            name = self.candidates[0].name
            yes = _("Ja-Stimmen")
            no = _("Nein-Stimmen")
            if district.election.kind == "referendum":
                yes_title = yes
            else:
                yes_title = _("Ja-Stimmen für %(name)s") % {"name": name}
            self.fields["d1"] = _int_field(f"D1 – {yes_title}", missing("D1", yes))
            self.fields["d2"] = _int_field(f"D2 – {no}", missing("D2", no))
        else:
            for i, c in enumerate(self.candidates, start=1):
                title = _("Stimmen für %(name)s") % {"name": c.name}
                self.fields[f"d{i}"] = _int_field(
                    f"D{i} – {title} ({c.party_label})", missing(f"D{i}", title)
                )
        self.fields["stage"] = stage
        self.fields["reason"] = reason
        if result.state == Result.State.APPROVED:
            reason.help_text = _(
                "Diese Meldung ist bereits freigegeben. Jede Änderung der Zahlen wird mit "
                "Begründung protokolliert und muss erneut freigegeben werden; die endgültige "
                "Meldung mit denselben Zahlen braucht keine Begründung."
            )
        self.fields["revision"] = revision
        self.n_columns = vote_columns(n)
        apply_kern_classes(self)

    @property
    def eligible_fields(self):
        return [self[f] for f in ELIGIBLE if f in self.fields]

    @property
    def result_fields(self):
        return [self[f] for f in ("b", "b1", "c", "d")]

    @property
    def vote_fields(self):
        return [self[f"d{i}"] for i in range(1, self.n_columns + 1)]

    def figures(self) -> dict:
        data = self.cleaned_data
        out = {f: data.get(f) for f in FIGURE_FIELDS}
        out["votes"] = [data.get(f"d{i}") for i in range(1, self.n_columns + 1)]
        return out

    def add_problem(self, column: str, message: str) -> None:
        name = column.lower() if column else None
        if name not in self.fields:
            name = None
        self.add_error(name, message)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        figures = normalise(self.district, self.figures(), len(self.candidates))
        for p in check_figures(self.district, figures, len(self.candidates)):
            self.add_problem(p.column, p.message)
        changed = figures != self.result.figures()
        if self.result.state == Result.State.APPROVED and changed and not cleaned.get("reason"):
            self.add_error("reason", _("Bitte eine Begründung für die Korrektur angeben."))
        return cleaned


class ImportForm(KernForm):
    file = forms.FileField(
        label=gettext_lazy("Datei im votemanager-Open-Data-Format (CSV)"),
        help_text=gettext_lazy(
            "Semikolon-getrennt, UTF-8; eine leere Zelle bedeutet „noch nicht gemeldet“."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > conf.max_upload_bytes():
            raise forms.ValidationError(_("Die Datei ist zu groß (höchstens 5 MB)."))
        return upload


# --- setting up an election: the election, candidates in ballot order, districts ----------

CANDIDATE_ROWS = 8


def _one_line(label, *, max_length: int, required: bool = True, help_text: str = ""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        validators=[validate_one_line],
    )


class ElectionForm(KernForm):
    kind = forms.ChoiceField(label=gettext_lazy("Art der Wahl"), choices=Election.Kind.choices)
    title = _one_line(gettext_lazy("Bezeichnung"), max_length=200)
    date = BoundedDateField(
        label=gettext_lazy("Wahltag"), widget=forms.DateInput(attrs={"type": "date"})
    )
    previous_election = forms.ModelChoiceField(
        label=gettext_lazy("Vergleichswahl"),
        queryset=Election.objects.none(),
        required=False,
        help_text=gettext_lazy("Die Ergebnisseite zeigt die Veränderung gegenüber dieser Wahl."),
    )
    quorum_percent = forms.TypedChoiceField(
        label=gettext_lazy("Quorum beim Bürgerentscheid"),
        choices=[
            (20, gettext_lazy("20 % (bis 50.000 Einwohner)")),
            (15, gettext_lazy("15 % (bis 100.000 Einwohner)")),
            (10, gettext_lazy("10 % (mehr als 100.000 Einwohner)")),
        ],
        coerce=int,
        initial=20,
        help_text=gettext_lazy("§ 26 Abs. 7 GO NRW; nur für Bürgerentscheide."),
    )
    internal_note = forms.CharField(
        label=gettext_lazy("Interne Notiz"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, previous_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if previous_choices is not None:
            self.fields["previous_election"].queryset = previous_choices


class CandidateForm(KernForm):
    name = _one_line(gettext_lazy("Name"), max_length=200, required=False)
    party = _one_line(
        gettext_lazy("Partei/Wählergruppe"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("leer = parteilos"),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("party") and not cleaned.get("name"):
            self.add_error("name", _("Bitte den Namen eintragen (oder die Zeile leeren)."))
        return cleaned


class BaseCandidateFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        names = [n for n, _p in self.candidates()]
        if not names:
            raise forms.ValidationError(_("Bitte mindestens einen Bewerber eintragen."))
        seen = set()
        for form in self.forms:
            name = (form.cleaned_data or {}).get("name")
            if name and name.casefold() in seen:
                form.add_error("name", _("Dieser Name steht schon auf dem Stimmzettel."))
            if name:
                seen.add(name.casefold())

    def candidates(self) -> list[tuple[str, str]]:
        """(name, party) of the filled rows, in ballot order (the order of the rows)."""
        out = []
        for form in self.forms:
            data = form.cleaned_data or {}
            if data.get("name"):
                out.append((data["name"], data.get("party") or ""))
        return out


CandidateFormSet = forms.formset_factory(
    CandidateForm,
    formset=BaseCandidateFormSet,
    extra=0,
    min_num=CANDIDATE_ROWS,
    max_num=30,
    validate_max=True,
)


def candidate_formset(data=None, *, candidates=()) -> forms.BaseFormSet:
    initial = [{"name": c.name, "party": c.party} for c in candidates]
    formset = CandidateFormSet(data, initial=initial, prefix="candidates")
    formset.min_num = max(CANDIDATE_ROWS, len(initial) + 2)
    return formset


def _eligible_field(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=9_999_999,
        error_messages=INT_ERRORS,
        widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric", "step": "1"}),
    )


class DistrictForm(KernForm):
    number = _one_line(
        gettext_lazy("Nummer"),
        max_length=20,
        help_text=gettext_lazy("z. B. 0101 oder B01, wie im votemanager"),
    )
    name = _one_line(gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Art"), choices=District.Kind.choices)
    a1 = _eligible_field(gettext_lazy("A1 – Wahlberechtigte ohne Wahlschein"))
    a2 = _eligible_field(gettext_lazy("A2 – Wahlberechtigte mit Wahlschein"))
    a3 = _eligible_field(gettext_lazy("A3 – Wahlberechtigte nicht im Wählerverzeichnis"))

    def spec(self):
        data = self.cleaned_data
        eligible = [data.get(f) for f in ("a1", "a2", "a3")]
        total = sum(eligible) if all(v is not None for v in eligible) else None
        return DistrictSpec(data["number"], data["name"], data["kind"], *eligible, total)


class DistrictImportForm(KernForm):
    file = forms.FileField(
        label=gettext_lazy("Bezirksliste (CSV oder Excel)"),
        help_text=gettext_lazy(
            "Spalten: nummer; name; art (urne oder brief); a1; a2; a3 (Wahlberechtigte, "
            "optional). Die Liste wird ganz oder gar nicht übernommen."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.check_size(upload.size, limit=conf.max_upload_bytes())
        except uploads.UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class FinalizeForm(KernForm):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Ich habe geprüft, dass alle Bezirke mit ihrer endgültigen Meldung freigegeben "
            "sind. Das endgültige Ergebnis kann danach nicht mehr geändert werden."
        ),
        error_messages={
            "required": gettext_lazy("Bitte bestätigen, dass das Ergebnis festgestellt wird.")
        },
    )
