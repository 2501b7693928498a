"""Import of figures from other systems (115 line, processing times)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rathaus.core.problems import DomainError
from rathaus.standards import rules
from rathaus.standards.forms import ImportForm
from rathaus.standards.services.imports import figures_import
from rathaus.standards.views.common import acting_region


@login_required
def figures_upload(request):
    region = acting_region(request.user)
    allowed = rules.import_scope(request.user, region)
    if not allowed:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                n = figures_import(
                    actor=request.user,
                    region=region,
                    allowed=allowed,
                    data=upload.read(),
                    filename=upload.name,
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
                problems = exc.errors
            else:
                messages.success(
                    request,
                    _(
                        "%(n)s Werte zur Bestätigung vorgelegt: Sie zählen, sobald eine zweite "
                        "Person der Kommune sie bestätigt hat."
                    )
                    % {"n": n},
                )
                return redirect("standards:entries")
    return render(
        request,
        "standards/import.html",
        {"form": form, "problems": problems, "region": region},
        status=status,
    )
