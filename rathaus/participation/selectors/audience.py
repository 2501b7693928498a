"""Who may use which module of a process: the module's own audience, else the phase's, else
the process's. One rule decides for the services, the API and the page (which shows why)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from rathaus.participation.models import Audience, Module, ModuleAudience, Participant, Process
from rathaus.participation.selectors.processes import PhaseState

# the phase switch that opens each module
PHASE_SWITCH = {
    Module.IDEAS: "ideas",
    Module.COMMENTS: "comments",
    Module.SUPPORT: "support",
    Module.POLL: "poll",
    Module.VISION: "comments",
    Module.QUESTIONS: "questions",
}


@dataclass(frozen=True)
class Rule:
    """The audience of one module. ``district_ids`` / ``group_ids`` empty = any group invited
    to the process; districts always name at least the process's (may be none)."""

    module: str
    audience: str
    district_ids: frozenset[int]
    district_names: tuple[str, ...]
    group_ids: frozenset[int]  # empty: every invited group of the process
    group_names: tuple[str, ...]
    own: bool  # set on the module itself (not inherited from the phase or process)

    def _invited(self, group_id: int | None, expert: bool) -> bool:
        if self.group_ids:
            return group_id in self.group_ids
        return group_id is not None or expert

    def refusal(self, *, district_id: int | None, group_id: int | None, expert: bool) -> str:
        """'' when admitted, else the reason's code."""
        if self.audience == Audience.EVERYONE:
            return ""
        if self._invited(group_id, expert):
            return ""
        if self.audience == Audience.INVITED:
            return "not_invited"
        if district_id is None:
            return "district_unknown"
        return "" if district_id in self.district_ids else "outside_districts"

    def admits(self, participant: Participant) -> bool:
        return not self.refusal_of(participant)

    def refusal_of(self, participant: Participant) -> str:
        return self.refusal(
            district_id=participant.district_id,
            group_id=participant.group_id,
            expert=participant.expert_id is not None,
        )

    @property
    def label(self) -> str:
        if self.audience == Audience.DISTRICTS:
            names = ", ".join(self.district_names) or _("keine Stadtteile festgelegt")
            return _("Bewohnerinnen und Bewohner von %(names)s (und Eingeladene)") % {
                "names": names
            }
        if self.audience == Audience.INVITED:
            if self.group_names:
                return _("Nur eingeladen: %(names)s") % {"names": ", ".join(self.group_names)}
            return str(Audience.INVITED.label)
        return str(Audience.EVERYONE.label)

    def message(self, code: str) -> str:
        """Why someone may not take part here, in plain German."""
        part = Module(self.module).label
        if code == "not_invited":
            return _(
                "„%(part)s“ ist nur für eingeladene Personen (%(who)s). Ihr Zugang gehört nicht "
                "dazu."
            ) % {"part": part, "who": self.label}
        if code == "district_unknown":
            return _(
                "„%(part)s“ ist nur für %(who)s. Sie haben bei der Anmeldung keine Adresse "
                "angegeben; melden Sie sich bitte mit Ihrer Wohnadresse an."
            ) % {"part": part, "who": self.label}
        return _(
            "„%(part)s“ ist nur für %(who)s. Ihre Adresse liegt in einem anderen Stadtteil."
        ) % {"part": part, "who": self.label}


def _rule(module: str, row: ModuleAudience | None, state: PhaseState, process_districts) -> Rule:
    """The rule of ``module``: its own row's, else the phase's (or process's) audience over
    the process's districts (``process_districts()`` reads them only when needed)."""
    if row is None:
        districts = process_districts() if state.audience != Audience.EVERYONE else []
        return Rule(
            module,
            state.audience,
            frozenset(d.pk for d in districts),
            tuple(d.name for d in districts),
            frozenset(),
            (),
            False,
        )
    districts = list(row.districts.all()) or process_districts()
    groups = list(row.groups.all())
    return Rule(
        module,
        row.audience,
        frozenset(d.pk for d in districts),
        tuple(d.name for d in districts),
        frozenset(g.pk for g in groups),
        tuple(g.name for g in groups),
        True,
    )


def _districts_reader(process: Process):
    """Reads the process's districts once, on the first call."""
    found: list = []

    def read():
        if not found:
            found.append(list(process.districts.all()))
        return found[0]

    return read


def rules_of(process: Process, state: PhaseState) -> dict[str, Rule]:
    """The rule of every module (inherited ones included), by module."""
    own = {
        m.module: m
        for m in ModuleAudience.objects.filter(process=process).prefetch_related(
            "districts", "groups"
        )
    }
    districts = _districts_reader(process)
    return {module: _rule(module, own.get(module), state, districts) for module in Module.values}


_READ = object()


def rule_for(process: Process, state: PhaseState, module: str, row=_READ) -> Rule:
    """The rule of one module (reads only that module's row unless the caller passes it —
    None: the module has no audience of its own — and the process's districts only when
    its audience needs them: posting a comment stays cheap)."""
    if row is _READ:
        row = (
            ModuleAudience.objects.filter(process_id=process.pk, module=module)
            .prefetch_related("districts", "groups")
            .first()
        )
    return _rule(module, row, state, _districts_reader(process))


def open_rules(process: Process, state: PhaseState) -> list[Rule]:
    """The rules of the modules the phase of today opens (joining needs one that admits)."""
    return [r for m, r in rules_of(process, state).items() if getattr(state, PHASE_SWITCH[m])]


@dataclass(frozen=True)
class ModuleLine:
    """A line of the page's "who may take part" list."""

    module: str
    label: str
    who: str
    own: bool
    refusal: str  # '' when the participant (if any) may take part


def module_lines(process: Process, state: PhaseState, participant: Participant | None):
    """The modules open today with who may use them and, for a participant, why not."""
    lines = []
    for rule in open_rules(process, state):
        code = rule.refusal_of(participant) if participant is not None else ""
        lines.append(
            ModuleLine(
                rule.module,
                str(Module(rule.module).label),
                rule.label,
                rule.own,
                rule.message(code) if code else "",
            )
        )
    return lines
