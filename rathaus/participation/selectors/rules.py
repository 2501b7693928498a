"""The rules a post is checked against — the phases and module audiences of its process and
the consent texts of its municipality — read once per worker and version (``caching``)."""

from __future__ import annotations

from dataclasses import dataclass

from rathaus.participation import caching
from rathaus.participation.models import ConsentText, ModuleAudience, Phase, Process


@dataclass(frozen=True)
class ProcessRules:
    phases: tuple[Phase, ...]
    audiences: dict[str, ModuleAudience]  # module -> its own audience (districts, groups read)
    consent_texts: tuple[ConsentText, ...]  # every version, also those not yet in force


def _load(process: Process) -> ProcessRules:
    rows = ModuleAudience.objects.filter(process_id=process.pk).prefetch_related(
        "districts", "groups"
    )
    return ProcessRules(
        phases=tuple(Phase.objects.filter(process_id=process.pk).order_by("starts_on", "pk")),
        audiences={row.module: row for row in rows},
        consent_texts=tuple(
            ConsentText.objects.filter(municipality_id=process.municipality_id).defer("body")
        ),
    )


def rules_of(process: Process) -> ProcessRules:
    return caching.posting_rules(process.pk, process.municipality_id, lambda: _load(process))
