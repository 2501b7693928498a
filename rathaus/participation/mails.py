"""E-mails of participation: conference registrations, notes to authors, the weekly digest.

Every text is built from escaped-free plain text (e-mails are text/plain, so HTML a citizen
typed arrives as harmless characters) and translated; links point to SITE_URL.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.participation import conf
from rathaus.participation.models import Registration


def link(name: str, *args) -> str:
    return conf.site_url() + reverse(f"participation:{name}", args=args)


def send(to: str, subject: str, body: str) -> None:
    # Subjects are single lines: a title with a line break must not add mail headers.
    subject = " ".join(subject.split())
    EmailMessage(subject, body, None, [to]).send()


def _when(registration: Registration) -> str:
    start = timezone.localtime(registration.conference.starts_at)
    return start.strftime("%d.%m.%Y, %H:%M")


def registration_mail(*, registration_id: int, kind: str, token: str = "") -> bool:
    """kind: ``confirmed``, ``waiting`` (right after registering) or ``moved_up``."""
    registration = (
        Registration.objects.select_related("conference").filter(pk=registration_id).first()
    )
    if registration is None or registration.status == Registration.Status.CANCELLED:
        return False
    conference = registration.conference
    texts = {
        "confirmed": _("Ihr Platz bei „%(title)s“ am %(when)s ist bestätigt."),
        "waiting": _(
            "Alle Plätze bei „%(title)s“ am %(when)s sind vergeben. Sie stehen auf der "
            "Warteliste. Wird ein Platz frei, rücken Sie automatisch nach und bekommen eine E-Mail."
        ),
        "moved_up": _(
            "Gute Nachricht: Ein Platz bei „%(title)s“ am %(when)s ist frei geworden. Sie sind "
            "von der Warteliste nachgerückt, Ihr Platz ist bestätigt."
        ),
    }
    lines = [
        _("Guten Tag %(name)s,") % {"name": registration.name},
        "",
        texts[kind] % {"title": conference.title, "when": _when(registration)},
    ]
    if conference.place:
        lines.append(_("Ort: %(place)s") % {"place": conference.place})
    if token:
        lines += [
            "",
            _("Ihr persönlicher Link (Stand ansehen, absagen):"),
            link("registration", token),
        ]
    else:
        lines += ["", _("Absagen können Sie über den persönlichen Link aus Ihrer ersten E-Mail.")]
    lines += ["", _("Bitte sagen Sie ab, wenn Sie nicht kommen können – dann rückt jemand nach.")]
    subjects = {
        "confirmed": _("Anmeldung bestätigt: %(title)s"),
        "waiting": _("Warteliste: %(title)s"),
        "moved_up": _("Nachgerückt – Ihr Platz: %(title)s"),
    }
    send(registration.email, subjects[kind] % {"title": conference.title}, "\n".join(lines))
    return True
