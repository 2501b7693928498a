from django.urls import path

from rathaus.elections import views

app_name = "elections"

urlpatterns = [
    # staff (election office)
    path("", views.index, name="index"),
    path("<int:election_id>/", views.detail, name="detail"),
    path("<int:election_id>/bezirk/<int:district_id>/erfassen/", views.enter, name="enter"),
    path("<int:election_id>/bezirk/<int:district_id>/freigeben/", views.approve, name="approve"),
    path("<int:election_id>/freigeben/", views.approve_all, name="approve_all"),
    path("<int:election_id>/los/", views.lot, name="lot"),
    path("<int:election_id>/stichwahl/", views.runoff, name="runoff"),
    path("<int:election_id>/abschliessen/", views.finalize, name="finalize"),
    path("<int:election_id>/export.csv", views.export_csv, name="export_csv"),
    path("<int:election_id>/import/", views.import_csv, name="import"),
    # public (no login)
    path("ergebnisse/", views.public_index, name="public_index"),
    path(
        "ergebnisse/kommune/<slug:municipality_slug>/",
        views.public_index,
        name="public_municipality",
    ),
    # same page, so that reverse("elections:public_index", args=[slug]) works as well
    path("ergebnisse/kommune/<slug:municipality_slug>/", views.public_index, name="public_index"),
    path("ergebnisse/<int:election_id>/", views.public_detail, name="public_detail"),
    path("ergebnisse/<int:election_id>/live/", views.public_fragment, name="public_fragment"),
    path("ergebnisse/<int:election_id>/open-data.csv", views.public_csv, name="public_csv"),
]
