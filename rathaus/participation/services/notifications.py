"""E-mails to authors ("you said, we did" and moderation feedback), for participants who left
an address when joining: a moderator hid their post (with the reason), approved or restored
it, the administration made an official statement on their idea, or the idea's status
changed. Queued after the commit; the e-mail is built from the row as it is then."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit
from rathaus.participation.models import Comment, Idea, ParagraphComment, Participant
from rathaus.participation.tasks import send_author_notice
from rathaus.participation.text import optional_email

KINDS = ("hidden", "published", "statement", "status")


def notify_author(post: Idea | Comment | ParagraphComment, kind: str) -> bool:
    """Queue ``kind`` for the author of ``post`` if they gave an address; True if queued."""
    participant = post.participant
    if participant is None or not participant.email:
        return False
    label, pk = post._meta.model_name, post.pk
    transaction.on_commit(lambda: send_author_notice.delay(kind, label, pk))
    return True


@transaction.atomic
def participant_set_email(*, participant: Participant, email: str) -> Participant:
    """Turn the e-mails about one's own posts on (an address) or off (empty: deleted)."""
    participant.email = optional_email(email)
    participant.save(update_fields=["email"])
    audit.record(
        actor=None,
        instance=participant,
        action="update",
        summary=_("Benachrichtigungen an") if participant.email else _("Benachrichtigungen aus"),
    )
    return participant
