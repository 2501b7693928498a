from django.urls import path

from rathaus.elections.views import elections, imports, public, results, runoff

app_name = "elections"

urlpatterns = [
    # staff (election office)
    path("", elections.index, name="index"),
    path("<int:election_id>/", elections.detail, name="detail"),
    path("<int:election_id>/bezirk/<int:district_id>/erfassen/", results.enter, name="enter"),
    path("<int:election_id>/bezirk/<int:district_id>/freigeben/", results.approve, name="approve"),
    path("<int:election_id>/los/", runoff.lot, name="lot"),
    path("<int:election_id>/stichwahl/", runoff.runoff, name="runoff"),
    path("<int:election_id>/abschliessen/", elections.finalize, name="finalize"),
    path("<int:election_id>/export.csv", elections.export_csv, name="export_csv"),
    path("<int:election_id>/import/", imports.import_csv, name="import"),
    path("neu/", elections.create, name="create"),
    path("<int:election_id>/bearbeiten/", elections.edit, name="edit"),
    path("<int:election_id>/veroeffentlichen/", elections.publish, name="publish"),
    path("<int:election_id>/bezirke/", elections.districts, name="districts"),
    path("<int:election_id>/bezirke/import/", imports.import_districts, name="import_districts"),
    path(
        "<int:election_id>/bezirke/<int:district_id>/loeschen/",
        elections.district_remove,
        name="district_remove",
    ),
    # public (no login)
    path("ergebnisse/", public.public_index, name="public_index"),
    path(
        "ergebnisse/kommune/<slug:municipality_slug>/",
        public.public_index,
        name="public_municipality",
    ),
    # same page, so that reverse("elections:public_index", args=[slug]) works as well
    path("ergebnisse/kommune/<slug:municipality_slug>/", public.public_index, name="public_index"),
    path("ergebnisse/<int:election_id>/", public.public_detail, name="public_detail"),
    path("ergebnisse/<int:election_id>/live/", public.public_fragment, name="public_fragment"),
    path("ergebnisse/<int:election_id>/open-data.csv", public.public_csv, name="public_csv"),
]
