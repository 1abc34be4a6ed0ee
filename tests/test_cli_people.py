"""python -m bot import-people: the template written, filled as a clerk would, imported by the
same operation as the console's page; the same file again adds nothing; wrong rows told by
sheet and row on stderr with nothing stored; the invitations printed per village."""

from __future__ import annotations

from docx import Document

from storage.db import make_engine
from storage.models import Invite, Member, UnitRow

from .conftest import rows
from .people_sheets import filled
from .test_config import run_cli


def test_template_import_again_and_print(tmp_path, campaign):
    out = run_cli(["import-people", "--template", "mau.xlsx"], tmp_path)
    assert out.returncode == 0, out.stderr
    template = (tmp_path / "mau.xlsx").read_bytes()
    (tmp_path / "danh-sach.xlsx").write_bytes(filled(campaign, template=template))
    out = run_cli(["import-people", "danh-sach.xlsx", "--print", "giay-moi.docx"], tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Đã nhập 1 đơn vị và 3 người" in out.stdout and "Giấy mời: giay-moi.docx (3 người)" in out.stdout
    doc = Document(str(tmp_path / "giay-moi.docx"))
    assert len(doc.inline_shapes) == 3
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Thôn Bản Mới" in text and "Hội đồng Thi đua - Khen thưởng" in text
    again = run_cli(["import-people", "danh-sach.xlsx"], tmp_path)
    assert again.returncode == 0 and "đã được nhập rồi" in again.stdout, again.stderr
    db = make_engine(f"sqlite:///{tmp_path}/cli.db")
    try:
        assert len([m for m in rows(db, Member) if m.phone]) == 3
        assert len([i for i in rows(db, Invite) if i.purpose == "person"]) == 3
        assert [u.code for u in rows(db, UnitRow)][-1] == "T20"
    finally:
        db.dispose()


def test_wrong_rows_are_told_on_stderr_and_nothing_is_stored(tmp_path, campaign):
    bad = filled(
        campaign, people=[("Hoàng Văn A", "0912000001", "Trưởng thôn", "T01"), ("", "12", "Ai đó", "")]
    )
    (tmp_path / "sai.xlsx").write_bytes(bad)
    out = run_cli(["import-people", "sai.xlsx"], tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "Trang «Cán bộ», dòng 5: Thiếu họ tên." in out.stderr
    assert "Trang «Cán bộ», dòng 5: Số điện thoại «12» chưa đúng" in out.stderr
    db = make_engine(f"sqlite:///{tmp_path}/cli.db")
    try:
        assert rows(db, Member) == [] and rows(db, UnitRow) != []  # the file's units, seeded at start
        assert "T20" not in {u.code for u in rows(db, UnitRow)}
    finally:
        db.dispose()
