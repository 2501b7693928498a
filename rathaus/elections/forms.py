"""Entry form in votemanager's columns; plausibility messages appear at the field concerned."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.core.forms import KernForm, apply_kern_classes
from rathaus.elections import conf
from rathaus.elections.models import FIGURE_FIELDS, District, Result
from rathaus.elections.services.results import check_figures, normalise
from rathaus.engines.counting import vote_columns
from rathaus.engines.counting.plausibility import COLUMN_TITLES

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
            title = COLUMN_TITLES[col]
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
            reason.required = True
            reason.help_text = _(
                "Diese Meldung ist bereits freigegeben. Jede Änderung wird mit Begründung "
                "protokolliert und muss erneut freigegeben werden."
            )
            reason.error_messages["required"] = _(
                "Bitte eine Begründung für die Korrektur angeben."
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
