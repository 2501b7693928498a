"""OParl 1.1 URLs (/oparl/v1/…); see oparl.py for the mapping."""

from django.urls import path

from rathaus.meetings import oparl
from rathaus.meetings.views import documents

app_name = "oparl"

urlpatterns = [
    path("", oparl.system, name="system"),
    path("body", oparl.bodies, name="bodies"),
    path("body/<str:oparl_body>", oparl.body, name="body"),
    path("body/<str:oparl_body>/organization", oparl.body_organizations, name="body_organizations"),
    path("body/<str:oparl_body>/person", oparl.body_persons, name="body_persons"),
    path("body/<str:oparl_body>/meeting", oparl.body_meetings, name="body_meetings"),
    path("body/<str:oparl_body>/paper", oparl.body_papers, name="body_papers"),
    path("body/<str:oparl_body>/agendaitem", oparl.body_agenda_items, name="body_agenda_items"),
    path("body/<str:oparl_body>/consultation", oparl.body_consultations, name="body_consultations"),
    path("body/<str:oparl_body>/file", oparl.body_files, name="body_files"),
    path("body/<str:oparl_body>/location", oparl.body_locations, name="body_locations"),
    path("body/<str:oparl_body>/legislativeterm", oparl.body_terms, name="body_terms"),
    path("body/<str:oparl_body>/membership", oparl.body_memberships, name="body_memberships"),
    path("legislativeterm/<str:term_id>", oparl.term, name="term"),
    path("organization/<str:organization_id>", oparl.organization, name="organization"),
    path(
        "organization/<str:organization_id>/meeting",
        oparl.organization_meetings,
        name="organization_meetings",
    ),
    path("person/<str:person_id>", oparl.person, name="person"),
    path("membership/<str:membership_id>", oparl.membership, name="membership"),
    path("meeting/<str:meeting_id>", oparl.meeting, name="meeting"),
    path("agendaitem/<str:item_id>", oparl.agenda_item, name="agenda_item"),
    path("paper/<str:paper_id>", oparl.paper, name="paper"),
    path("consultation/<str:consultation_id>", oparl.consultation, name="consultation"),
    path("location/<str:location_id>", oparl.location, name="location"),
    path("file/<str:file_id>", oparl.file, name="file"),
    path("file/<str:document_id>/download", documents.public_download, name="file_download"),
]
