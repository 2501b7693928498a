"""Guiding vision: comments with proposals; a new version records the contributions it took up."""

import pytest

from rathaus.core.problems import DomainError
from rathaus.participation.models import VisionChapter, VisionParagraph
from rathaus.participation.selectors.vision import history, open_comments
from rathaus.participation.services import vision

pytestmark = pytest.mark.django_db


@pytest.fixture
def paragraph(process):
    chapter = VisionChapter.objects.create(
        municipality=process.municipality, process=process, title="Gemeinsam"
    )
    return VisionParagraph.objects.create(
        municipality=process.municipality,
        chapter=chapter,
        text="Musterstadt wird klimaneutral.",
        created_at=process.created_at,
    )


def test_a_revision_traces_back_to_the_proposal_it_took_up(paragraph, resident, planner):
    note = vision.paragraph_comment_create(
        paragraph=paragraph,
        participant=resident,
        body="Bezahlbar muss es sein.",
        proposal="Musterstadt wird klimaneutral und bezahlbar.",
    )
    assert open_comments(paragraph) == [note]
    revised = vision.paragraph_revise(
        actor=planner, paragraph=paragraph, text=note.proposal, sources=[note]
    )
    paragraph.refresh_from_db()
    assert not paragraph.current and revised.current and revised.version == 2
    versions = history(revised)
    assert [v.paragraph.version for v in versions] == [2, 1]
    assert versions[0].sources == [note]
    with pytest.raises(DomainError) as exc:
        vision.paragraph_comment_create(paragraph=paragraph, participant=resident, body="zu spät")
    assert exc.value.code == "paragraph_outdated"
    with pytest.raises(DomainError):
        vision.paragraph_revise(actor=planner, paragraph=paragraph, text="doppelt")


def test_comments_need_a_participant_of_the_process(paragraph):
    with pytest.raises(DomainError) as exc:
        vision.paragraph_comment_create(paragraph=paragraph, participant=None, body="x")
    assert exc.value.code == "not_participant"
