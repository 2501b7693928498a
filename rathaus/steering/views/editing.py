"""Editing pages: a project's master data, its milestones and its budget lines."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.core.problems import DomainError
from rathaus.core.tenancy import home_municipality
from rathaus.steering.forms import BudgetLineForm, MilestoneForm, ProjectForm
from rathaus.steering.rules import PERM_CREATE_PROJECT, PERM_EDIT_PROJECT
from rathaus.steering.selectors import editing as selectors
from rathaus.steering.services import editing as services
from rathaus.steering.views.common import require

PROJECT_INITIAL = ("title", "kind", "description", "start", "end", "status", "public")


def _page(request, form, *, title, project=None, delete_url=None):
    return render(
        request,
        "steering/editing/form.html",
        {"form": form, "title": title, "project": project, "delete_url": delete_url},
        status=400 if form.is_bound and form.errors else 200,
    )


def _saved(request, message, project):
    messages.success(request, message)
    return redirect("steering:project_detail", pk=project.pk)


def _submit(request, form, write, *, message):
    """Runs ``write(cleaned_data)`` for a valid POST and goes to the project it returns.

    A domain error lands at the form's fields instead; None means "show the form (again)".
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        project = write(form.cleaned_data)
    except DomainError as exc:
        exc.show_in(form)
        return None
    return _saved(request, message, project)


def _project_form(request, choices, initial=None):
    form = ProjectForm(request.POST or None, choices=choices, initial=initial)
    form.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
    return form


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require(request.user, PERM_CREATE_PROJECT)
    form = _project_form(request, selectors.edit_choices(request.user))
    done = _submit(
        request,
        form,
        lambda data: services.project_create(
            actor=request.user, municipality=home_municipality(request.user), data=data
        ),
        message=_("Das Projekt ist angelegt."),
    )
    return done or _page(request, form, title=_("Neues Projekt"))


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = selectors.project_for_edit(request.user, pk)
    require(request.user, PERM_EDIT_PROJECT, project)
    initial = {name: getattr(project, name) for name in PROJECT_INITIAL}
    initial.update(
        action_field=project.action_field_id,
        goal=project.goal_id,
        programme=project.programme_id,
        owner_unit=project.owner_unit_id,
        owner=project.owner_id,
        budget_threshold=project.budget_threshold,
    )
    form = _project_form(request, selectors.edit_choices(request.user), initial)

    def write(data):
        services.project_update(actor=request.user, project=project, data=data)
        return project

    done = _submit(request, form, write, message=_("Das Projekt ist gespeichert."))
    return done or _page(request, form, title=_("Projekt bearbeiten"), project=project)


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int, milestone_id: int | None = None):
    project = selectors.project_for_edit(request.user, pk)
    require(request.user, PERM_EDIT_PROJECT, project)
    milestone = milestone_id and selectors.milestone_get(request.user, project, milestone_id)
    initial = milestone and {
        "title": milestone.title,
        "due": milestone.due,
        "done_on": milestone.done_on,
    }
    form = MilestoneForm(request.POST or None, initial=initial, new=not milestone)

    def write(data):
        if milestone:
            services.milestone_update(actor=request.user, milestone=milestone, **data)
        else:
            services.milestone_create(actor=request.user, project=project, **data)
        return project

    done = _submit(request, form, write, message=_("Der Meilenstein ist gespeichert."))
    return done or _page(
        request,
        form,
        title=_("Meilenstein bearbeiten") if milestone else _("Neuer Meilenstein"),
        project=project,
        delete_url=milestone and "loeschen/",
    )


@login_required
@require_POST
def milestone_delete(request, pk: int, milestone_id: int):
    project = selectors.project_for_edit(request.user, pk)
    require(request.user, PERM_EDIT_PROJECT, project)
    milestone = selectors.milestone_get(request.user, project, milestone_id)
    try:
        services.milestone_delete(actor=request.user, milestone=milestone)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("steering:milestone_edit", pk=project.pk, milestone_id=milestone.pk)
    return _saved(request, _("Der Meilenstein ist gelöscht."), project)


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit(request, pk: int, line_id: int | None = None):
    project = selectors.project_for_edit(request.user, pk)
    require(request.user, PERM_EDIT_PROJECT, project)
    line = line_id and selectors.budget_line_get(request.user, project, line_id)
    initial = line and {name: getattr(line, name) for name in services.BUDGET_FIELDS}
    form = BudgetLineForm(request.POST or None, initial=initial)

    def write(data):
        if line:
            services.budget_line_update(actor=request.user, line=line, data=data)
        else:
            services.budget_line_create(actor=request.user, project=project, data=data)
        return project

    done = _submit(request, form, write, message=_("Die Budgetposition ist gespeichert."))
    return done or _page(
        request,
        form,
        title=_("Budgetposition bearbeiten") if line else _("Neue Budgetposition"),
        project=project,
        delete_url=line and "loeschen/",
    )


@login_required
@require_POST
def budget_line_delete(request, pk: int, line_id: int):
    project = selectors.project_for_edit(request.user, pk)
    require(request.user, PERM_EDIT_PROJECT, project)
    line = selectors.budget_line_get(request.user, project, line_id)
    services.budget_line_delete(actor=request.user, line=line)
    return _saved(request, _("Die Budgetposition ist gelöscht."), project)
