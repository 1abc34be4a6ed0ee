"""Units and people from the office's spreadsheet (the web console's «Nhập danh sách từ Excel»
and `python -m bot import-people FILE` alike): every row is checked; if one is wrong nothing is
stored and each problem is told by sheet and row; otherwise every new unit and person is stored
in the caller's one transaction, each person with an invite for their role and unit. Rows
already stored (a unit by its code, a person by their phone) are left as they are, so the same
file imported twice adds nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from messages.catalog import t
from messages.folding import fold, nfc, visible_letters
from storage import audit, locks, members, roster
from storage import units as unit_rows
from storage.models import Member

from .campaign import Campaign, Unit
from .events import Event
from .phones import parse_phone
from .refusals import Refused
from .roles import STAFF, require
from .units import seed_units, units_of
from .uow import UnitOfWork

UNITS, PEOPLE = "units", "people"  # the two sheets
IMPORT_ROLES = ("head", "staff", "council", "resident")  # never admin: an admin invites admins
NEEDS_UNIT = frozenset({"head", "resident"})
NO_UNIT = frozenset({"council"})  # the council's members belong to no unit
KINDS = ("village", "agency", "union")
INVITE_TTL = timedelta(days=30)  # time to hand the printed invitations out at village meetings
MAX_ROWS = 2000
NAME_MAX = 120
LOCK = "people-import"


@dataclass(frozen=True)
class UnitLine:
    row: int  # the sheet's row number, as the spreadsheet shows it
    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class PersonLine:
    row: int
    full_name: str
    phone: str
    role: str
    unit: str


@dataclass(frozen=True)
class Rows:
    units: tuple[UnitLine, ...] = ()
    people: tuple[PersonLine, ...] = ()


@dataclass(frozen=True)
class Problem:
    sheet: str  # UNITS | PEOPLE
    row: int
    text: str


class RowsRefused(Refused):
    """Some rows are wrong: nothing was stored; `problems` says which and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("imp.rows", count=len(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class PeopleImported(Event):
    units_added: tuple[str, ...]
    member_ids: tuple[int, ...]
    invite_ids: tuple[int, ...]
    already: int  # rows already stored, left as they were


def role_words() -> dict[str, str]:
    """Folded words -> role: the template's list («Trưởng thôn») and the role's name."""
    out: dict[str, str] = {}
    for role in IMPORT_ROLES:
        out[fold(t(f"role.{role}"))] = role
        out[fold(t(f"imp.role.{role}"))] = role
    return out


def kind_words() -> dict[str, str]:
    return {fold(w): k for k in KINDS for w in (k, t(f"imp.kind.{k}"))}


def _clean(text: str) -> str:
    return " ".join(nfc(text or "").split())


def _name_problem(name: str) -> str | None:
    if not name:
        return t("imp.err.name_missing")
    if len(name) > NAME_MAX or visible_letters(name) < 2 or any(ch.isdigit() for ch in name):
        return t("imp.err.name", name=name[:40])
    return None


@dataclass
class _Check:
    known: dict[str, Unit]  # upper-case code -> unit (stored, then new in the file)
    problems: list[Problem] = field(default_factory=list)
    new_units: list[Unit] = field(default_factory=list)
    already: int = 0

    def bad(self, sheet: str, row: int, text: str) -> None:
        self.problems.append(Problem(sheet, row, text))

    def unit_by_word(self, word: str) -> Unit | None:
        if word.upper() in self.known:
            return self.known[word.upper()]
        folded = fold(word)
        return next((u for u in self.known.values() if fold(u.name) == folded), None)


def _check_units(c: _Check, lines: tuple[UnitLine, ...]) -> None:
    kinds = kind_words()
    seen: dict[str, int] = {}
    for line in lines:
        code, name, kind = _clean(line.code).upper(), _clean(line.name), kinds.get(fold(line.kind))
        if not code or not name:
            c.bad(UNITS, line.row, t("imp.err.unit_blank"))
            continue
        if code in seen:
            c.bad(UNITS, line.row, t("imp.err.unit_twice", code=code, row=seen[code]))
            continue
        seen[code] = line.row
        stored = c.known.get(code)
        if stored is not None:
            if fold(stored.name) == fold(name):
                c.already += 1
            else:
                c.bad(UNITS, line.row, t("imp.err.unit_taken", code=code, name=stored.name))
            continue
        if kind is None:
            c.bad(UNITS, line.row, t("imp.err.kind", kind=_clean(line.kind)[:30]))
            continue
        try:
            unit = Unit.model_validate({"code": code, "name": name[:NAME_MAX], "kind": kind})
        except ValueError:
            c.bad(UNITS, line.row, t("imp.err.code", code=code[:30]))
            continue
        if any(fold(u.name) == fold(name) for u in c.known.values()):
            c.bad(UNITS, line.row, t("imp.err.unit_name_taken", name=name))
            continue
        c.known[code] = unit
        c.new_units.append(unit)


def _check_people(
    c: _Check, lines: tuple[PersonLine, ...], stored: dict[str, Member]
) -> list[tuple[PersonLine, str, str, str | None]]:
    """The new people as (line, phone, role, unit code); problems and rows already stored noted."""
    roles = role_words()
    choices = ", ".join(t(f"imp.role.{r}") for r in IMPORT_ROLES)
    seen: dict[str, int] = {}
    new: list[tuple[PersonLine, str, str, str | None]] = []
    for line in lines:
        name, typed_phone, typed_unit = _clean(line.full_name), _clean(line.phone), _clean(line.unit)
        before = len(c.problems)
        problem = _name_problem(name)
        if problem:
            c.bad(PEOPLE, line.row, problem)
        phone = parse_phone(typed_phone)
        if not typed_phone:
            c.bad(PEOPLE, line.row, t("imp.err.phone_missing"))
        elif phone is None:
            c.bad(PEOPLE, line.row, t("imp.err.phone", phone=typed_phone[:30]))
        elif phone in seen:
            c.bad(PEOPLE, line.row, t("imp.err.phone_twice", phone=phone, row=seen[phone]))
        role = roles.get(fold(line.role))
        if role is None and not _clean(line.role):
            c.bad(PEOPLE, line.row, t("imp.err.role_missing", choices=choices))
        elif role is None:
            c.bad(PEOPLE, line.row, t("imp.err.role", role=_clean(line.role)[:30], choices=choices))
        unit = c.unit_by_word(typed_unit) if typed_unit else None
        if typed_unit and unit is None and role not in NO_UNIT:
            c.bad(PEOPLE, line.row, t("imp.err.unit", unit=typed_unit[:40]))
        elif role in NEEDS_UNIT and unit is None and not typed_unit:
            c.bad(PEOPLE, line.row, t("imp.err.unit_missing", role=t(f"imp.role.{role}")))
        if phone is not None:
            seen.setdefault(phone, line.row)
        if len(c.problems) > before or phone is None or role is None:
            continue
        code = None if role in NO_UNIT or unit is None else unit.code
        member = stored.get(phone)
        if member is None:
            new.append((line, phone, role, code))
        elif fold(member.full_name) == fold(name) and member.role == role and member.unit_code == code:
            c.already += 1
        else:
            c.bad(PEOPLE, line.row, t("imp.err.phone_taken", phone=phone, name=member.full_name))
    return new


def import_people(uow: UnitOfWork, actor: Member | None, campaign: Campaign, rows: Rows) -> list[Event]:
    """Check every row, then store the new units and people (each with an invite), or refuse
    with every problem (RowsRefused) and store nothing. `actor` None: the server's command line.
    A lock of the commune's is taken before anything is read, so of two clerks importing the
    same file at once the second reads what the first stored and is told it is already done."""
    if actor is not None:
        require(actor, STAFF)
    if not rows.units and not rows.people:
        raise Refused("imp.empty")
    if len(rows.units) + len(rows.people) > MAX_ROWS:
        raise Refused("imp.too_many", most=MAX_ROWS)
    s = uow.session
    locks.take_commune(s, LOCK, uow.now)
    c = _Check(known={u.code.upper(): u for u in units_of(s, campaign)})
    _check_units(c, rows.units)
    stored = roster.members_by_phone(s, (p for p in (parse_phone(x.phone or "") for x in rows.people) if p))
    new_people = _check_people(c, rows.people, stored)
    if c.problems:
        raise RowsRefused(sorted(c.problems, key=lambda p: (p.sheet != UNITS, p.row)))
    if not c.new_units and not new_people:
        raise Refused("imp.nothing_new")
    actor_id = actor.id if actor is not None else None
    if c.new_units:
        seed_units(uow, campaign)  # the file's units stay beside the new ones
        added = unit_rows.add_units(
            s, (unit_rows.NewUnit(u.code, u.name, u.kind, u.reports) for u in c.new_units), uow.now
        )
        for row in added:
            audit.audit(
                s,
                actor_id=actor_id,
                action="unit.add",
                entity="unit",
                entity_id=row.code,
                after={"name": row.name, "kind": row.kind},
                now=uow.now,
            )
    member_ids, invite_ids = [], []
    for line, phone, role, code in new_people:
        member = roster.add_listed_member(
            s, full_name=_clean(line.full_name), phone=phone, role=role, unit_code=code, now=uow.now
        )
        inv = members.insert_invite(
            s,
            role=role,
            unit_code=code,
            now=uow.now,
            ttl=INVITE_TTL,
            purpose=roster.PERSON,
            member_id=member.id,
        )
        audit.audit(
            s,
            actor_id=actor_id,
            action="member.import",
            entity="member",
            entity_id=member.id,
            after={"role": role, "unit": code, "invite": inv.id},
            now=uow.now,
        )
        member_ids.append(member.id)
        invite_ids.append(inv.id)
    return uow.record(
        [
            PeopleImported(
                at=uow.now,
                actor_id=actor_id,
                units_added=tuple(u.code for u in c.new_units),
                member_ids=tuple(member_ids),
                invite_ids=tuple(invite_ids),
                already=c.already,
            )
        ]
    )
