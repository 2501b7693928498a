"""Strings this app adds to other apps (a presence absence kind, core roles, the start page
entry). They are defined there; listed here so that this app's catalogue translates them
without regenerating the project-wide one."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("abgeordnet"),
    gettext_noop("Personalpool-Koordination"),
    gettext_noop("Personalpool-Koordination Region"),
    gettext_noop("Helferin/Helfer im Personalpool"),
    gettext_noop("Personalpool der Region"),
    gettext_noop("Freiwillige und Reserve, Anfragen, Abordnungen, Stundenkonto."),
]
