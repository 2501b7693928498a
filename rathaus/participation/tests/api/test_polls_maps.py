"""API for polls (results, ballots with the personal token) and the district map (GeoJSON)."""

import pytest

from rathaus.participation.models import Idea, Poll, PollAnswer
from rathaus.participation.services import participants
from rathaus.participation.tests.api.test_citizen import API, problem
from rathaus.participation.tests.services.test_polls import make_poll

pytestmark = pytest.mark.django_db

NORD = [[9.47, 52.305], [9.53, 52.305], [9.53, 52.325], [9.47, 52.325], [9.47, 52.305]]


@pytest.fixture
def token(process):
    _participant, raw = participants.participant_join(
        process=process, pseudonym="Anwohner", consent=True, street="Lindenstraße", house_number="3"
    )
    return raw


def ballot(client, process, poll, token, **body):
    return client.post(
        f"{API}/processes/{process.pk}/polls/{poll.pk}/ballot",
        body,
        content_type="application/json",
        HTTP_X_PARTICIPATION_TOKEN=token,
    )


def test_a_vote_a_ranking_and_a_free_text_answer_through_the_api(client, process, token):
    single = make_poll(process)
    ranking = make_poll(process, Poll.Kind.RANKING, ("Bäume", "Bänke", "Licht"))
    text = make_poll(process, Poll.Kind.TEXT, ())
    first = single.options.first()
    voted = ballot(client, process, single, token, option_ids=[first.pk])
    assert voted.status_code == 200, voted.content
    votes = {o["label"]: (o["votes"], o["percent"]) for o in voted.json()["options"]}
    assert votes == {"Bäume": (1, 100), "Bänke": (0, 0)}
    places = {o.pk: place for o, place in zip(ranking.options.all(), (2, 1, 0), strict=True)}
    ranked = ballot(client, process, ranking, token, ranks=places).json()
    points = {o["label"]: o["points"] for o in ranked["options"]}
    assert points == {"Bäume": 2, "Bänke": 3, "Licht": 0}  # Borda: 3 options, a 1st place → 3
    answered = ballot(client, process, text, token, text="<script>Mehr Licht</script>").json()
    assert answered["answers"] == [] and answered["pending_answers"] == 1  # moderated first
    assert PollAnswer.objects.get().body == "<script>Mehr Licht</script>"  # stored as text
    listed = client.get(f"{API}/processes/{process.pk}/polls").json()
    assert [p["kind"] for p in listed] == ["single", "ranking", "text"]


def test_bad_ballots_are_problems_and_change_nothing(client, process, token):
    ranking = make_poll(process, Poll.Kind.RANKING, ("Bäume", "Bänke"))
    a, b = ranking.options.all()
    problem(ballot(client, process, ranking, token, ranks={a.pk: 1, b.pk: 1}), 400, "rank_twice")
    problem(ballot(client, process, ranking, "falsch", ranks={a.pk: 1}), 403, "not_participant")
    problem(ballot(client, process, ranking, token, ranks={999999: 1}), 400, "option_invalid")
    other = make_poll(process)
    too_long = ballot(client, process, other, token, option_ids=list(range(60)))
    assert too_long.status_code == 422
    problem(
        client.post(
            f"{API}/processes/{process.pk}/polls/999999/ballot",
            {},
            content_type="application/json",
            HTTP_X_PARTICIPATION_TOKEN=token,
        ),
        404,
        "not_found",
    )
    assert not ranking.votes.exists()


def test_district_outlines_and_idea_places_as_geojson(client, town, process, districts, token):
    nord = districts["NORD"]
    nord.geometry = {"type": "Polygon", "coordinates": [NORD]}
    nord.save()
    placed = client.post(
        f"{API}/processes/{process.pk}/ideas",
        {"title": "Bank", "body": "Hier eine Bank.", "longitude": 9.5, "latitude": 52.31},
        content_type="application/json",
        HTTP_X_PARTICIPATION_TOKEN=token,
    )
    assert placed.status_code == 201, placed.content
    assert placed.json()["district"] == "Nordviertel"
    outlines = client.get(f"{API}/municipalities/{town.slug}/districts").json()
    by_code = {f["properties"]["code"]: f for f in outlines["features"]}
    assert by_code["NORD"]["geometry"]["type"] == "Polygon"
    assert by_code["NORD"]["properties"]["processes"] == [process.pk]
    assert by_code["SUED"]["geometry"] is None
    places = client.get(f"{API}/processes/{process.pk}/places").json()["features"]
    assert [f["geometry"]["coordinates"] for f in places] == [[9.5, 52.31]]
    problem(client.get(f"{API}/municipalities/nirgendwo/districts"), 404, "not_found")


def test_a_place_outside_every_district_or_half_a_place_is_refused(client, process, token):
    def post(**place):
        return client.post(
            f"{API}/processes/{process.pk}/ideas",
            {"title": "Bank", "body": "Hier.", **place},
            content_type="application/json",
            HTTP_X_PARTICIPATION_TOKEN=token,
        )

    problem(post(longitude=9.5), 400, "place_invalid")
    assert post(longitude=9.5, latitude=52.31).status_code == 400  # no outline holds it
    assert post(longitude=500, latitude=52.31).status_code == 422
    assert not Idea.objects.exists()
