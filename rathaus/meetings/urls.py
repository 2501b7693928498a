from django.urls import path

from rathaus.meetings.views import (
    bodies,
    documents,
    meeting,
    minutes,
    papers,
    pdf,
    personal,
    proposals,
    rhythm,
)

app_name = "meetings"

urlpatterns = [
    path("", bodies.index, name="index"),
    path("<int:body_id>/", bodies.body_detail, name="body"),
    path("<int:body_id>/reihe/neu/", bodies.series_new, name="series_new"),
    path("<int:body_id>/sitzung/neu/", bodies.meeting_new, name="meeting_new"),
    path("<int:body_id>/themenspeicher/", bodies.backlog_add, name="backlog_add"),
    path("<int:body_id>/kalender.ics", bodies.public_feed, name="public_feed"),
    path("sitzung/<int:meeting_id>/", meeting.detail, name="meeting"),
    path("sitzung/<int:meeting_id>/beitreten/", meeting.join, name="join"),
    path("sitzung/<int:meeting_id>/einladung.ics", meeting.invitation_ics, name="meeting_ics"),
    path("sitzung/<int:meeting_id>/einladen/", meeting.invite, name="invite"),
    path("sitzung/<int:meeting_id>/antwort/", meeting.respond, name="respond"),
    path("sitzung/<int:meeting_id>/absagen/", meeting.cancel, name="cancel"),
    path("sitzung/<int:meeting_id>/top/", meeting.item_add, name="item_add"),
    path(
        "sitzung/<int:meeting_id>/top/<int:item_id>/einplanen/",
        meeting.item_schedule,
        name="item_schedule",
    ),
    path(
        "sitzung/<int:meeting_id>/teilnahme/<int:attendance_id>/",
        meeting.attendance_set,
        name="attendance_set",
    ),
    path("sitzung/<int:meeting_id>/protokoll/", minutes.minutes, name="minutes"),
    path("sitzung/<int:meeting_id>/protokoll/<slug:step>/", minutes.lifecycle, name="lifecycle"),
    path("sitzung/<int:meeting_id>/protokoll.pdf", pdf.minutes_pdf, name="minutes_pdf"),
    path("top/<int:item_id>/speichern/", minutes.item_save, name="item_save"),
    path("top/<int:item_id>/beschluss/", minutes.decision_add, name="decision_add"),
    path("top/<int:item_id>/auftrag/", minutes.assignment_add, name="assignment_add"),
    path("top/<int:item_id>/dokument/", documents.upload, name="document_upload"),
    path("top/<int:item_id>/oeffentlichkeit/", meeting.item_publicity, name="item_publicity"),
    path("dokument/<int:document_id>/", documents.download, name="document"),
    path("auftraege/", minutes.register, name="register"),
    path("auftrag/<int:assignment_id>/erledigt/", minutes.assignment_done, name="assignment_done"),
    path("vorlagen/", papers.index, name="papers"),
    path("vorlagen/<int:paper_id>/", papers.detail, name="paper"),
    path("vorlagen/neu/", papers.paper_new, name="paper_new"),
    path("vorlagen/<int:paper_id>/bearbeiten/", papers.paper_edit, name="paper_edit"),
    path("vorlagen/<int:paper_id>/beratung/", papers.consultation_new, name="consultation_new"),
    path(
        "beratung/<int:consultation_id>/ergebnis/",
        papers.consultation_result,
        name="consultation_result",
    ),
    path("p/<str:token>/", personal.page, name="personal"),
    path("p/<str:token>/kalender.ics", personal.feed, name="personal_feed"),
    path("p/<str:token>/sitzung/<int:meeting_id>/beitreten/", personal.join, name="personal_join"),
    path(
        "p/<str:token>/sitzung/<int:meeting_id>/antwort/", personal.respond, name="personal_respond"
    ),
    path("reihe/<int:series_id>/rhythmus/", rhythm.series_rhythm, name="series_rhythm"),
    path("reihe/<int:series_id>/rhythmus/pruefen/", rhythm.rhythm_check, name="rhythm_check"),
    path("rhythmus/<int:proposal_id>/<slug:answer>/", rhythm.rhythm_decide, name="rhythm_decide"),
    path("vorschlag/", proposals.proposal_create, name="proposal_create"),
    path("p/<str:token>/antwort.ics", personal.reply, name="personal_reply"),
]
