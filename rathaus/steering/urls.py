from django.urls import path

from rathaus.steering.views import (
    cases,
    cockpit,
    editing,
    imports,
    indicators,
    projects,
    public,
    report,
    retreat,
)

app_name = "steering"

urlpatterns = [
    path("", cockpit.cockpit, name="cockpit"),
    path("strategie/", cockpit.strategy, name="strategy"),
    path("cockpit.xlsx", cockpit.cockpit_export, name="cockpit_export"),
    path("bericht.pdf", report.controlling_report, name="controlling_report"),
    path("projekte/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projekte/neu/", editing.project_create, name="project_create"),
    path("projekte/<int:pk>/bearbeiten/", editing.project_edit, name="project_edit"),
    path("projekte/<int:pk>/meilensteine/neu/", editing.milestone_edit, name="milestone_create"),
    path(
        "projekte/<int:pk>/meilensteine/<int:milestone_id>/",
        editing.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "projekte/<int:pk>/meilensteine/<int:milestone_id>/loeschen/",
        editing.milestone_delete,
        name="milestone_delete",
    ),
    path("projekte/<int:pk>/budget/neu/", editing.budget_line_edit, name="budget_line_create"),
    path(
        "projekte/<int:pk>/budget/<int:line_id>/",
        editing.budget_line_edit,
        name="budget_line_edit",
    ),
    path(
        "projekte/<int:pk>/budget/<int:line_id>/loeschen/",
        editing.budget_line_delete,
        name="budget_line_delete",
    ),
    path("programme/<int:pk>/", cockpit.programme_detail, name="programme_detail"),
    path("kennzahlen/", indicators.indicator_list, name="indicator_list"),
    path("kennzahlen/<int:pk>/", indicators.indicator_detail, name="indicator_detail"),
    path(
        "kennzahlen/<int:pk>/werte/<int:value_id>/bestaetigen/",
        indicators.value_confirm,
        name="value_confirm",
    ),
    path("analysieren/", indicators.analyse_all, name="analyse_all"),
    path("import/", imports.values_import, name="values_import"),
    path("import/ist/", imports.actuals_import, name="actuals_import"),
    path("import/open-sdg/", imports.opensdg_values_import, name="opensdg_import"),
    path("import/bundesagentur/", imports.ba_values_import, name="ba_import"),
    path("import/sdg-portal/", imports.sdg_values_import, name="sdg_import"),
    path("klausur/", retreat.retreat, name="retreat"),
    path("faelle/", cases.case_list, name="case_list"),
    path("faelle/<int:pk>/", cases.case_detail, name="case_detail"),
    path("oeffentlich/<slug:municipality>/", public.public_index, name="public"),
]
