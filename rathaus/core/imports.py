"""CSV/Excel import of employees and rooms: validate everything, then write all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rathaus.core import audit, text
from rathaus.core.models import Employee, Location, Municipality, OrgUnit, Qualification, Room
from rathaus.core.tabular import Row, TabularError, read_table


@dataclass
class ImportResult:
    kind: str
    rows: list[dict] = field(default_factory=list)  # preview of valid rows
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, German message)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


EMPLOYEE_COLUMNS = ["personalnummer", "vorname", "nachname", "organisationseinheit"]
EMPLOYEE_OPTIONAL = [
    "e_mail",
    "email",
    "beschaeftigungsumfang",
    "funktion",
    "ausstattung",
    "qualifikationen",
]
ROOM_COLUMNS = ["standort", "raum", "etage", "plaetze"]
ROOM_OPTIONAL = ["plaetze_pandemie", "organisationseinheit"]

EQUIPMENT = {
    "voll": "full_kit",
    "full_kit": "full_kit",
    "telefon": "phone_only",
    "phone_only": "phone_only",
    "keine": "none",
    "none": "none",
    "": "full_kit",
}
JOB_ROLES = {c.value: c.value for c in Employee.JobRole} | {
    "buergerbuero": "clerk",
    "sozialarbeit": "social_worker",
    "leitung": "lead",
    "sachbearbeitung": "general",
    "": "general",
}


def _share(text: str) -> Decimal:
    text = text.replace(",", ".").replace("%", "").strip() or "1"
    value = Decimal(text)
    if value > 1:
        value = value / 100
    if not Decimal("0.05") <= value <= 1:
        raise ValueError
    return value.quantize(Decimal("0.01"))


# Bounds the model's columns do not state themselves (a SmallIntegerField takes 32,767 floors).
FLOOR_RANGE = (-10, 200)
MAX_SEATS = 9_999
ONE_LINE = {"personnel_number", "first_name", "last_name", "email", "number"}


def _field_problems(model, values: dict) -> list[str]:
    """What the database would refuse or truncate, checked in the preview already."""
    problems = []
    for name, value in values.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation or value in (None, ""):
            continue
        if name in ONE_LINE and text.has_control_characters(str(value)):
            problems.append(f"{field.verbose_name}: {text.MESSAGE}")
            continue
        try:
            field.clean(value, None)
        except ValidationError as exc:
            problems.append(f"{field.verbose_name}: {' '.join(exc.messages)}")
    return problems


def _employee_person(v: dict, line: int, seen: dict[str, int]) -> tuple[dict, list[str]]:
    """Personnel number (unique in the file), names and e-mail address of one row (the
    address is checked after the work columns, in the order of the columns' messages)."""
    problems = []
    number = v.get("personalnummer", "")
    if not number:
        problems.append(_("Personalnummer fehlt"))
    elif number in seen:
        problems.append(
            _("Personalnummer %(number)s doppelt (schon in Zeile %(line)s)")
            % {"number": number, "line": seen[number]}
        )
    else:
        seen[number] = line
    for col, missing in (
        ("vorname", _("Vorname fehlt")),
        ("nachname", _("Nachname fehlt")),
    ):
        if not v.get(col):
            problems.append(missing)
    values = {
        "personnel_number": number,
        "first_name": v.get("vorname", ""),
        "last_name": v.get("nachname", ""),
        "email": v.get("e_mail") or v.get("email") or "",
    }
    return values, problems


def _employee_work(v: dict, units: dict, quals: dict) -> tuple[dict, list, list[str]]:
    """Unit, working time, equipment, function and qualifications of one row."""
    problems = []
    unit = units.get(v.get("organisationseinheit", "").lower())
    if unit is None:
        problems.append(
            _("Organisationseinheit „%(unit)s“ unbekannt")
            % {"unit": v.get("organisationseinheit", "")}
        )
    try:
        share = _share(v.get("beschaeftigungsumfang", ""))
    except (InvalidOperation, ValueError):
        problems.append(_("Beschäftigungsumfang muss zwischen 5 und 100 % liegen"))
        share = Decimal("1")
    equipment = EQUIPMENT.get(v.get("ausstattung", "").lower())
    if equipment is None:
        problems.append(_("Ausstattung muss „voll“, „telefon“ oder „keine“ sein"))
    job_role = JOB_ROLES.get(v.get("funktion", "").lower())
    if job_role is None:
        problems.append(_("Funktion „%(role)s“ unbekannt") % {"role": v.get("funktion")})
    qual_codes = [c.strip().lower() for c in v.get("qualifikationen", "").split(",") if c.strip()]
    unknown = [c for c in qual_codes if c not in quals]
    if unknown:
        problems.append(_("Qualifikation unbekannt: %(codes)s") % {"codes": ", ".join(unknown)})
    values = {
        "org_unit": unit,
        "working_time_share": share,
        "equipment_need": equipment,
        "job_role": job_role,
    }
    return values, qual_codes, problems


def _parse_employees(
    rows: list[Row], municipality: Municipality, result: ImportResult
) -> list[dict]:
    units = {u.code.lower(): u for u in OrgUnit.objects.filter(municipality=municipality)}
    quals = {q.code.lower(): q for q in Qualification.objects.filter(municipality=municipality)}
    seen: dict[str, int] = {}
    parsed = []
    for row in rows:
        v = row.values
        if "__error__" in v:
            result.errors.append((row.line, v["__error__"]))
            continue
        person, problems = _employee_person(v, row.line, seen)
        work, qual_codes, work_problems = _employee_work(v, units, quals)
        problems.extend(work_problems)
        if person["email"] and "@" not in person["email"]:
            problems.append(_("E-Mail-Adresse ungültig"))
        values = person | work
        problems.extend(_field_problems(Employee, values))
        if problems:
            result.errors.extend((row.line, p) for p in problems)
            continue
        parsed.append(values | {"qualifications": [quals[c] for c in qual_codes]})
    return parsed


def _room_place(
    v: dict, line: int, locations: dict, seen: dict[tuple, int]
) -> tuple[dict, list[str]]:
    """Location, room number (unique per location in the file) and floor of one row."""
    problems = []
    location = locations.get(v.get("standort", "").lower())
    if location is None:
        problems.append(
            _("Standort „%(location)s“ unbekannt") % {"location": v.get("standort", "")}
        )
    number = v.get("raum", "")
    if not number:
        problems.append(_("Raumnummer fehlt"))
    key = (v.get("standort", "").lower(), number)
    if number and key in seen:
        problems.append(
            _("Raum %(number)s doppelt (schon in Zeile %(line)s)")
            % {"number": number, "line": seen[key]}
        )
    seen.setdefault(key, line)
    try:
        floor = int(v.get("etage", "0") or 0)
        if not FLOOR_RANGE[0] <= floor <= FLOOR_RANGE[1]:
            raise ValueError
    except ValueError:
        problems.append(
            _("Etage muss eine ganze Zahl von %(low)s bis %(high)s sein")
            % {"low": FLOOR_RANGE[0], "high": FLOOR_RANGE[1]}
        )
        floor = 0
    return {"location": location, "number": number, "floor": floor}, problems


def _room_use(v: dict, units: dict) -> tuple[dict, list[str]]:
    """Seats (normal and in a pandemic) and the owning unit of one row."""
    problems = []
    try:
        normal = int(v.get("plaetze", ""))
        pandemic = int(v.get("plaetze_pandemie") or min(normal, 1))
        if not 1 <= normal <= MAX_SEATS or pandemic < 0 or pandemic > normal:
            raise ValueError
    except ValueError:
        problems.append(
            _("Plätze: ganze Zahl von 1 bis %(most)s")
            % {"most": f"{MAX_SEATS:,}".replace(",", ".")}
            + _("; Pandemie-Plätze höchstens so viele wie normal")
        )
        normal = pandemic = 1
    unit = None
    if v.get("organisationseinheit"):
        unit = units.get(v["organisationseinheit"].lower())
        if unit is None:
            problems.append(
                _("Organisationseinheit „%(unit)s“ unbekannt") % {"unit": v["organisationseinheit"]}
            )
    return {"capacity_normal": normal, "capacity_pandemic": pandemic, "org_unit": unit}, problems


def _parse_rooms(rows: list[Row], municipality: Municipality, result: ImportResult) -> list[dict]:
    locations = {
        loc.name.lower(): loc for loc in Location.objects.filter(municipality=municipality)
    }
    units = {u.code.lower(): u for u in OrgUnit.objects.filter(municipality=municipality)}
    seen: dict[tuple, int] = {}
    parsed = []
    for row in rows:
        v = row.values
        if "__error__" in v:
            result.errors.append((row.line, v["__error__"]))
            continue
        place, problems = _room_place(v, row.line, locations, seen)
        use, use_problems = _room_use(v, units)
        problems.extend(use_problems)
        values = place | use
        problems.extend(_field_problems(Room, values))
        if problems:
            result.errors.extend((row.line, p) for p in problems)
            continue
        parsed.append(values)
    return parsed


def run_import(
    *, kind: str, data: bytes, filename: str, municipality: Municipality, actor, commit: bool
) -> ImportResult:
    """Validate a file; with commit=True and no errors, write every row in one transaction."""
    result = ImportResult(kind=kind)
    spec = {
        "employees": (EMPLOYEE_COLUMNS, EMPLOYEE_OPTIONAL, _parse_employees),
        "rooms": (ROOM_COLUMNS, ROOM_OPTIONAL, _parse_rooms),
    }
    if kind not in spec:
        raise ValueError(kind)
    required, optional, parse = spec[kind]
    try:
        rows = read_table(data, filename, required=required, optional=optional)
    except TabularError as exc:
        result.errors.append((1, str(exc)))
        return result
    if not rows:
        result.errors.append((1, _("Die Datei enthält keine Datenzeilen.")))
        return result
    parsed = parse(rows, municipality, result)
    result.rows = parsed
    if not commit or result.errors:
        return result
    with transaction.atomic():
        for values in parsed:
            if kind == "employees":
                _save_employee(values, municipality, actor, result)
            else:
                _save_room(values, municipality, actor, result)
    return result


def _save_employee(values: dict, municipality, actor, result: ImportResult) -> None:
    quals = values.pop("qualifications")
    existing = Employee.objects.filter(
        municipality=municipality, personnel_number=values["personnel_number"]
    ).first()
    before = audit.snapshot(existing) if existing else None
    employee, created = Employee.objects.update_or_create(
        municipality=municipality, personnel_number=values["personnel_number"], defaults=values
    )
    employee.qualifications.set(quals)
    result.created += created
    result.updated += not created
    audit.record(
        actor=actor,
        instance=employee,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(employee),
        summary=_("Import Beschäftigte"),
    )


def _save_room(values: dict, municipality, actor, result: ImportResult) -> None:
    existing = Room.objects.filter(location=values["location"], number=values["number"]).first()
    before = audit.snapshot(existing) if existing else None
    room, created = Room.objects.update_or_create(
        municipality=municipality,
        location=values["location"],
        number=values["number"],
        defaults=values,
    )
    result.created += created
    result.updated += not created
    audit.record(
        actor=actor,
        instance=room,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(room),
        summary=_("Import Räume"),
    )
