from django.urls import path

from rathaus.standards.views import dashboard, imports, manual, promises, public, report

app_name = "standards"

urlpatterns = [
    path("", dashboard.dashboard, name="index"),
    path("kommune/<int:municipality_id>/", dashboard.municipality, name="municipality"),
    path("versprechen/", promises.promise_list, name="promises"),
    path("versprechen/neu/", promises.promise_create, name="promise_create"),
    path("versprechen/<int:promise_id>/bearbeiten/", promises.promise_edit, name="promise_edit"),
    path("versprechen/<int:promise_id>/beitreten/", promises.promise_join, name="promise_join"),
    path("vergleich/", promises.comparison_settings, name="comparison_settings"),
    path("import/", imports.figures_upload, name="import"),
    path("werte/", manual.entries, name="entries"),
    path("werte/<int:entry_id>/bestaetigen/", manual.entry_confirm, name="entry_confirm"),
    path("werte/<int:entry_id>/verwerfen/", manual.entry_reject, name="entry_reject"),
    path("bericht/", report.report, name="report_pdf"),
    path("bericht.xlsx", dashboard.monthly_report, name="report"),
    path("oeffentlich/<slug:region_slug>/", public.public_page, name="public"),
    path("oeffentlich/<slug:region_slug>/daten.csv", public.open_data_csv, name="open_data_csv"),
    path("oeffentlich/<slug:region_slug>/daten.json", public.open_data_json, name="open_data_json"),
    path(
        "oeffentlich/<slug:region_slug>/metadaten.jsonld",
        public.open_data_dcat,
        name="open_data_dcat",
    ),
]
