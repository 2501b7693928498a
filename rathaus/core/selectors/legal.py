"""A municipality's legal pages, with default texts where its admin has written none yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rathaus.core.models import LegalTexts, Municipality

KINDS = ("impressum", "datenschutz", "barrierefreiheit")


@dataclass(frozen=True)
class LegalPage:
    kind: str
    title: str
    text: str
    feedback_email: str
    feedback_phone: str
    is_default: bool


def kind_title(kind: str) -> str:
    return {
        "impressum": _("Impressum"),
        "datenschutz": _("Datenschutzerklärung"),
        "barrierefreiheit": _("Erklärung zur Barrierefreiheit"),
    }[kind]


def legal_texts_of(municipality: Municipality) -> LegalTexts | None:
    return LegalTexts.objects.filter(municipality=municipality).first()


def default_text(kind: str, municipality: Municipality) -> str:
    """Sensible starting texts; the municipality's admin replaces them with its own."""
    values = {"name": municipality.name}
    if kind == "impressum":
        return (
            _(
                "Anbieterin dieser Website ist die Kommune %(name)s.\n\n"
                "Sie ist eine Körperschaft des öffentlichen Rechts und wird vertreten durch die "
                "Bürgermeisterin oder den Bürgermeister.\n\n"
                "Verantwortlich für den Inhalt: die Verwaltungsleitung der Kommune %(name)s.\n\n"
                "Die Anschrift, die Telefonnummer und die E-Mail-Adresse der Verwaltung trägt die "
                "Administration der Kommune hier ein."
            )
            % values
        )
    if kind == "datenschutz":
        return (
            _(
                "Verantwortlich für die Verarbeitung personenbezogener Daten auf dieser Website ist "
                "die Kommune %(name)s.\n\n"
                "Wenn Sie einen Termin buchen oder sich für den Terminagenten eintragen, verarbeiten "
                "wir Ihren Namen, Ihre E-Mail-Adresse und, falls angegeben, Ihre Telefonnummer, um "
                "den Termin zu vergeben und Sie zu benachrichtigen (Art. 6 Abs. 1 Buchst. e DSGVO). "
                "Die Angaben werden nach dem Termin gelöscht.\n\n"
                "Beiträge zur Bürgerbeteiligung werden zur Durchführung des Verfahrens verarbeitet.\n"
                "\n"
                "Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der "
                "Verarbeitung und Widerspruch sowie das Recht, sich bei der zuständigen "
                "Datenschutz-Aufsichtsbehörde zu beschweren.\n\n"
                "Diese Website setzt nur technisch notwendige Cookies (Sitzung, Sprache, Schutz vor "
                "gefälschten Anfragen) und bindet keine Dienste Dritter ein."
            )
            % values
        )
    return (
        _(
            "Die Kommune %(name)s ist bemüht, ihre Website im Einklang mit der "
            "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu "
            "machen.\n\n"
            "Stand der Vereinbarkeit: Diese Website ist weitgehend mit den Anforderungen der "
            "BITV 2.0 und der WCAG 2.1 (Stufe AA) vereinbar. Sie nutzt das Designsystem KERN der "
            "öffentlichen Verwaltung; jede Seite wird bei der Entwicklung automatisch auf "
            "Barrieren geprüft.\n\n"
            "Nicht barrierefreie Inhalte: Hochgeladene Dokumente (PDF) sind nicht in jedem Fall "
            "barrierefrei.\n\n"
            "Schlichtungsverfahren: Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende "
            "Antwort erhalten, können Sie sich an die Schlichtungsstelle nach dem "
            "Behindertengleichstellungsrecht Ihres Landes wenden."
        )
        % values
    )


def legal_page(municipality: Municipality, kind: str) -> LegalPage:
    stored = legal_texts_of(municipality)
    field = {"impressum": "imprint", "datenschutz": "privacy", "barrierefreiheit": "accessibility"}
    text = getattr(stored, field[kind], "") if stored else ""
    return LegalPage(
        kind=kind,
        title=kind_title(kind),
        text=text or default_text(kind, municipality),
        feedback_email=stored.feedback_email if stored else "",
        feedback_phone=stored.feedback_phone if stored else "",
        is_default=not text,
    )


def public_municipality(slug: str) -> Municipality | None:
    return Municipality.objects.filter(slug=slug).first()


def all_municipalities():
    return Municipality.objects.order_by("name")
