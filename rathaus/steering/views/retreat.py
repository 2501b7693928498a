"""The board retreat page: collected goals into the strategy tree in one step."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from rathaus.core.forms import KernForm
from rathaus.core.problems import DomainError
from rathaus.steering import selectors
from rathaus.steering.rules import PERM_DECIDE
from rathaus.steering.services.retreat import retreat_goals_apply
from rathaus.steering.views.common import require


class RetreatForm(KernForm):
    text = forms.CharField(
        label=gettext_lazy("Ziele aus der Klausur"),
        help_text=gettext_lazy("Eine Zeile je Ziel: Handlungsfeld | Ziel | SDG-Nummern (optional)"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=50_000,
    )


@login_required
@require_http_methods(["GET", "POST"])
def retreat(request):
    require(request.user, PERM_DECIDE)
    plan = selectors.current_plan(request.user)
    form = RetreatForm(request.POST or None)
    result = None
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            result = retreat_goals_apply(
                actor=request.user, plan=plan, text=form.cleaned_data["text"]
            )
        except DomainError as exc:
            exc.show_in(form)
        else:
            if not result.errors:
                messages.success(
                    request,
                    _("Übernommen: %(f)d neue Handlungsfelder, %(g)d neue Ziele.")
                    % {"f": result.fields_created, "g": result.goals_created},
                )
                return redirect("steering:strategy")
    failed = bool(form.errors or (result and result.errors))
    return render(
        request,
        "steering/retreat.html",
        {"form": form, "result": result, "plan": plan},
        status=400 if failed else 200,
    )
