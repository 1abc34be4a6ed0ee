"""A person of one commune gets nothing of another, whatever they ask: the isolation matrix,
generated from the registries so that a new flow, command, menu item, job or export is in it
the day it is added.

Two communes run the same campaign (the same unit codes and names) and have the same people
(the same names, roles and units); Yên Phúc has more besides: residents, dossiers (their
references overlap Trần Ninh's: DC-0001…), queued messages. Everything Trần Ninh's people and
jobs can do is played twice on Trần Ninh's data: once beside that Yên Phúc, once beside an
empty Yên Phúc. The replies, the queued messages and the files must be the same (no name, no
count, no reference of Yên Phúc changes them), Yên Phúc's rows must not change, and nothing
Trần Ninh produces may carry a Yên Phúc name."""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, select

from bot.bootstrap import build_scheduler
from domain.clock import ManualClock
from messages.model import Document
from messages.render import render_text
from scheduler.apscheduler_jobs import build_scheduler as jobs_of
from storage.db import make_engine
from storage.models import Outbox

from . import seed as seeding
from .conftest import IN_CAMPAIGN, Player, nominate_household, register_resident
from .province_fixtures import FIRST, register

A, B = FIRST[0], "yen-phuc"
MARK = "Zụt"  # in Yên Phúc's own people's and dossiers' names only
# the same people in both communes: (external id, name, role, unit)
PEOPLE = [
    ("resident", None, "resident", "T01"),  # registers in chat (below)
    ("head", "Nguyễn Văn Trưởng", "head", "T01"),
    ("staff", "Lê Thị Cán", "staff", "T01"),
    ("admin", "Phạm Văn Quản", "admin", "T01"),
    ("council", "Hà Văn Hội", "council", None),
]
ROLES = ["guest", *[p[0] for p in PEOPLE]]
# what changes between two plays of the same thing and says nothing of another commune
VOLATILE = [
    (re.compile(r"/vao/[\w.-]+"), "/vao/<token>"),
    (re.compile(r"\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{6,12}\b"), "<code>"),
    (re.compile(r"/tmp/\S+"), "<path>"),
]


def masked(text: str) -> str:
    for pattern, stand_in in VOLATILE:
        text = pattern.sub(stand_in, text)
    return text


# -- two provinces, the same but for Yên Phúc's data ---------------------------------------------


def seed_people(db, now) -> None:
    with Session(db) as s:
        for ext, name, role, unit in PEOPLE:
            if name is not None:
                seeding.console_member(s, name, role, ext, now, unit_code=unit)
        s.commit()


def seed_commune(core, *, own: bool) -> None:
    """The people above and a resident's dossier; with `own`, Yên Phúc's more: people and
    dossiers named with MARK, one of them taken for review, an announcement queued."""
    seed_people(core.db, core.clock.now())
    p = Player(core, user_id="resident", channel="console")
    register_resident(p)
    nominate_household(p)
    if not own:
        return
    for n in range(1, 4):
        q = Player(core, user_id=f"yp-{n}", channel="console")
        register_resident(q, name=f"Khổng Văn {MARK} {n}", village=str(n))
        nominate_household(q, nominee=f"Hộ ông Khổng {MARK} {n}")
    staff = Player(core, user_id="staff", channel="console")
    staff.say("/thamdinh")  # the first dossier taken for review


def province(tmp_path: Path, clock, *, populated: bool, url: str | None = None):
    """A deployment (its own base database) serving A and B, B populated or empty."""
    from bot.settings import Settings

    tmp_path.mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{tmp_path / 'thidua.db'}"
    base = make_engine(url)
    register(base, {B: "Xã Yên Phúc"}).dispose()
    base.dispose()
    settings = Settings(_env_file=None, database_url=url, media_dir=tmp_path / "media")
    from bot.bootstrap import build

    # both communes run the bundled campaign itself: the same units, codes and names
    app = build(
        settings, clock=clock, campaigns_for=lambda commune, engine: [campaign_of(settings)], environ={}
    )
    for tenant in app.tenants.values():
        tenant.core.export_dir = tmp_path / "exports" / tenant.code
    seed_commune(app.tenants[A].core, own=False)
    if populated:
        seed_commune(app.tenants[B].core, own=True)
    return app


def campaign_of(settings):
    from domain.campaign import load_campaign

    return load_campaign(settings.campaign_file)


def counts(db) -> dict[str, int]:
    """Rows of every table of a commune's scope."""
    with Session(db) as s:
        return {
            name: s.exec(select(func.count()).select_from(table)).one()
            for name, table in sorted(SQLModel.metadata.tables.items())
            if not name.startswith("province_")
        }


# -- what A's people can do, from the registries ----------------------------------------------


def plays(core) -> list[tuple[str, str, list]]:
    """(role, what, turns): every command, every flow and every menu item of the role, each
    opened from the menu (what came before cancelled) and followed one step (the first
    choice)."""
    out: list[tuple[str, str, list]] = []
    for name in core.flows:  # every flow, opened as a command would (one for the test)
        core.commands.setdefault(f"flow_{name}", core.start_flow(name))
    for role in ROLES:
        for name in sorted(core.commands):
            out.append((role, f"/{name}", [("command", "huy"), ("command", name), ("text", "1")]))
        for item in core.menu:
            if role in item.roles:
                out.append(
                    (role, f"menu {item.key}", [("command", "huy"), ("choice", item.key), ("text", "1")])
                )
        for name in sorted(core.group_commands):
            out.append((role, f"group /{name}", [("group", name)]))
    return out


def transcript(app) -> list[str]:
    core = app.tenants[A].core
    lines: list[str] = []
    for role, what, turns in plays(core):
        p = Player(core, user_id=role if role != "guest" else "guest-a", channel="console")
        for kind, value in turns:
            if kind == "command":
                p.say(f"/{value}")
            elif kind == "text":
                p.say(value)
            elif kind == "group":
                p.send(p._event(kind="command", command=value, chat_type="group"))
            else:  # a menu button, pressed on the menu just shown
                p.send(p._event(kind="choice", choice=value, seq=p.question.seq))
            shown = [masked(render_text(r)) for r in p.last]
            lines.append(f"{role} {what} {kind}:{value} -> " + " | ".join(shown))
            files = [r for r in p.last if isinstance(r, Document)]
            lines.extend(f"file {Path(d.path).name}" for d in files)
    return lines


def queued(app, code: str) -> list[tuple]:
    with Session(app.tenants[code].db) as s:
        rows = s.exec(select(Outbox).order_by(Outbox.dedupe_key)).all()
        return [(r.dedupe_key, r.channel, r.chat_id, masked(str(r.payload))) for r in rows]


async def run_jobs(app, clock: ManualClock) -> list[str]:
    """Every job the scheduler has for A (its kinds read from the scheduler itself), each run
    at its own moment: a slot runs only in its time."""
    from scheduler.plan import digest_slot_at

    runner = build_scheduler(app).runner
    campaign = runner.campaign
    clock.set(campaign.opens_at - timedelta(days=1))  # every slot still ahead: every job made
    jobs = jobs_of(runner, now=clock.now()).get_jobs()
    kinds = {j.id.split(":")[0] for j in jobs}
    assert {"launch", "remind", "close", "digest", "housekeeping"} <= kinds, kinds
    digest_at = digest_slot_at(campaign, IN_CAMPAIGN).at

    def moment(job) -> datetime:
        return job.args[0].at if job.args else digest_at

    done: list[str] = []
    for job in sorted(jobs, key=lambda j: (moment(j), j.id)):
        clock.set(moment(job))
        done.append(f"{job.id}: {await job.func(*job.args)}")
    return done


def files_text(folder: Path) -> str:
    """Every word of the files in `folder` (Word and Excel files are zips of XML)."""
    words = []
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as z:
                words += [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")]
    return "\n".join(words)


# -- the matrix ----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def base_url(request):
    """None (SQLite files under tmp_path), or a PostgreSQL URL whose connections work in a
    fresh schema: its name followed by 0 or 1 (two deployments), communes' schemas after it."""
    if request.param == "sqlite":
        yield None
        return
    from .communes_fixtures import drop_schemas
    from .conftest import postgres_unreachable, postgres_url

    url, schema = postgres_url(), f"t_{uuid.uuid4().hex[:10]}_"
    try:
        admin = make_engine(url)
        with admin.begin() as conn:
            for n in (0, 1):
                conn.execute(text(f'CREATE SCHEMA "{schema}{n}"'))
        admin.dispose()
    except Exception as exc:
        postgres_unreachable(url, exc)
    yield f"{url}?options=-csearch_path%3D{schema}"
    drop_schemas(url, schema)


async def test_a_commune_gets_nothing_of_another_in_chat_jobs_and_exports(tmp_path, base_url):
    results = {}
    for populated in (True, False):
        clock = ManualClock(IN_CAMPAIGN)
        where = tmp_path / ("beside" if populated else "alone")
        app = province(where, clock, populated=populated, url=base_url and f"{base_url}{int(populated)}")
        b_before = counts(app.tenants[B].db)
        said = transcript(app)
        jobs = await run_jobs(app, clock)
        results[populated] = (said, queued(app, A), jobs, files_text(where / "exports" / A))
        if populated:
            assert counts(app.tenants[B].db) == b_before  # A's turns and jobs wrote nothing in B
    beside, alone = results[True], results[False]
    assert len(beside[0]) > 500  # every command, flow and menu item of every role was played
    for line_beside, line_alone in zip(beside[0], alone[0], strict=True):
        assert line_beside == line_alone
    assert beside[1] == alone[1]  # the same messages queued for A's people
    assert beside[2] == alone[2]
    assert MARK not in "\n".join(beside[0]) + str(beside[1])
    assert MARK not in beside[3]
