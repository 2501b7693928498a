"""Planner page of a period's rules: shift types, coverage, shift teams, team days and
per-person exceptions (add and delete)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from rathaus.core.problems import DomainError
from rathaus.presence.forms import (
    CohortForm,
    CoverageForm,
    OverrideForm,
    RuleCopyForm,
    ShiftTypeForm,
    TeamDayForm,
)
from rathaus.presence.selectors.periods import period_rules as rules_of
from rathaus.presence.services import rule_copy, rules
from rathaus.presence.views.access import planner_period

RULE_FORMS = {
    "shift": (ShiftTypeForm, gettext_lazy("Schichtart angelegt.")),
    "coverage": (CoverageForm, gettext_lazy("Besetzungsvorgabe angelegt.")),
    "cohort": (CohortForm, gettext_lazy("Schichtteam angelegt.")),
    "teamday": (TeamDayForm, gettext_lazy("Teamtag angelegt.")),
    "override": (OverrideForm, gettext_lazy("Ausnahme gespeichert.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def period_rules(request, pk):
    period = planner_period(request, pk)
    forms = {key: cls(period=period, prefix=key) for key, (cls, _msg) in RULE_FORMS.items()}
    status = 200
    which = request.POST.get("form", "") if request.method == "POST" else ""
    copy_form = RuleCopyForm(request.POST if which == "copy" else None, period=period)
    if which == "delete":
        _delete(request, period)
        return redirect("presence:period_rules", pk=period.pk)
    if which == "copy":
        if _copy(request, period, copy_form):
            return redirect("presence:period_rules", pk=period.pk)
        status = 422
    if which in RULE_FORMS:
        cls, msg = RULE_FORMS[which]
        form = forms[which] = cls(request.POST, period=period, prefix=which)
        if not form.is_valid():
            messages.error(request, _("Bitte die markierten Angaben prüfen."))
        else:
            try:
                rules.rule_create(
                    actor=request.user, period=period, kind=which, data=form.cleaned_data
                )
            except DomainError as exc:
                # Shown at the form, which keeps what the planner entered.
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, msg)
                return redirect("presence:period_rules", pk=period.pk)
    return render(
        request,
        "presence/period_rules.html",
        {"period": period, "forms": forms, "copy_form": copy_form, **rules_of(period)},
        status=status,
    )


def _delete(request, period) -> None:
    kind = request.POST.get("kind", "")
    try:
        rule_pk = int(request.POST.get("id", ""))
    except ValueError:
        return
    if kind not in rules.RULE_KINDS:
        return
    try:
        deleted = rules.rule_delete(actor=request.user, period=period, kind=kind, pk=rule_pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if deleted:
            messages.success(request, _("Regel gelöscht."))


def _copy(request, period, form: RuleCopyForm) -> bool:
    """Copies the chosen period's rules; False (errors at the form) when nothing was done."""
    if not form.is_valid():
        return False
    try:
        result = rule_copy.rules_copy(
            actor=request.user, period=period, source=form.cleaned_data["source"]
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    parts = [
        text % {"count": n}
        for n, text in (
            (
                result.shift_types,
                ngettext("%(count)d Schichtart", "%(count)d Schichtarten", result.shift_types),
            ),
            (
                result.coverage,
                ngettext(
                    "%(count)d Besetzungsvorgabe", "%(count)d Besetzungsvorgaben", result.coverage
                ),
            ),
            (
                result.cohorts,
                ngettext("%(count)d Schichtteam", "%(count)d Schichtteams", result.cohorts),
            ),
            (
                result.team_days,
                ngettext("%(count)d Teamtag", "%(count)d Teamtage", result.team_days),
            ),
            (
                result.overrides,
                ngettext("%(count)d Ausnahme", "%(count)d Ausnahmen", result.overrides),
            ),
        )
        if n
    ]
    text = (
        _("Regeln übernommen: %(list)s.") % {"list": ", ".join(parts)}
        if parts
        else _("Keine neuen Regeln übernommen.")
    )
    if result.skipped:
        text += " " + ngettext(
            "%(count)d Regel war schon da oder passt nicht zu diesem Zeitraum "
            "(andere Organisationseinheiten oder Personen).",
            "%(count)d Regeln waren schon da oder passen nicht zu diesem Zeitraum "
            "(andere Organisationseinheiten oder Personen).",
            result.skipped,
        ) % {"count": result.skipped}
    messages.success(request, text)
    return True
