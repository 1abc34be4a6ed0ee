"""python -m bot campaign: the office runs the commune's campaigns from the command line; the
campaign file is their import and export format."""

from __future__ import annotations

from bot.cli import main as cli_main
from storage.models import AuditLog

from .campaign_texts import campaign_text
from .conftest import rows
from .test_exports import cli_env  # noqa: F401  (the fixture)

SPRING = "vu-xuan-2027"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_main(["campaign", *argv])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip()


def test_a_campaign_from_its_file_to_the_archive(cli_env, db, tmp_path, capsys):
    spring = tmp_path / "vu-xuan.toml"
    spring.write_text(
        campaign_text(SPRING, opens_on="2026-12-01", deadline_on="2027-03-31"), encoding="utf-8"
    )
    code, out, _ = run(capsys, "list")  # the deployment's own, stored at the first command
    assert code == 0 and out.startswith("tran-ninh-2024 · Đã hết hạn · phiên bản 1 · Phong trào")
    code, out, err = run(capsys, "add", str(spring))
    assert code == 0, err
    assert out.startswith(f"{SPRING} · Bản nháp · phiên bản 1 · Phong trào")
    other = tmp_path / "khac.toml"
    other.write_text(campaign_text("vu-thu-2027"), encoding="utf-8")
    code, _, err = run(capsys, "update", SPRING, str(other))
    assert code == 1 and "Không đổi được mã đợt «vu-xuan-2027»" in err
    assert run(capsys, "open", SPRING)[1].startswith(f"{SPRING} · Đang mở · phiên bản 2")
    code, _, err = run(capsys, "open", SPRING)
    assert code == 1 and "vừa được người khác chuyển sang «Đang mở»" in err
    for action, status in (
        ("close", "Đã hết hạn"),
        ("decide", "Đã có quyết định"),
        ("archive", "Đã lưu trữ"),
    ):
        assert f"· {status} ·" in run(capsys, action, SPRING)[1]
    out_file = tmp_path / "xuat.toml"
    assert run(capsys, "export", SPRING, "--out", str(out_file))[0] == 0
    assert out_file.read_text(encoding="utf-8") == spring.read_text(encoding="utf-8")
    bad = tmp_path / "sai.toml"
    bad.write_text(campaign_text("vu-he-2027").replace("[organiser]", "[organizer]"), encoding="utf-8")
    code, _, err = run(capsys, "add", str(bad))
    assert code == 1 and "organiser" in err
    assert run(capsys, "open")[0] == 2  # no code: how to use it
    actions = [a.action for a in rows(db, AuditLog) if a.entity == "campaign" and a.actor_id is None]
    assert actions == [
        "campaign.store_file",
        "campaign.save",
        "campaign.open",
        "campaign.closed",
        "campaign.decided",
        "campaign.archived",
    ]
