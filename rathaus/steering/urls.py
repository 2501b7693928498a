from django.urls import path

from rathaus.steering.views import cases, cockpit, imports, indicators, projects, public, retreat

app_name = "steering"

urlpatterns = [
    path("", cockpit.cockpit, name="cockpit"),
    path("strategie/", cockpit.strategy, name="strategy"),
    path("cockpit.xlsx", cockpit.cockpit_export, name="cockpit_export"),
    path("projekte/<int:pk>/", projects.project_detail, name="project_detail"),
    path("kennzahlen/", indicators.indicator_list, name="indicator_list"),
    path("kennzahlen/<int:pk>/", indicators.indicator_detail, name="indicator_detail"),
    path(
        "kennzahlen/<int:pk>/werte/<int:value_id>/bestaetigen/",
        indicators.value_confirm,
        name="value_confirm",
    ),
    path("analysieren/", indicators.analyse_all, name="analyse_all"),
    path("import/", imports.values_import, name="values_import"),
    path("klausur/", retreat.retreat, name="retreat"),
    path("faelle/", cases.case_list, name="case_list"),
    path("faelle/<int:pk>/", cases.case_detail, name="case_detail"),
    path("oeffentlich/<slug:municipality>/", public.public_index, name="public"),
]
