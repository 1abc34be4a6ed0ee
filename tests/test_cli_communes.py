"""`python -m bot commune add | list` and `migrate` on a province deployment: a commune added
gets its own schema or file, the list reads each commune's members and submissions from its
own scope, a taken code is one Vietnamese line and exit 2; on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import text

from handlers.core import Core
from storage.communes import Communes
from storage.db import make_engine

from .communes_fixtures import pg_base, province_db  # noqa: F401
from .conftest import Player, nominate_household, postgres_url, register_resident
from .test_cli_files import said
from .test_config import run_cli


def url_of(engine) -> str:
    """The DATABASE_URL a process would be given for this base (PostgreSQL: its schema as the
    connection's search_path)."""
    if engine.dialect.name == "sqlite":
        return f"sqlite:///{engine.url.database}"
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
    return f"{postgres_url()}?options=-csearch_path%3D{schema}"


def test_commune_add_then_list_counts_each_commune_apart(province_db, campaign, clock, tmp_path):
    p = Player(Core(province_db, campaign, clock))
    register_resident(p)
    nominate_household(p)
    env = {"DATABASE_URL": url_of(province_db)}

    out = run_cli(
        ["commune", "add", "yen-phuc", "Xã Yên Phúc", "--host", "yenphuc.langson.gov.vn"], tmp_path, env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Đã thêm Xã Yên Phúc (mã yen-phuc)."

    out = run_cli(["commune", "list"], tmp_path, env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines() == [
        "tran-ninh · Ủy ban nhân dân xã Trần Ninh · chưa có tên miền · 1 người · 1 hồ sơ",
        "yen-phuc · Xã Yên Phúc · yenphuc.langson.gov.vn · 0 người · 0 hồ sơ",
    ]

    out = run_cli(["commune", "add", "yen-phuc", "Xã Khác"], tmp_path, env)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert said(out.stderr) == ["Mã xã «yen-phuc» đã có. Xin chọn mã khác."]
    out = run_cli(["commune", "add", "Yên Phúc", "Xã Khác"], tmp_path, env)
    assert out.returncode == 2 and "Mã xã «Yên Phúc» chưa đúng" in said(out.stderr)[0]

    # migrate: the registry and every commune at head; the data in place untouched
    assert run_cli(["migrate"], tmp_path, env).returncode == 0
    communes = Communes(province_db)
    assert [c.code for c in communes.all()] == ["tran-ninh", "yen-phuc"]
    with communes.engine_of(communes.first()).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submission")).scalar() == 1
    communes.dispose()


def test_the_first_commune_takes_its_code_and_name_from_the_settings(tmp_path):
    env = {"COMMUNE_CODE": "xa-tran-ninh", "COMMUNE_NAME": "Xã Trần Ninh"}
    out = run_cli(["commune", "list"], tmp_path, env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "xa-tran-ninh · Xã Trần Ninh · chưa có tên miền · 0 người · 0 hồ sơ"
    out = run_cli(["commune", "list"], tmp_path, {"COMMUNE_CODE": "Sai Ma"})
    assert out.returncode == 2 and "COMMUNE_CODE" in out.stderr and "Traceback" not in out.stderr
    engine = make_engine(f"sqlite:///{tmp_path}/cli.db")
    assert [c.code for c in Communes(engine).all()] == ["xa-tran-ninh"]
    engine.dispose()
