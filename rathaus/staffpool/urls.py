from django.urls import path

from rathaus.staffpool.views import cases, overview, pool, requests, secondments

app_name = "staffpool"

urlpatterns = [
    path("", overview.index, name="index"),
    path("pool/", pool.pool, name="pool"),
    path("pool/neu/", pool.member_create, name="member_create"),
    path("pool/<int:pk>/", pool.member_edit, name="member_edit"),
    path("anfragen/", requests.request_list, name="requests"),
    path("anfragen/neu/", requests.request_create, name="request_create"),
    path("anfragen/abgleichen/", requests.request_match_all, name="request_match_all"),
    path("anfragen/<int:pk>/", requests.request_detail, name="request_detail"),
    path("anfragen/<int:pk>/abgleichen/", requests.request_match, name="request_match"),
    path("anfragen/<int:pk>/abbestellen/", requests.request_stand_down, name="request_stand_down"),
    path("abordnungen/<int:pk>/", secondments.secondment_detail, name="secondment"),
    path("abordnungen/<int:pk>/ablehnen/", secondments.secondment_reject, name="secondment_reject"),
    path("abordnungen/<int:pk>/zusagen/", secondments.secondment_accept, name="secondment_accept"),
    path(
        "abordnungen/<int:pk>/absagen/", secondments.secondment_decline, name="secondment_decline"
    ),
    path(
        "abordnungen/<int:pk>/verlaengern/", secondments.secondment_extend, name="secondment_extend"
    ),
    path("abordnungen/<int:pk>/aufheben/", secondments.secondment_cancel, name="secondment_cancel"),
    path(
        "abordnungen/<int:pk>/<str:kind>.pdf",
        secondments.secondment_document,
        name="secondment_document",
    ),
    path("abordnungen/<int:pk>/einsatz.ics", secondments.secondment_ics, name="secondment_ics"),
    path("meine-einsaetze/", overview.mine, name="mine"),
    path("stundenkonto/", overview.ledger, name="ledger"),
    path("stundenkonto/abrechnung.csv", overview.ledger_csv, name="ledger_csv"),
    path("stundenkonto/abrechnung.xlsx", overview.ledger_xlsx, name="ledger_xlsx"),
    path("stundenkonto/fallbearbeitung/", overview.cases, name="cases"),
    path("mindestbesetzung/", overview.floors, name="floors"),
    path("fallbearbeitung/", cases.case_exchange, name="case_exchange"),
    path("fallbearbeitung/<int:pk>/buchen/", cases.case_offer_book, name="case_offer_book"),
    path(
        "fallbearbeitung/<int:pk>/zurueckziehen/",
        cases.case_offer_withdraw,
        name="case_offer_withdraw",
    ),
]
