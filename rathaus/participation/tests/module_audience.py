"""A process open to everyone whose modules carry their own audiences, and one person of each
kind: a resident of the district concerned, one of another district, one without an address,
and holders of codes of two invited groups."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from rathaus.participation.models import (
    Audience,
    Conference,
    InvitationGroup,
    Module,
    ModuleAudience,
    Participant,
    Poll,
    PollOption,
    Process,
    VisionChapter,
    VisionParagraph,
)
from rathaus.participation.services import participants
from rathaus.participation.tests.conftest import make_process


@dataclass
class Setting:
    process: Process
    nord: Participant  # lives in the district concerned (Nordviertel)
    sued: Participant  # lives in Südfeld
    anonymous: Participant  # gave no address
    guest_a: Participant  # code of the invited group "Anlieger"
    guest_b: Participant  # code of the invited group "Gewerbe"
    group_a: InvitationGroup
    group_b: InvitationGroup


def join(process, name, *, street="", code=""):
    person, _token = participants.participant_join(
        process=process,
        pseudonym=name,
        consent=True,
        street=street,
        house_number="5" if street else "",
        code=code,
    )
    return person


def setting(town, districts, planner) -> Setting:
    process = make_process(town, districts, planner, audience=Audience.EVERYONE)
    issued_a = participants.invitation_group_create(
        actor=planner, process=process, name="Anlieger", kind="households", count=1
    )
    issued_b = participants.invitation_group_create(
        actor=planner, process=process, name="Gewerbe", kind="businesses", count=1
    )
    return Setting(
        process=process,
        nord=join(process, "Nora", street="Lindenstraße"),
        sued=join(process, "Sven", street="Südparkweg"),
        anonymous=join(process, "Ohne Adresse"),
        guest_a=join(process, "Anlieger", code=issued_a.codes[0]),
        guest_b=join(process, "Händler", code=issued_b.codes[0]),
        group_a=issued_a.group,
        group_b=issued_b.group,
    )


def narrow(process, module, audience, *, districts=(), groups=()) -> ModuleAudience:
    row = ModuleAudience.objects.create(
        municipality=process.municipality, process=process, module=module, audience=audience
    )
    row.districts.set(districts)
    row.groups.set(groups)
    return row


def poll_of(process) -> Poll:
    poll = Poll.objects.create(
        municipality=process.municipality, process=process, question="Bäume oder Bänke?"
    )
    for i, label in enumerate(("Bäume", "Bänke")):
        PollOption.objects.create(
            municipality=process.municipality, poll=poll, label=label, position=i
        )
    return poll


def paragraph_of(process) -> VisionParagraph:
    chapter = VisionChapter.objects.create(
        municipality=process.municipality, process=process, title="Gemeinsam"
    )
    return VisionParagraph.objects.create(
        municipality=process.municipality,
        chapter=chapter,
        text="Die Stadt wird grün.",
        created_at=process.created_at,
    )


def forum_of(process) -> Conference:
    start = timezone.now() + timedelta(days=3)
    return Conference.objects.create(
        municipality=process.municipality,
        process=process,
        title="Bürgerversammlung",
        summary="Fragen an die Planung.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=50,
    )


__all__ = ["Module", "Setting", "forum_of", "narrow", "paragraph_of", "poll_of", "setting"]
