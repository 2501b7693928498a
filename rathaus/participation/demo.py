"""Demo: participation in Musterstadt, relative to today and idempotent.

- Musterstadt's consent texts: privacy notice (version 2, replacing version 1) and terms of
  participation (version 1), shown when joining; the demo participants accepted them.
- "Umgestaltung der Lindenstraße" (Nordviertel): open for ideas today; residents of the
  district and an invited group (households of the street, demo codes DEMO-LIND-0001…0040);
  the polls only for the invited households (a module with its own audience); ideas,
  comments, an official statement, a hidden comment with reason and the author's answer, a
  flagged comment waiting in the moderation queue.
- "Themenforum Lokale Wirtschaft": in evaluation; experts' statements beside citizens' input,
  a poll with results; pre-moderated.
- "Spielplatz am Südpark": finished; "you said, we did" with ideas adopted into a project and
  rejected with a reason.
- "Leitbild Musterstadt 2035": a guiding-vision draft with a core chapter and two district
  chapters, open for discussion.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rathaus.core.clock import now_or
from rathaus.core.demo import DEMO_PASSWORD
from rathaus.core.models import Municipality, Role, User
from rathaus.participation.models import (
    Audience,
    Comment,
    Conference,
    ConsentText,
    District,
    EventQuestion,
    EventQuestionSupport,
    Expert,
    Flag,
    Idea,
    InvitationCode,
    InvitationGroup,
    Module,
    ModuleAudience,
    ParagraphComment,
    Participant,
    Phase,
    Poll,
    PollAnswer,
    PollOption,
    PollVote,
    Process,
    Registration,
    StreetRange,
    Support,
    Visibility,
    VisionChapter,
    VisionParagraph,
    hash_token,
    new_token,
    normalize_code,
)
from rathaus.participation.services import accountability, moderation, vision
from rathaus.participation.services import questions as question_services
from rathaus.participation.services.processes import PhaseSpec, process_create

K = Phase.Kind
STREET_TITLE = "Umgestaltung der Lindenstraße"
FORUM_TITLE = "Themenforum Lokale Wirtschaft"
PLAYGROUND_TITLE = "Spielplatz am Südpark"
VISION_TITLE = "Leitbild Musterstadt 2035"
DEMO_CODES = [f"DEMO-LIND-{i:04d}" for i in range(1, 41)]

DISTRICTS = [
    ("ALT", "Altstadt"),
    ("NORD", "Nordviertel"),
    ("SUED", "Südfeld"),
    ("WEST", "Weststadt"),
    ("OST", "Oststadt"),
]
# street, first, last, parity, district
STREETS = [
    ("Lindenstraße", 1, 99, "all", "NORD"),
    ("Nordring", 1, 200, "all", "NORD"),
    ("Marktplatz", 1, 30, "all", "ALT"),
    ("Kirchgasse", 1, 40, "all", "ALT"),
    ("Südparkweg", 1, 80, "all", "SUED"),
    ("Bahnhofstraße", 1, 59, "odd", "ALT"),
    ("Bahnhofstraße", 2, 60, "even", "WEST"),
    ("Westwall", 1, 120, "all", "WEST"),
    ("Ostallee", 1, 150, "all", "OST"),
]
# District outlines (WGS 84, lon/lat): neighbours share their border points exactly.
_A, _B, _C, _D = (9.490, 52.2950), (9.510, 52.2955), (9.5105, 52.3050), (9.4895, 52.3045)
_NW, _NE, _SW, _SE = (9.468, 52.3050), (9.532, 52.3060), (9.468, 52.2945), (9.532, 52.2940)
OUTLINES = {
    "ALT": [_A, _B, _C, _D],
    "NORD": [_NW, _D, _C, _NE, (9.528, 52.3230), (9.500, 52.3270), (9.472, 52.3210)],
    "SUED": [_SW, (9.472, 52.2780), (9.500, 52.2740), (9.528, 52.2790), _SE, _B, _A],
    "WEST": [_SW, _A, _D, _NW],
    "OST": [_B, _SE, _NE, _C],
}
# Where the first ideas of the street redesign are placed (Lindenstraße, Nordviertel).
IDEA_PLACES = [(9.4975, 52.3125), (9.5040, 52.3160), (9.5010, 52.3100)]
DEMO_LOGINS = [
    ("beteiligung", [Role.EMPLOYEE, Role.PROCESS_PLANNER], "Planung Bürgerbeteiligung"),
    ("moderation", [Role.EMPLOYEE, Role.MODERATOR], "Moderation Bürgerbeteiligung"),
]


# (kind, version, title, days before today it took effect, text)
CONSENT_TEXTS = [
    (
        ConsentText.Kind.PRIVACY,
        1,
        "Datenschutzhinweise zur Bürgerbeteiligung",
        400,
        "Die Stadt Musterstadt speichert Ihren öffentlichen Namen und Ihre Beiträge.",
    ),
    (
        ConsentText.Kind.PRIVACY,
        2,
        "Datenschutzhinweise zur Bürgerbeteiligung",
        1,
        "Verantwortlich: Stadt Musterstadt, Der Bürgermeister, Marktplatz 1, 12345 "
        "Musterstadt.\nDatenschutzbeauftragte: datenschutz@musterstadt.example.\n\n"
        "Was wir speichern: Ihren öffentlichen Namen, Ihre Beiträge, Ihren Stadtteil (aus "
        "Ihrer Adresse; die Adresse selbst speichern wir nicht), Ihren Einladungscode und – "
        "nur wenn Sie es wollen – Ihre E-Mail-Adresse.\n\n"
        "Wozu: damit Sie mitmachen können und die Planung sieht, welche Stadtteile und Gruppen "
        "erreicht wurden. Rechtsgrundlage ist Ihre Einwilligung (Art. 6 Abs. 1 a DSGVO).\n\n"
        "Wie lange: bis 180 Tage nach dem Ende des Verfahrens. Dann löschen wir Ihre "
        "persönlichen Daten; Ihre Beiträge bleiben ohne Namen stehen.\n\n"
        "Ihre Rechte: Über Ihren persönlichen Link sehen Sie Ihre Daten, laden sie herunter "
        "und löschen sie (Art. 15 und 17 DSGVO). Sie können sich bei der "
        "Landesbeauftragten für den Datenschutz beschweren.",
    ),
    (
        ConsentText.Kind.TERMS,
        1,
        "Regeln für die Beteiligung",
        400,
        "Bitte bleiben Sie freundlich und beim Thema. Keine Beleidigungen, keine Werbung, "
        "keine persönlichen Daten anderer.\n\n"
        "Die Moderation kann Beiträge ausblenden. Sie nennt Ihnen den Grund, und Sie können "
        "darauf antworten.\n\n"
        "Ihre Beiträge dürfen wir in Berichten an den Rat wiedergeben.",
    ),
]
# what the demo participants accepted (the newest versions; all but one resident renewed)
CONSENTS_ACCEPTED = {"privacy": 2, "terms": 1}


def _consent_texts(town: Municipality, now: datetime) -> None:
    for kind, version, title, days, body in CONSENT_TEXTS:
        ConsentText.objects.get_or_create(
            municipality=town,
            kind=kind,
            version=version,
            defaults={
                "title": title,
                "body": body,
                "published_at": now - timedelta(days=days),
            },
        )


def _user(username: str, roles, town: Municipality) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "municipality": town,
            "roles": [str(r) for r in roles],
            "email": f"{username}@musterstadt.example",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _participant(process, pseudonym, district=None, *, expert=None, group=None, now) -> Participant:
    return Participant.objects.create(
        municipality_id=process.municipality_id,
        process=process,
        pseudonym=pseudonym,
        token_hash=hash_token(new_token()),
        district=district,
        expert=expert,
        group=group,
        consents=CONSENTS_ACCEPTED,
        created_at=now,
    )


def _idea(process, participant, title, body, when: datetime, **extra) -> Idea:
    number = Idea.objects.filter(process=process).count() + 1
    return Idea.objects.create(
        municipality_id=process.municipality_id,
        process=process,
        number=number,
        participant=participant,
        title=title,
        body=body,
        district=extra.pop("district", participant.district if participant else None),
        created_at=when,
        **extra,
    )


def _comment(idea, author, body, when, *, parent=None, staff=None, visibility=Visibility.PUBLISHED):
    comment = Comment.objects.create(
        municipality_id=idea.municipality_id,
        idea=idea,
        parent=parent,
        participant=author,
        staff_author=staff,
        body=body,
        created_at=when,
        visibility=visibility,
    )
    if visibility == Visibility.PUBLISHED:
        idea.comment_count += 1
        idea.save(update_fields=["comment_count"])
    return comment


def _support(idea, participants):
    Support.objects.bulk_create(
        Support(municipality_id=idea.municipality_id, idea=idea, participant=p)
        for p in participants
    )
    idea.support_count = len(participants)
    idea.save(update_fields=["support_count"])


def _phases(today, plan):
    """plan: (kind, start offset, end offset, ideas, comments, support, poll[, questions])"""
    return [
        PhaseSpec(
            k,
            today + timedelta(days=a),
            today + timedelta(days=b),
            i,
            c,
            s,
            p,
            questions=bool(q and q[0]),
        )
        for k, a, b, i, c, s, p, *q in plan
    ]


def _directory(town) -> dict[str, District]:
    districts = {}
    for code, name in DISTRICTS:
        ring = [list(point) for point in [*OUTLINES[code], OUTLINES[code][0]]]
        districts[code], _ = District.objects.get_or_create(
            municipality=town,
            code=code,
            defaults={"name": name},
        )
        if districts[code].geometry is None:  # also on a demo loaded before maps existed
            districts[code].geometry = {"type": "Polygon", "coordinates": [ring]}
            districts[code].save(update_fields=["geometry"])
    if not StreetRange.objects.filter(municipality=town).exists():
        StreetRange.objects.bulk_create(
            StreetRange(
                municipality=town, district=districts[d], street=s, first=a, last=b, parity=p
            )
            for s, a, b, p, d in STREETS
        )
    return districts


def _experts(town, districts, now) -> list[Expert]:
    rows = [
        (
            "Dr. Petra Hansen",
            Expert.Field.ECONOMY,
            "Geschäftsführerin",
            "Werbegemeinschaft Altstadt",
            "ALT",
        ),
        (
            "Murat Aydın",
            Expert.Field.ECONOMY,
            "Inhaber Fahrradladen",
            "Einzelhandelsverband Musterland",
            "NORD",
        ),
        ("Jana Vogel", Expert.Field.NATURE, "Vorsitzende", "NABU Ortsgruppe Musterstadt", "SUED"),
        ("Klaus Brenner", Expert.Field.SPORT, "Jugendtrainer", "TuS Musterstadt 1897", "WEST"),
    ]
    experts = []
    for name, field, role, affiliation, code in rows:
        expert, _ = Expert.objects.get_or_create(
            municipality=town,
            name=name,
            defaults={
                "field": field,
                "role": role,
                "affiliation": affiliation,
                "district": districts[code],
                "consent_at": now - timedelta(days=90),
            },
        )
        experts.append(expert)
    return experts


def _street_process(town, districts, planner, moderator, now, rng):
    process = _street_create(town, districts, planner, now)
    group = _street_invitations(town, process, now)
    _street_poll_audience(town, process, group)
    residents = _street_residents(process, districts, group, now)
    ideas = _street_ideas(process, residents, now, rng)
    _street_discussion(town, ideas, residents, planner, moderator, now)
    _street_polls(town, process, residents, rng, now)
    _street_assembly(town, process, residents, moderator, now)
    for idea, (lon, lat) in zip(ideas, IDEA_PLACES, strict=False):
        Idea.objects.filter(pk=idea.pk).update(longitude=lon, latitude=lat)
    return process


def _street_create(town, districts, planner, now):
    today = timezone.localdate(now)
    return process_create(
        actor=planner,
        municipality=town,
        title=STREET_TITLE,
        summary=(
            "Die Lindenstraße wird 2027 neu gebaut. Wo sollen Bäume, Bänke, Fahrradbügel und "
            "Parkplätze hin? Sagen Sie uns, was Ihnen wichtig ist."
        ),
        description=(
            "Die Fahrbahn und die Gehwege der Lindenstraße sind alt und müssen erneuert werden. "
            "Vorher fragen wir die Menschen im Nordviertel und besonders die Anwohnerinnen und "
            "Anwohner der Lindenstraße.\n\nIm Frühjahr stellen wir zwei Entwürfe vor."
        ),
        audience=Audience.DISTRICTS,
        moderation=Process.Moderation.POST,
        districts=[districts["NORD"]],
        phases=_phases(
            today,
            [
                (K.INFORMATION, -10, -4, False, False, False, False),
                (K.CONTRIBUTIONS, -3, 24, True, True, True, True, True),
                (K.RATING, 25, 38, False, True, True, True, True),
                (K.EVALUATION, 39, 70, False, False, False, False),
                (K.RESULT, 71, 400, False, False, False, False),
            ],
        ),
        published=True,
        now=now - timedelta(days=12),
    )


def _street_invitations(town, process, now):
    """Codes for the households (the demo's known codes) and for the shops."""
    group = InvitationGroup.objects.create(
        municipality=town,
        process=process,
        name="Haushalte Lindenstraße 1–99",
        kind=InvitationGroup.Kind.HOUSEHOLDS,
        created_at=now - timedelta(days=11),
    )
    InvitationCode.objects.bulk_create(
        InvitationCode(municipality=town, group=group, code_hash=hash_token(normalize_code(c)))
        for c in DEMO_CODES
    )
    business = InvitationGroup.objects.create(
        municipality=town,
        process=process,
        name="Geschäfte an der Lindenstraße",
        kind=InvitationGroup.Kind.BUSINESSES,
        created_at=now - timedelta(days=11),
    )
    InvitationCode.objects.bulk_create(
        InvitationCode(municipality=town, group=business, code_hash=hash_token(new_token()))
        for _ in range(8)
    )
    return group


def _street_poll_audience(town, process, group) -> None:
    """The polls ask the households of the street only (the rest of the process is open to the
    whole Nordviertel): a module with its own audience."""
    row = ModuleAudience.objects.create(
        municipality=town, process=process, module=Module.POLL, audience=Audience.INVITED
    )
    row.groups.set([group])


def street_link(town_slug: str, who: str) -> str:
    """The demo's known personal links of two residents (``radfahrer``: lives in the
    Nordviertel, not invited, so the polls refuse him; ``inge``: accepted version 1 of the
    privacy notice only, so she is asked to confirm version 2)."""
    return f"demo-teilnahme-{town_slug}-{who}"


def _street_known_links(process, residents) -> None:
    slug = process.municipality.slug
    cyclist, inge = residents[2], residents[4]
    cyclist.token_hash = hash_token(street_link(slug, "radfahrer"))
    cyclist.save(update_fields=["token_hash"])
    inge.token_hash = hash_token(street_link(slug, "inge"))
    inge.consents = {**CONSENTS_ACCEPTED, "privacy": 1}
    inge.save(update_fields=["token_hash", "consents"])


def _street_residents(process, districts, group, now):
    residents = [
        _participant(process, name, districts["NORD"], now=now - timedelta(days=3), group=g)
        for name, g in [
            ("Anwohnerin Lindenstraße 12", group),
            ("Familie K.", group),
            ("Radfahrer aus dem Nordviertel", None),
            ("Nachbar Nr. 40", group),
            ("Oma Inge", None),
        ]
    ]
    _street_known_links(process, residents)
    codes = iter(InvitationCode.objects.filter(group=group).order_by("pk"))
    for person in residents:
        if person.group_id:
            InvitationCode.objects.filter(pk=next(codes).pk).update(
                used_by=person, used_at=person.created_at
            )
    return residents


def _street_assembly(town, process, residents, moderator, now) -> None:
    """A residents' assembly in five days (on site and online) with questions collected
    beforehand: supported ones on top, one already answered, one hidden with a reason."""
    start = timezone.localtime(now).replace(hour=18, minute=0, second=0, microsecond=0)
    start += timedelta(days=5)
    assembly = Conference.objects.create(
        municipality=town,
        process=process,
        kind=Conference.Kind.CONFERENCE,
        title="Bürgerversammlung Lindenstraße",
        summary="Die Planung stellt den Stand vor und beantwortet Ihre Fragen – vor Ort und online.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Gemeindehaus Nordviertel, Lindenstraße 30",
        video=True,
        capacity=120,
        programme="18:00 Begrüßung\n18:10 Stand der Planung\n18:40 Ihre Fragen",
    )
    asked = [
        (residents[0], "Wie lange bleibt die Straße während der Bauzeit gesperrt?", 4),
        (residents[1], "Kann die Müllabfuhr während des Umbaus unsere Tonnen erreichen?", 2),
        (residents[2], "Wird der Radweg von der Fahrbahn getrennt?", 3),
        (residents[3], "Wann beginnt der Bau?", 1),
        (residents[4], "Günstige Handwerker gesucht – Anruf genügt!", 0),
    ]
    questions = []
    for person, body, supporters in asked:
        question = EventQuestion.objects.create(
            municipality=town,
            conference=assembly,
            participant=person,
            body=body,
            created_at=now - timedelta(hours=20),
        )
        for helper in [r for r in residents if r != person][:supporters]:
            EventQuestionSupport.objects.create(
                municipality=town, question=question, participant=helper
            )
        question.support_count = min(supporters, len(residents) - 1)
        question.save(update_fields=["support_count"])
        questions.append(question)
    question_services.question_mark_answered(actor=moderator, question=questions[3], now=now)
    question_services.question_moderate(
        actor=moderator,
        question=questions[4],
        publish=False,
        reason="Werbung gehört nicht in die Fragen zur Bürgerversammlung.",
        now=now,
    )


def _street_ideas(process, residents, now, rng):
    ideas_text = [
        (
            "Mehr Bäume statt Parkplätze",
            "Zwischen Nr. 10 und 30 könnten vier Straßenbäume stehen. Das kühlt im Sommer und sieht schöner aus.",
        ),
        (
            "Sichere Fahrradbügel vor dem Bäcker",
            "Vor dem Bäcker stehen Räder immer an der Hauswand. Zehn Fahrradbügel wären gut.",
        ),
        (
            "Tempo 20 vor der Kita",
            "Vor der Kita Regenbogen fahren Autos zu schnell. Bitte eine verkehrsberuhigte Zone.",
        ),
        ("Bänke zum Ausruhen", "Für ältere Menschen: alle 100 Meter eine Bank mit Lehne."),
        (
            "Barrierefreie Bordsteine",
            "An den Kreuzungen bitte abgesenkte Bordsteine für Rollstuhl und Kinderwagen.",
        ),
    ]
    ideas = []
    for i, (title, body) in enumerate(ideas_text):
        ideas.append(
            _idea(process, residents[i], title, body, now - timedelta(days=2, hours=20 - i * 3))
        )
    for idea in ideas:
        _support(idea, rng.sample(residents, rng.randint(1, len(residents))))
    return ideas


def _street_discussion(town, ideas, residents, planner, moderator, now) -> None:
    """Answers, a statement by the administration, a hidden insult and a flagged advert."""
    first = _comment(
        ideas[0],
        residents[1],
        "Ja! Aber bitte Bäume, die wenig Laub abwerfen.",
        now - timedelta(days=2),
    )
    _comment(
        ideas[0],
        residents[3],
        "Wir brauchen die Parkplätze für Lieferungen.",
        now - timedelta(days=1, hours=20),
        parent=first,
    )
    _comment(
        ideas[0],
        None,
        "Das Tiefbauamt prüft zwei Varianten: mit sechs und mit zehn neuen Bäumen. Lieferzonen bleiben in beiden Varianten erhalten.",
        now - timedelta(days=1, hours=2),
        staff=planner,
    )
    rude = _comment(
        ideas[2],
        residents[2],
        "Wer da zu schnell fährt, ist ein Idiot und gehört eingesperrt!",
        now - timedelta(days=1, hours=6),
    )
    moderation.post_hide(
        actor=moderator,
        post=rude,
        reason="Bitte bleiben Sie sachlich und beleidigen Sie niemanden. Ihr Anliegen (Tempo vor der Kita) können Sie gern ohne Beleidigung noch einmal schreiben.",
        now=now - timedelta(days=1),
    )
    rude.author_reply = "Sorry, war wütend. Ich schreibe es neu."
    rude.save(update_fields=["author_reply"])
    _comment(
        ideas[2],
        residents[2],
        "Vor der Kita fahren viele Autos schneller als 30. Ein Blitzer oder Schwellen würden helfen.",
        now - timedelta(hours=20),
    )
    flagged = _comment(
        ideas[1],
        residents[4],
        "Ich verkaufe gebrauchte Fahrräder, meldet euch unter 0170 1234567!",
        now - timedelta(hours=5),
    )
    Flag.objects.create(
        municipality=town, comment=flagged, reason="Werbung", created_at=now - timedelta(hours=4)
    )
    Comment.objects.filter(pk=flagged.pk).update(flag_count=1)


def _forum_process(town, districts, planner, experts, now, rng):
    process = _forum_create(town, planner, now)
    citizens, voices = _forum_people(process, districts, experts, now)
    ideas = _forum_ideas(process, citizens, voices, now, rng)
    _forum_discussion(ideas, citizens, voices, planner, now)
    _forum_poll(town, process, citizens + voices, rng)
    _forum_more_polls(town, process, citizens + voices, rng, now)
    _forum_conferences(town, process, now)
    return process


def _forum_create(town, planner, now):
    today = timezone.localdate(now)
    return process_create(
        actor=planner,
        municipality=town,
        title=FORUM_TITLE,
        kind=Process.Kind.FORUM,
        summary=(
            "Wie bleibt die Innenstadt lebendig? Handel, Handwerk, Gastronomie, Vereine und "
            "alle, die sich auskennen, haben diskutiert. Jetzt werten wir die Beiträge aus."
        ),
        audience=Audience.EVERYONE,
        moderation=Process.Moderation.PRE,
        phases=_phases(
            today,
            [
                (K.INFORMATION, -60, -50, False, False, False, False),
                (K.DISCUSSION, -49, -15, True, True, True, False),
                (K.RATING, -14, -6, False, False, False, True),
                (K.EVALUATION, -5, 25, False, False, False, False),
                (K.RESULT, 26, 300, False, False, False, False),
            ],
        ),
        published=True,
        now=now - timedelta(days=62),
    )


def _forum_people(process, districts, experts, now):
    """Three citizens and three of the local experts."""
    citizens = [
        _participant(process, n, districts[d], now=now - timedelta(days=45))
        for n, d in [
            ("Kundin aus der Weststadt", "WEST"),
            ("Marktbeschicker", "ALT"),
            ("Student Leon", "OST"),
        ]
    ]
    voices = [
        _participant(process, e.name, e.district, expert=e, now=now - timedelta(days=44))
        for e in experts[:3]
    ]
    return citizens, voices


def _forum_ideas(process, citizens, voices, now, rng):
    ideas = [
        _idea(
            process,
            citizens[0],
            "Leerstände als Pop-up-Läden",
            "Leere Geschäfte könnten Start-ups und Kunsthandwerk für drei Monate günstig nutzen.",
            now - timedelta(days=40),
        ),
        _idea(
            process,
            voices[0],
            "Gemeinsamer Lieferdienst der Altstadt-Händler",
            "Ein gemeinsamer Lastenrad-Lieferdienst für alle Geschäfte der Altstadt.",
            now - timedelta(days=38),
        ),
        _idea(
            process,
            citizens[1],
            "Wochenmarkt auch am Samstagnachmittag",
            "Viele Berufstätige schaffen den Markt am Vormittag nicht.",
            now - timedelta(days=30),
        ),
        _idea(
            process,
            citizens[2],
            "Kostenloses WLAN in der Fußgängerzone",
            "Offenes WLAN lädt zum Verweilen ein.",
            now - timedelta(days=25),
        ),
    ]
    for idea in ideas:
        _support(idea, rng.sample(citizens + voices, rng.randint(1, 5)))
    return ideas


def _forum_discussion(ideas, citizens, voices, planner, now) -> None:
    _comment(
        ideas[0],
        voices[0],
        "Die Werbegemeinschaft unterstützt das. Wir können Eigentümer ansprechen; nötig ist ein Ansprechpartner bei der Wirtschaftsförderung.",
        now - timedelta(days=39),
    )
    _comment(
        ideas[0],
        voices[1],
        "Aus Sicht des Einzelhandels: Pop-up-Läden bringen Laufkundschaft – wenn die Öffnungszeiten zu den anderen Geschäften passen.",
        now - timedelta(days=37),
    )
    _comment(
        ideas[1],
        voices[2],
        "Lastenräder sind gut fürs Klima. Wir würden Stellplätze mit Begrünung vorschlagen.",
        now - timedelta(days=36),
    )
    _comment(
        ideas[2],
        citizens[0],
        "Gute Idee, dann kann ich nach der Arbeit einkaufen.",
        now - timedelta(days=29),
    )
    _comment(
        ideas[3],
        citizens[1],
        "Wer bezahlt das?",
        now - timedelta(days=22),
        visibility=Visibility.PENDING,
    )
    accountability.idea_set_status(
        actor=planner, idea=ideas[0], status=Idea.Status.UNDER_REVIEW, now=now - timedelta(days=3)
    )
    accountability.idea_set_status(
        actor=planner, idea=ideas[1], status=Idea.Status.UNDER_REVIEW, now=now - timedelta(days=3)
    )


def _forum_poll(town, process, people, rng) -> None:
    poll = Poll.objects.create(
        municipality=town,
        process=process,
        question="Was ist Ihnen in der Innenstadt am wichtigsten?",
        kind=Poll.Kind.MULTIPLE,
    )
    options = [
        PollOption.objects.create(municipality=town, poll=poll, label=label, position=i)
        for i, label in enumerate(
            [
                "Vielfalt der Geschäfte",
                "Gastronomie",
                "Parkplätze",
                "Aufenthaltsqualität (Grün, Bänke)",
            ]
        )
    ]
    for person in people:
        for option in rng.sample(options, rng.randint(1, 3)):
            PollVote.objects.create(municipality=town, poll=poll, option=option, participant=person)


def _poll(town, process, question, kind, labels=(), position=0):
    poll = Poll.objects.create(
        municipality=town, process=process, question=question, kind=kind, position=position
    )
    options = [
        PollOption.objects.create(municipality=town, poll=poll, label=label, position=i)
        for i, label in enumerate(labels)
    ]
    return poll, options


def _rankings(town, poll, options, people, rng) -> None:
    """Each person ranks two to all options; some lean towards the first option."""
    for person in people:
        order = rng.sample(options, len(options))
        for rank, option in enumerate(order[: rng.randint(2, len(options))], start=1):
            PollVote.objects.create(
                municipality=town, poll=poll, option=option, participant=person, rank=rank
            )


def _free_text(town, poll, answers, now) -> None:
    """(person, text, visibility, moderation reason)"""
    for person, body, visibility, reason in answers:
        PollAnswer.objects.create(
            municipality=town,
            poll=poll,
            participant=person,
            body=body,
            visibility=visibility,
            moderation_reason=reason,
            moderated_at=None if visibility == Visibility.PENDING else now,
            created_at=now - timedelta(days=2),
        )


def _forum_more_polls(town, process, people, rng, now) -> None:
    """A ranking (summed up by the Borda count) and a free-text question with moderated answers."""
    poll, options = _poll(
        town,
        process,
        "Welche Maßnahme für die Innenstadt soll zuerst kommen?",
        Poll.Kind.RANKING,
        ["Leerstandsmanagement", "Mehr Grün und Bänke", "Wochenmarkt am Abend", "Radparken"],
        position=1,
    )
    _rankings(town, poll, options, people, rng)
    poll, _options = _poll(
        town, process, "Was fehlt Ihnen in der Innenstadt?", Poll.Kind.TEXT, position=2
    )
    _free_text(
        town,
        poll,
        [
            (people[0], "Eine öffentliche Toilette am Marktplatz.", Visibility.PUBLISHED, ""),
            (people[1], "Schatten im Sommer – ein paar große Bäume.", Visibility.PUBLISHED, ""),
            (people[2], "Ein Café, das auch sonntags offen hat.", Visibility.PUBLISHED, ""),
            (people[3], "Geschäfte für Kinderkleidung.", Visibility.PENDING, ""),
            (
                people[4],
                "Herr M. aus der Kirchgasse sollte seinen Laden endlich schließen.",
                Visibility.HIDDEN,
                "Enthält Angaben über eine einzelne Person.",
            ),
        ],
        now,
    )


def _street_polls(town, process, residents, rng, now) -> None:
    """Open today: the invited households rank what matters to them and may say what is
    missing."""
    poll, options = _poll(
        town,
        process,
        "Was ist Ihnen in der neuen Lindenstraße am wichtigsten? Bitte ordnen Sie.",
        Poll.Kind.RANKING,
        ["Bäume", "Sichere Gehwege", "Fahrradbügel", "Parkplätze"],
    )
    households = [r for r in residents if r.group_id]  # the polls' audience
    _rankings(town, poll, options, households[:3], rng)
    poll, _options = _poll(
        town, process, "Was sollen wir bei der Planung noch wissen?", Poll.Kind.TEXT, position=1
    )
    _free_text(
        town,
        poll,
        [
            (residents[0], "Bei Starkregen steht vor Nr. 12 das Wasser.", Visibility.PUBLISHED, ""),
            (residents[1], "Die Müllabfuhr braucht Platz zum Wenden.", Visibility.PENDING, ""),
        ],
        now,
    )


def _forum_conferences(town, process, now) -> None:
    """A past kick-off conference with its documentation, and a forum in 12 days that is
    fully booked with two people on the waiting list."""
    start = timezone.localtime(now).replace(hour=18, minute=0, second=0, microsecond=0)
    Conference.objects.create(
        municipality=town,
        process=process,
        kind=Conference.Kind.CONFERENCE,
        title="Auftaktkonferenz Innenstadt",
        summary="Handel, Gastronomie, Vereine und Verwaltung sammeln die Themen des Forums.",
        starts_at=start - timedelta(days=55),
        ends_at=start - timedelta(days=55) + timedelta(hours=3),
        place="Ratssaal, Markt 1",
        capacity=60,
        programme="18:00 Begrüßung durch die Bürgermeisterin\n18:20 Zahlen zur Innenstadt\n"
        "19:00 Thementische",
        documentation="42 Teilnehmende. Die fünf Themen des Forums: Leerstand, Erreichbarkeit, "
        "Gastronomie, Parkplätze und Aufenthaltsqualität.",
    )
    forum = Conference.objects.create(
        municipality=town,
        process=process,
        kind=Conference.Kind.FORUM,
        title="Zukunftswerkstatt Innenstadt",
        summary="Ein Abend für alle, die sich auskennen: Handel, Naturschutz, Kultur und Sport "
        "suchen gemeinsam Lösungen für den Leerstand.",
        starts_at=start + timedelta(days=12),
        ends_at=start + timedelta(days=12, hours=3),
        place="Stadtbibliothek, Lesesaal",
        video=True,
        capacity=8,
        programme="18:00 Ankommen\n18:15 Impulse: Werbegemeinschaft, NABU, Kulturverein\n"
        "18:45 Tischgespräche in gemischten Gruppen\n20:30 Ergebnisse und nächste Schritte",
        speakers="Murat Aydın, Inhaber Fahrradladen, Einzelhandelsverband\n"
        "Dr. Ines Kuhlmann, Stadtökologin, NABU",
    )
    names = [
        ("Werbegemeinschaft Altstadt", "Sabine Koch"),
        ("Kulturverein Musterstadt", "Jonas Weber"),
        ("", "Helga Brandt"),
        ("TuS Musterstadt 1910", "Ali Demir"),
        ("Einzelhandelsverband", "Murat Aydın"),
        ("", "Petra Lange"),
        ("NABU Ortsgruppe", "Dr. Ines Kuhlmann"),
        ("Café am Markt", "Marco Rossi"),
        ("", "Lena Vogt"),
        ("Initiative Leerstand", "Tim Becker"),
    ]
    for i, (organisation, name) in enumerate(names):
        when = now - timedelta(days=10 - i)
        Registration.objects.create(
            municipality=town,
            conference=forum,
            name=name,
            email=f"anmeldung{i + 1}@example.org",
            organisation=organisation,
            token_hash=hash_token(f"demo-anmeldung-{town.slug}-{i + 1}"),  # try the link
            status=Registration.Status.CONFIRMED if i < 8 else Registration.Status.WAITING,
            created_at=when,
            changed_at=when,
        )


def _playground_process(town, districts, planner, now, rng):
    today = timezone.localdate(now)
    process = process_create(
        actor=planner,
        municipality=town,
        title=PLAYGROUND_TITLE,
        summary="Der Spielplatz am Südpark wurde neu gestaltet. Hier sehen Sie, was aus Ihren Ideen geworden ist.",
        audience=Audience.DISTRICTS,
        districts=[districts["SUED"]],
        phases=_phases(
            today,
            [
                (K.INFORMATION, -200, -190, False, False, False, False),
                (K.CONTRIBUTIONS, -189, -150, True, True, True, False),
                (K.EVALUATION, -149, -100, False, False, False, False),
                (K.RESULT, -99, 300, False, False, False, False),
            ],
        ),
        published=True,
        now=now - timedelta(days=201),
    )
    people = [
        _participant(process, n, districts["SUED"], now=now - timedelta(days=185))
        for n in ("Mama von Ben", "Kita Sonnenschein", "Jugendlicher Tarek", "Herr Wolf")
    ]
    decided = [
        (
            "Schatten über dem Sandkasten",
            "Im Sommer ist es zu heiß. Ein Sonnensegel oder Bäume wären gut.",
            Idea.Status.ADOPTED,
            "Wir haben drei Bäume gepflanzt und ein Sonnensegel aufgestellt.",
            "Projekt 66-2025-04 Spielplatz Südpark, Bauabschnitt 1",
        ),
        (
            "Basketballkorb für Jugendliche",
            "Für Ältere gibt es nichts. Ein Korb auf der Wiese wäre toll.",
            Idea.Status.ADOPTED,
            "Ein Streetball-Feld mit zwei Körben ist gebaut.",
            "Projekt 66-2025-04 Spielplatz Südpark, Bauabschnitt 2",
        ),
        (
            "Zaun um den ganzen Park",
            "Hunde laufen über den Spielplatz.",
            Idea.Status.REJECTED,
            "Ein Zaun um den ganzen Park würde Wege sperren. Stattdessen hat der Spielplatz selbst einen Zaun mit zwei Toren bekommen.",
            "",
        ),
        (
            "Wasserspielplatz",
            "Eine Matschanlage mit Pumpe.",
            Idea.Status.REJECTED,
            "Für eine Wasseranlage fehlt am Südpark ein Wasseranschluss; die Kosten (ca. 80.000 €) passen nicht in das Budget. Wir prüfen den Vorschlag beim Umbau des Stadtparks erneut.",
            "",
        ),
    ]
    for i, (title, body, status, reason, project) in enumerate(decided):
        idea = _idea(process, people[i], title, body, now - timedelta(days=180 - i))
        _support(idea, rng.sample(people, rng.randint(1, 4)))
        accountability.idea_set_status(
            actor=planner,
            idea=idea,
            status=status,
            reason=reason,
            project=project,
            now=now - timedelta(days=110),
        )
    return process


VISION = [
    (
        None,
        "Gemeinsam für Musterstadt",
        [
            "Musterstadt ist eine Stadt, in der alle Generationen gut leben, lernen und arbeiten.",
            "Wir stärken die Innenstadt als Ort der Begegnung, des Handels und der Kultur.",
            "Bis 2035 wird Musterstadt klimaneutral.",
        ],
    ),
    (
        "ALT",
        "Altstadt",
        [
            "Die Altstadt bleibt lebendig: Wohnen, Handel und Gastronomie stehen nebeneinander.",
            "Das historische Stadtbild wird bewahrt und barrierefrei zugänglich gemacht.",
        ],
    ),
    (
        "SUED",
        "Südfeld",
        [
            "Das Südfeld ist das grüne Familienviertel mit Park, Schulen und kurzen Wegen.",
            "Neue Wohnungen entstehen nur, wenn Kita- und Schulplätze mitwachsen.",
        ],
    ),
]


def _vision_process(town, districts, planner, now):
    today = timezone.localdate(now)
    process = process_create(
        actor=planner,
        municipality=town,
        title=VISION_TITLE,
        kind=Process.Kind.VISION,
        summary="Wie soll Musterstadt 2035 aussehen? Der Entwurf des Leitbilds hat einen gemeinsamen Teil und ein Kapitel für jeden Stadtteil. Diskutieren Sie mit.",
        audience=Audience.EVERYONE,
        moderation=Process.Moderation.POST,
        phases=_phases(
            today,
            [
                (K.INFORMATION, -20, -8, False, False, False, False),
                (K.DISCUSSION, -7, 30, True, True, True, False),
                (K.EVALUATION, 31, 60, False, False, False, False),
                (K.RESULT, 61, 400, False, False, False, False),
            ],
        ),
        published=True,
        now=now - timedelta(days=21),
    )
    people = [
        _participant(process, name, districts[code], now=now - timedelta(days=6))
        for name, code in (
            ("Pendlerin aus der Oststadt", "OST"),
            ("Ortsvorsteher a. D.", "WEST"),
            ("Schülerin Mia", "SUED"),
        )
    ]
    for position, (code, title, paragraphs) in enumerate(VISION):
        chapter = VisionChapter.objects.create(
            municipality=town,
            process=process,
            district=districts[code] if code else None,
            title=title,
            position=position,
        )
        for p, text in enumerate(paragraphs):
            first = VisionParagraph.objects.create(
                municipality=town,
                chapter=chapter,
                position=p,
                text=text,
                created_at=now - timedelta(days=20),
            )
            if code is None and p == 2:
                # a second version, changed after a citizen's proposal (the trace)
                note = ParagraphComment.objects.create(
                    municipality=town,
                    paragraph=first,
                    participant=people[0],
                    body="Klimaneutral ja – aber Mobilität muss bezahlbar bleiben.",
                    proposal="Bis 2035 wird Musterstadt klimaneutral – mit Bus, Rad und Fußwegen, die für alle bezahlbar sind.",
                    created_at=now - timedelta(days=5),
                )
                revised = vision.paragraph_revise(
                    actor=planner,
                    paragraph=first,
                    text="Bis 2035 wird Musterstadt klimaneutral – mit Bus, Rad und Fußwegen, die für alle bezahlbar und sicher sind.",
                    sources=[note],
                    now=now - timedelta(days=2),
                )
                ParagraphComment.objects.create(
                    municipality=town,
                    paragraph=revised,
                    participant=people[1],
                    body="Bitte auch die Dörfer am Stadtrand mitdenken: ohne Auto geht dort wenig.",
                    created_at=now - timedelta(days=1),
                )
            elif code == "SUED" and p == 1:
                ParagraphComment.objects.create(
                    municipality=town,
                    paragraph=first,
                    participant=people[2],
                    body="Das Südfeld braucht auch einen Treffpunkt für Jugendliche.",
                    proposal="Neue Wohnungen entstehen nur, wenn Kita-, Schul- und Jugendangebote mitwachsen.",
                    created_at=now - timedelta(hours=6),
                )
    return process


@transaction.atomic
def load(town: Municipality, now: datetime | None = None) -> None:
    now = now_or(now)
    rng = random.Random(2035)
    planner = _user("beteiligung", DEMO_LOGINS[0][1], town)
    moderator = _user("moderation", DEMO_LOGINS[1][1], town)
    districts = _directory(town)
    experts = _experts(town, districts, now)
    _consent_texts(town, now)
    existing = set(Process.objects.filter(municipality=town).values_list("title", flat=True))
    if STREET_TITLE not in existing:
        _street_process(town, districts, planner, moderator, now, rng)
    if FORUM_TITLE not in existing:
        _forum_process(town, districts, planner, experts, now, rng)
    if PLAYGROUND_TITLE not in existing:
        _playground_process(town, districts, planner, now, rng)
    if VISION_TITLE not in existing:
        _vision_process(town, districts, planner, now)
