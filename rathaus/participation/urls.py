from django.urls import path

from rathaus.participation.views import (
    conferences,
    digest,
    personal,
    polls,
    public,
    questions,
    staff,
    vision,
)

app_name = "participation"

urlpatterns = [
    # public (no login)
    path("", public.index, name="index"),
    path("kommune/<slug:municipality_slug>/", public.index, name="municipality"),
    path("kommune/<slug:municipality_slug>/stadtteile/", public.districts, name="districts"),
    path("<int:process_id>/", public.process_detail, name="process"),
    path("<int:process_id>/mitmachen/", public.join, name="join"),
    path("<int:process_id>/einwilligung/", public.consent, name="consent"),
    path("<int:process_id>/idee-einreichen/", public.idea_new, name="idea_new"),
    path("<int:process_id>/ergebnis/", public.accountability, name="accountability"),
    path("<int:process_id>/karte.svg", public.picker_svg, name="picker_svg"),
    path("<int:process_id>/umfrage/<int:poll_id>/", public.poll_vote, name="poll_vote"),
    path("idee/<int:idea_id>/", public.idea_detail, name="idea"),
    path("idee/<int:idea_id>/kommentieren/", public.comment_create, name="comment"),
    path("idee/<int:idea_id>/unterstuetzen/", public.idea_support, name="support"),
    path("idee/<int:idea_id>/melden/", public.idea_flag, name="idea_flag"),
    path("kommentar/<int:comment_id>/melden/", public.comment_flag, name="comment_flag"),
    path("altcha/", public.altcha_challenge, name="altcha"),
    path("leitbild/absatz/<int:paragraph_id>/", vision.paragraph, name="paragraph"),
    path("veranstaltung/<int:conference_id>/", conferences.conference, name="conference"),
    path("anmeldung/<str:token>/", conferences.registration, name="registration"),
    path(
        "anmeldung/<str:token>/absagen/",
        conferences.registration_cancel,
        name="registration_cancel",
    ),
    path("veranstaltung/<int:conference_id>/fragen/", questions.questions, name="questions"),
    path(
        "frage/<int:question_id>/unterstuetzen/",
        questions.question_support,
        name="question_support",
    ),
    path(
        "verwaltung/frage/<int:question_id>/",
        questions.question_moderate,
        name="question_moderate",
    ),
    path(
        "anmeldung/<str:token>/online/",
        conferences.registration_online,
        name="registration_online",
    ),
    path("stadtteil/<int:district_id>/folgen/", digest.follow, name="follow"),
    path("stadtteil-nachrichten/<str:value>/", digest.follow_manage, name="follow_manage"),
    # personal link (capability: whoever holds it acts as the participant)
    path("mein-link/<str:token>/", personal.personal, name="personal"),
    path(
        "mein-link/<str:token>/antwort/idee/<int:idea_id>/", personal.reply_idea, name="reply_idea"
    ),
    path(
        "mein-link/<str:token>/antwort/kommentar/<int:comment_id>/",
        personal.reply_comment,
        name="reply_comment",
    ),
    path(
        "mein-link/<str:token>/antwort/leitbild/<int:paragraph_comment_id>/",
        personal.reply_paragraph_comment,
        name="reply_paragraph",
    ),
    path("mein-link/<str:token>/benachrichtigungen/", personal.notify, name="notify"),
    path("mein-link/<str:token>/daten.json", personal.export, name="personal_export"),
    path("mein-link/<str:token>/loeschen/", personal.erase, name="erase"),
    # staff
    path("verwaltung/", staff.staff_index, name="staff_index"),
    path("verwaltung/neu/", staff.process_new, name="process_new"),
    path("verwaltung/<int:process_id>/", staff.manage, name="manage"),
    path("verwaltung/<int:process_id>/veroeffentlichen/", staff.publish, name="publish"),
    path("verwaltung/<int:process_id>/einladen/", staff.invite, name="invite"),
    path("verwaltung/<int:process_id>/fachleute/", staff.invite_expert, name="invite_expert"),
    path("verwaltung/<int:process_id>/bericht/", staff.report, name="report"),
    path("verwaltung/<int:process_id>/ergebnisse.pdf", staff.report_pdf, name="report_pdf"),
    path("verwaltung/<int:process_id>/ideen.csv", staff.export_ideas, name="export_ideas"),
    path(
        "verwaltung/<int:process_id>/ideen.xlsx", staff.export_ideas_xlsx, name="export_ideas_xlsx"
    ),
    path("verwaltung/idee/<int:idea_id>/", staff.idea_manage, name="idea_manage"),
    path("verwaltung/moderation/", staff.moderation_queue, name="moderation"),
    path("verwaltung/moderation/idee/<int:idea_id>/", staff.moderate_idea, name="moderate_idea"),
    path(
        "verwaltung/moderation/kommentar/<int:comment_id>/",
        staff.moderate_comment,
        name="moderate_comment",
    ),
    path(
        "verwaltung/moderation/leitbild/<int:paragraph_comment_id>/",
        staff.moderate_paragraph_comment,
        name="moderate_paragraph",
    ),
    path(
        "verwaltung/veranstaltung/<int:conference_id>/",
        conferences.staff_registrations,
        name="staff_conference",
    ),
    path("verwaltung/strassenverzeichnis/", staff.street_directory, name="streets"),
    path("verwaltung/leitbild/absatz/<int:paragraph_id>/", vision.revise, name="paragraph_revise"),
    path("verwaltung/umfrage/<int:poll_id>/antworten/", polls.answers, name="poll_answers"),
    path(
        "verwaltung/umfrage/<int:poll_id>/antworten.csv", polls.answers_csv, name="poll_answers_csv"
    ),
    path("verwaltung/stadtteil-umrisse/", staff.district_outlines, name="outlines"),
    path(
        "verwaltung/umfrage/antwort/<int:answer_id>/",
        polls.answer_moderate,
        name="poll_answer_moderate",
    ),
]
