"""Remedy hints for a municipality that falls short of a promise (reads the appointments
statistics through ``sources``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rathaus.core.models import Municipality
from rathaus.engines.indicators.comparison import Status
from rathaus.standards import conf, sources
from rathaus.standards.models import Metric
from rathaus.standards.selectors.overview import PromiseDetail, month_end


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def remedy_for(detail: PromiseDetail, municipality: Municipality) -> str:
    """A hint for the month of ``detail`` when the promise was not met; else ''."""
    if detail.verdict.status != Status.NOT_MET:
        return ""
    metric = detail.promise.metric
    if metric in (Metric.APPOINTMENT_WITHIN, Metric.LEAD_TIME):
        first = detail.history[-1][0]
        use = sources.counter_utilisation(municipality, first, month_end(first))
        if use is None:
            return _("Keine Öffnungszeiten erfasst: Schalterzeiten im Terminsystem prüfen.")
        if use >= conf.full_utilisation():
            return _(
                "Die Schalter waren zu %(use)s ausgelastet: zusätzliche Schalterzeiten öffnen "
                "oder Personal über den Personalpool der Region anfragen."
            ) % {"use": _percent(use)}
        return _(
            "Die Schalter waren nur zu %(use)s ausgelastet: mehr Zeit für Termine freigeben "
            "(Buchungszeitraum, Kontingente) statt zusätzlichen Personals."
        ) % {"use": _percent(use)}
    if metric == Metric.COUNTER_WAIT:
        return _(
            "Wartezeit zu lang: Schalter zu den Spitzenzeiten zusätzlich besetzen und die "
            "Ausgabe von Wartemarken an die freien Schalter koppeln."
        )
    if metric == Metric.NO_SHOW:
        return _(
            "Viele Termine verfallen: Erinnerung mit „Ich komme“/„freigeben“ einschalten und "
            "freigegebene Termine über den Terminagenten anbieten."
        )
    return _("Ursachen mit der Region besprechen (Kennzahl wird importiert).")
