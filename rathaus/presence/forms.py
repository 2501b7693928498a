"""Forms of the presence app: rules as data, wishes, absences, manual edits (German messages)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.core.forms import BoundedDateField, KernForm, KernModelForm
from rathaus.core.models import Employee, KitPool, Location, OrgUnit, Qualification, Room
from rathaus.presence.models import (
    WEEKDAY_CHOICES,
    Absence,
    Activity,
    Cohort,
    CoverageRequirement,
    PlanningPeriod,
    ShiftType,
    TeamDay,
    Wish,
)
from rathaus.presence.selectors.staff import period_employees, period_rooms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WORKDAYS = WEEKDAY_CHOICES[:5]


class EmployeeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.org_unit.code})"


class EmployeeMultiChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.org_unit.code})"


class PeriodForm(KernModelForm):
    class Meta:
        model = PlanningPeriod
        fields = [
            "name",
            "org_units",
            "start",
            "weeks",
            "mode",
            "min_onsite_per_week",
            "max_onsite_per_week",
            "cohort_separation",
            "min_rest_hours",
            "max_consecutive_working_days",
            "max_consecutive_onsite_days",
            "weight_fairness",
            "weight_wishes",
            "weight_team_days",
            "weight_stability",
            "time_limit_seconds",
            "kit_pool",
        ]
        widgets = {"start": DATE, "org_units": forms.SelectMultiple(attrs={"size": 8})}
        help_texts = {
            "start": _("Der Zeitraum beginnt an einem Montag."),
            "org_units": _(
                "Mehrfachauswahl mit Strg bzw. Cmd. Räume und Beschäftigte dieser Einheiten werden geplant."
            ),
            "kit_pool": _("Leer: der erste Pool der Kommune."),
            "weight_stability": _(
                "Wirkt bei „ab Datum neu planen“: Änderungen am bisherigen Plan kosten."
            ),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_units"].queryset = OrgUnit.objects.filter(
            municipality=municipality
        ).order_by("code")
        self.fields["kit_pool"].queryset = KitPool.objects.filter(municipality=municipality)
        self.fields["org_units"].error_messages["required"] = _(
            "Bitte mindestens eine Organisationseinheit wählen."
        )
        self.fields["name"].error_messages["required"] = _("Bitte eine Bezeichnung angeben.")
        self.fields["start"].error_messages.update(
            required=_("Bitte das Datum des ersten Tages angeben."),
            invalid=_("Bitte ein gültiges Datum angeben."),
        )

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start.weekday() != 0:
            self.add_error("start", _("Der Planungszeitraum muss an einem Montag beginnen."))
        return start

    def clean(self):
        data = super().clean()
        low, high = data.get("min_onsite_per_week"), data.get("max_onsite_per_week")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_onsite_per_week",
                _("Die Höchstzahl der Tage vor Ort darf nicht kleiner als die Mindestzahl sein."),
            )
        return data


class ShiftTypeForm(KernModelForm):
    class Meta:
        model = ShiftType
        fields = ["code", "name", "start_time", "end_time", "location"]
        widgets = {"start_time": TIME, "end_time": TIME}

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["location"].queryset = Location.objects.filter(
            municipality_id=period.municipality_id
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if (
            ShiftType.objects.filter(period=self.period, code=code)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(_("Dieses Kürzel ist in diesem Zeitraum schon vergeben."))
        return code

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("start_time") == data.get("end_time"):
            self.add_error("end_time", _("Beginn und Ende der Schicht dürfen nicht gleich sein."))
        return data


class CoverageForm(KernModelForm):
    class Meta:
        model = CoverageRequirement
        fields = ["shift_type", "weekday", "required", "qualification"]

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift_type"].queryset = ShiftType.objects.filter(period=period)
        self.fields["shift_type"].error_messages["required"] = _("Bitte eine Schicht wählen.")
        self.fields["weekday"].choices = WORKDAYS
        self.fields["qualification"].queryset = Qualification.objects.filter(
            municipality_id=period.municipality_id
        )


class CohortForm(KernForm):
    name = forms.CharField(label=_("Bezeichnung"), max_length=100)
    members = EmployeeMultiChoice(
        label=_("Mitglieder"),
        queryset=Employee.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["members"].queryset = period_employees(period)
        self.fields["members"].error_messages["required"] = _(
            "Bitte mindestens eine Person wählen."
        )
        self.fields["name"].error_messages["required"] = _("Bitte eine Bezeichnung angeben.")

    def clean_members(self):
        members = self.cleaned_data["members"]
        taken = set(
            Cohort.members.through.objects.filter(
                cohort__period=self.period, employee__in=members
            ).values_list("employee_id", flat=True)
        )
        if taken:
            raise forms.ValidationError(_("Eine Person kann nur einem Schichtteam angehören."))
        return members


class TeamDayForm(KernModelForm):
    class Meta:
        model = TeamDay
        fields = ["org_unit", "weekday", "weight"]

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = period.org_units.all()
        self.fields["weekday"].choices = WORKDAYS


class OverrideForm(KernForm):
    employee = EmployeeChoice(label=_("Person"), queryset=Employee.objects.none())
    min_onsite_per_week = forms.IntegerField(
        label=_("Mindestens Tage vor Ort je Woche"), min_value=0, max_value=7, required=False
    )
    max_onsite_per_week = forms.IntegerField(
        label=_("Höchstens Tage vor Ort je Woche"), min_value=0, max_value=7, required=False
    )
    note = forms.CharField(label=_("Begründung (intern)"), max_length=200, required=False)

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = period_employees(period)

    def clean(self):
        data = super().clean()
        low, high = data.get("min_onsite_per_week"), data.get("max_onsite_per_week")
        if low is None and high is None and not self.errors:
            self.add_error(
                "min_onsite_per_week", _("Bitte mindestens einen der beiden Werte angeben.")
            )
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_onsite_per_week",
                _("Die Höchstzahl darf nicht kleiner als die Mindestzahl sein."),
            )
        return data


class _AbsenceBase(KernForm):
    start = BoundedDateField(label=_("von"), widget=DATE)
    end = BoundedDateField(label=_("bis"), widget=DATE)
    # "abgeordnet" comes only from an agreed secondment in the staff pool.
    kind = forms.ChoiceField(
        label=_("Art"), choices=[c for c in Absence.Kind.choices if c[0] != "seconded"]
    )
    note = forms.CharField(label=_("Notiz"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            self.fields[name].error_messages.update(
                required=_("Bitte ein Datum angeben."),
                invalid=_("Bitte ein gültiges Datum angeben."),
            )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", _("Das Ende darf nicht vor dem Beginn liegen."))
            elif (data["end"] - data["start"]).days > 366:
                self.add_error("end", _("Eine Abwesenheit kann höchstens ein Jahr umfassen."))
        return data


class MyAbsenceForm(_AbsenceBase):
    pass


class PlannerAbsenceForm(_AbsenceBase):
    employee = EmployeeChoice(label=_("Person"), queryset=Employee.objects.none(), required=False)
    cohort = forms.ModelChoiceField(
        label=_("oder ein ganzes Schichtteam"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=_("z. B. Quarantäne eines Schichtteams ab einem Datum"),
    )
    field_order = ["employee", "cohort", "start", "end", "kind", "note"]

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = period_employees(period)
        self.fields["cohort"].queryset = Cohort.objects.filter(period=period)

    def clean(self):
        data = super().clean()
        if not data.get("employee") and not data.get("cohort"):
            self.add_error("employee", _("Bitte eine Person oder ein Schichtteam wählen."))
        elif data.get("employee") and data.get("cohort"):
            self.add_error(
                "cohort", _("Bitte entweder eine Person oder ein Schichtteam wählen, nicht beides.")
            )
        return data

    def employees(self) -> list[Employee]:
        if self.cleaned_data.get("cohort"):
            return list(self.cleaned_data["cohort"].members.all())
        return [self.cleaned_data["employee"]]


class WishForm(KernModelForm):
    class Meta:
        model = Wish
        fields = ["day", "kind", "note"]
        widgets = {"day": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].error_messages.update(
            required=_("Bitte einen Tag angeben."), invalid=_("Bitte ein gültiges Datum angeben.")
        )
        self.fields["kind"].error_messages["required"] = _("Bitte einen Wunsch wählen.")

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("Wünsche sind nur für heute oder künftige Tage möglich."))
        if day.weekday() > 4:
            raise forms.ValidationError(
                _("Wünsche sind nur für Werktage (Montag bis Freitag) möglich.")
            )
        return day

    def validate_unique(self):
        pass  # an existing wish for the day is replaced by the service


class CellForm(KernForm):
    activity = forms.ChoiceField(
        label=_("Tätigkeit"),
        choices=[
            (Activity.OFFICE, _("Büro")),
            (Activity.HOME, _("Homeoffice")),
            (Activity.SHIFT, _("Schicht")),
        ],
    )
    room = forms.ModelChoiceField(
        label=_("Raum (bei Büro)"), queryset=Room.objects.none(), required=False
    )
    shift_type = forms.ModelChoiceField(
        label=_("Schicht (bei Schicht)"), queryset=ShiftType.objects.none(), required=False
    )

    def __init__(self, *args, period: PlanningPeriod, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = period_rooms(period)
        self.fields["shift_type"].queryset = ShiftType.objects.filter(period=period)

    def clean(self):
        data = super().clean()
        if data.get("activity") == Activity.OFFICE and not data.get("room"):
            self.add_error("room", _("Für einen Bürotag bitte einen Raum wählen."))
        if data.get("activity") == Activity.SHIFT and not data.get("shift_type"):
            self.add_error("shift_type", _("Für einen Schichttag bitte eine Schicht wählen."))
        return data


class ReplanForm(KernForm):
    replan_from = BoundedDateField(
        label=_("Neu planen ab"),
        widget=DATE,
        help_text=_("Tage davor bleiben unverändert; danach wird so wenig wie möglich geändert."),
    )

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.fields["replan_from"].error_messages.update(
            required=_("Bitte ein Datum angeben."), invalid=_("Bitte ein gültiges Datum angeben.")
        )

    def clean_replan_from(self):
        day = self.cleaned_data["replan_from"]
        if not (self.period.start <= day <= self.period.end):
            raise forms.ValidationError(_("Das Datum muss im Planungszeitraum liegen."))
        return day


class SpaceForm(KernForm):
    min_onsite = forms.IntegerField(
        label=_("Hybrid-Regel: mindestens Tage vor Ort je Woche"),
        min_value=0,
        max_value=5,
        initial=2,
    )


class PeriodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: PlanningPeriod) -> str:
        return f"{obj.name} ({obj.start:%d.%m.%Y}–{obj.end:%d.%m.%Y})"


class RuleCopyForm(KernForm):
    source = PeriodChoice(
        label=_("Regeln übernehmen aus"),
        queryset=PlanningPeriod.objects.none(),
        help_text=_(
            "Schichtarten mit ihrer Besetzung, Schichtteams, Teamtage und Ausnahmen je Person. "
            "Was dieser Zeitraum schon hat, bleibt."
        ),
    )

    def __init__(self, *args, period: PlanningPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            PlanningPeriod.objects.filter(municipality_id=period.municipality_id)
            .exclude(pk=period.pk)
            .order_by("-start", "name")
        )
        self.fields["source"].error_messages.update(
            required=_("Bitte einen Zeitraum wählen."),
            invalid_choice=_("Bitte einen Zeitraum aus der Liste wählen."),
        )
