"""E-mails of participation: conference registrations, notes to authors, the weekly digest.

Every text is built from escaped-free plain text (e-mails are text/plain, so HTML a citizen
typed arrives as harmless characters) and translated; links point to SITE_URL.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.core import links
from rathaus.participation.models import (
    Comment,
    DistrictFollower,
    Idea,
    ParagraphComment,
    Registration,
    Visibility,
)
from rathaus.participation.selectors.digest import (
    DistrictNews,
    follower_link_value,
)


def link(name: str, *args) -> str:
    return links.site_url() + reverse(f"participation:{name}", args=args)


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


def follow_confirmation(*, follower_id: int) -> bool:
    follower = (
        DistrictFollower.objects.select_related("district__municipality")
        .filter(pk=follower_id)
        .first()
    )
    if follower is None:
        return False
    district = follower.district
    lines = [
        _("Guten Tag,"),
        "",
        _(
            "Sie möchten einmal pro Woche erfahren, was es in %(district)s (%(town)s) Neues bei "
            "der Bürgerbeteiligung gibt. Bitte bestätigen Sie das mit diesem Link (7 Tage gültig):"
        )
        % {"district": district.name, "town": district.municipality.name},
        link("follow_manage", follower_link_value(follower)),
        "",
        _("Wenn Sie das nicht wollten, ignorieren Sie diese E-Mail. Sie bekommen dann nichts."),
    ]
    send(
        follower.email,
        _("Bitte bestätigen: Neuigkeiten aus %(district)s") % {"district": district.name},
        "\n".join(lines),
    )
    return True


def _news_lines(news: DistrictNews) -> list[str]:
    lines: list[str] = []
    if news.processes:
        lines += ["", _("Neue Beteiligungsverfahren:")]
        lines += [f"- {p.title}: {link('process', p.pk)}" for p in news.processes]
    if news.idea_count:
        lines += ["", _("%(n)d neue Ideen, zum Beispiel:") % {"n": news.idea_count}]
        lines += [f"- {i.title} ({i.process.title}): {link('idea', i.pk)}" for i in news.ideas]
    if news.decided:
        lines += ["", _("Sie sagten, wir taten – entschieden wurde über:")]
        lines += [
            f"- {i.title}: {i.get_status_display()} – {link('accountability', i.process_id)}"
            for i in news.decided
        ]
    if news.conferences:
        lines += ["", _("Veranstaltungen in den nächsten zwei Wochen:")]
        lines += [
            f"- {c.title}, {timezone.localtime(c.starts_at).strftime('%d.%m.%Y %H:%M')}: "
            f"{link('conference', c.pk)}"
            for c in news.conferences
        ]
    return lines


def send_digests(followers: list[DistrictFollower], news: DistrictNews) -> int:
    """One e-mail per follower over one SMTP connection; each with its own unsubscribe link."""
    district = news.district
    subject = _("Neues aus %(district)s: Bürgerbeteiligung diese Woche") % {
        "district": district.name
    }
    body = _news_lines(news)
    messages = []
    for follower in followers:
        manage = link("follow_manage", follower_link_value(follower))
        text = [_("Guten Tag,"), *body, "", _("Abbestellen oder ändern: %(url)s") % {"url": manage}]
        messages.append(
            EmailMessage(
                subject,
                "\n".join(text),
                None,
                [follower.email],
                headers={"List-Unsubscribe": f"<{manage}>"},
            )
        )
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


_POSTS = {"idea": Idea, "comment": Comment, "paragraphcomment": ParagraphComment}


def _post(model: str, pk: int):
    cls = _POSTS.get(model)
    if cls is None:
        return None
    related = {
        "idea": ["participant", "process"],
        "comment": ["participant", "idea__process"],
        "paragraphcomment": ["participant", "paragraph__chapter__process"],
    }[model]
    return cls.objects.select_related(*related).filter(pk=pk).first()


def _where(post) -> tuple[str, str, str]:
    """(what the post is called, the process title, a public link to look at)."""
    if isinstance(post, Idea):
        return f"„{post.title}“", post.process.title, link("idea", post.pk)
    if isinstance(post, Comment):
        snippet = post.body[:60] + ("…" if len(post.body) > 60 else "")
        return f"„{snippet}“", post.idea.process.title, link("idea", post.idea_id)
    snippet = post.body[:60] + ("…" if len(post.body) > 60 else "")
    return (
        f"„{snippet}“",
        post.paragraph.chapter.process.title,
        link("paragraph", post.paragraph_id),
    )


def _notice_text(kind: str, post) -> tuple[str, list[str]] | None:
    what, process, url = _where(post)
    values = {"what": what, "process": process}
    if kind == "hidden" and post.visibility == Visibility.HIDDEN:
        return _("Ihr Beitrag wurde ausgeblendet"), [
            _("die Moderation hat Ihren Beitrag %(what)s im Verfahren „%(process)s“ ausgeblendet.")
            % values,
            "",
            _("Begründung: %(reason)s") % {"reason": post.moderation_reason},
            "",
            _(
                "Sie können der Moderation über Ihren persönlichen Link antworten; dann wird der "
                "Beitrag noch einmal geprüft."
            ),
        ]
    if kind == "published" and post.visibility == Visibility.PUBLISHED:
        return _("Ihr Beitrag ist sichtbar"), [
            _("die Moderation hat Ihren Beitrag %(what)s im Verfahren „%(process)s“ freigegeben.")
            % values,
            url,
        ]
    if kind == "statement" and isinstance(post, Idea):
        return _("Stellungnahme der Verwaltung zu Ihrer Idee"), [
            _("die Verwaltung hat zu Ihrer Idee %(what)s eine offizielle Stellungnahme abgegeben.")
            % values,
            url,
        ]
    if kind == "status" and isinstance(post, Idea):
        lines = [
            _("Ihre Idee %(what)s im Verfahren „%(process)s“ hat einen neuen Stand: %(status)s.")
            % {**values, "status": post.get_status_display()},
        ]
        if post.project:
            lines.append(_("Umgesetzt in: %(project)s") % {"project": post.project})
        if post.status_reason:
            lines += ["", _("Begründung: %(reason)s") % {"reason": post.status_reason}]
        lines += [
            "",
            _("Sie sagten, wir taten – alle Ergebnisse:"),
            link("accountability", post.process_id),
        ]
        return _("Sie sagten, wir taten: Ihre Idee"), lines
    return None


def author_notice(*, kind: str, model: str, pk: int) -> bool:
    """The e-mail to the author of a post; False when there is nobody to tell any more (erased,
    no address) or the post changed again before the e-mail went out."""
    post = _post(model, pk)
    if post is None or post.participant is None or not post.participant.email:
        return False
    text = _notice_text(kind, post)
    if text is None:
        return False
    subject, lines = text
    body = [_("Guten Tag %(name)s,") % {"name": post.participant.pseudonym}, "", *lines]
    body += [
        "",
        _(
            "Diese E-Mail bekommen Sie, weil Sie beim Mitmachen Ihre Adresse angegeben haben. "
            "Abbestellen können Sie über Ihren persönlichen Link."
        ),
    ]
    send(post.participant.email, subject, "\n".join(body))
    return True
