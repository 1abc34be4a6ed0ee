"""The decision page (/quyet-dinh) and the round pages kept after a close: what the office types
is checked in Vietnamese with nothing stored; the district's form offers no commune chairman;
a decision is withdrawn only with a reason; the rounds are listed with their results; the
minutes of a past round, the decision and its certificates are served from «Xuất tài liệu»."""

from __future__ import annotations

import io

import docx

from storage.models import AuditLog, AwardDecision

from .conftest import rows
from .review_helpers import sub
from .test_award_step import COMMUNE_CHAIRMAN, PASS_TWO, _round, step  # noqa: F401  (fixture)
from .web_helpers import csrf_of, web  # noqa: F401  (fixtures)


def docx_text(content: bytes) -> str:
    d = docx.Document(io.BytesIO(content))
    return "\n".join(
        [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    )


def _post(c, path: str, **data):
    return c.post(path, data={"csrf": csrf_of(c.get(path).text), **data})


def test_record_and_withdraw_a_decision_on_the_web(web, step, core, db, clock):
    commune, failing, district = step["refs"]
    _round(db, clock, core.campaign, step, PASS_TWO)
    c = web.signed_in(step["staff_id"])
    page = c.get("/quyet-dinh").text
    today = core.campaign.local(clock.now()).date().isoformat()
    # each award's form: the commune's chairman for the commune, nobody for the district
    commune_form, district_form = page.split('id="ghi-commune"')[1].split('id="ghi-district"')
    assert f'name="signer" value="{COMMUNE_CHAIRMAN}"' in commune_form and "Chủ tịch UBND xã" in commune_form
    assert 'name="signer" value=""' in district_form and COMMUNE_CHAIRMAN not in district_form
    assert "Người ký (Chủ tịch UBND huyện)" in district_form and f'value="{today}"' in district_form
    assert commune in commune_form and district in district_form and failing not in page
    # bad input: a short Vietnamese line, what was typed kept, nothing stored
    base = {
        "action": "record",
        "award": "district",
        "number": "2345",
        "signed_on": today,
        "signer": "Nông Văn A",
    }
    for change, words in (
        ({"number": "abc"}, "Số quyết định chưa đúng"),
        ({"signed_on": "2099-01-01"}, "Ngày ký chưa thể sau hôm nay"),
        ({"signed_on": "31/02/2024"}, "Ngày ký chưa đúng"),
        ({"signer": "  "}, "Xin ghi họ tên người ký quyết định"),
        ({"award": "province"}, "Xin chọn hình thức khen thưởng"),
    ):
        r = _post(c, "/quyet-dinh", **{**base, **change})
        assert r.status_code == 400 and words in r.text, (change, r.text)
        assert "Traceback" not in r.text
    assert 'value="2345"' in _post(c, "/quyet-dinh", **{**base, "signer": ""}).text
    assert rows(db, AwardDecision) == []
    r = _post(c, "/quyet-dinh", **base)
    assert r.status_code == 303 and r.headers["location"] == "/quyet-dinh?xong=ghi"
    (dec,) = rows(db, AwardDecision)
    assert (dec.number, dec.signer_name, dec.signer_title) == (
        "2345/QĐ-UBND",
        "Nông Văn A",
        "Chủ tịch UBND huyện",
    )
    assert sub(db, district).status == "awarded"
    taken = _post(c, "/quyet-dinh", **{**base, "award": "commune"})
    assert taken.status_code == 409 and "Quyết định số 2345/QĐ-UBND đã được ghi" in taken.text
    # withdrawn only with a reason
    r = _post(c, "/quyet-dinh", action="withdraw", decision=str(dec.id), reason=" ")
    assert r.status_code == 400 and "Xin ghi lý do thu hồi" in r.text
    assert sub(db, district).status == "awarded"
    r = _post(c, "/quyet-dinh", action="withdraw", decision=str(dec.id), reason="Ghi nhầm số")
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert "Đã thu hồi quyết định." in page and "Lý do: Ghi nhầm số" in page
    assert sub(db, district).status == "shortlisted"
    again = _post(c, "/quyet-dinh", action="withdraw", decision=str(dec.id), reason="Lần nữa")
    assert again.status_code == 409 and "Không tìm thấy quyết định này" in again.text
    assert [a.action for a in rows(db, AuditLog) if a.action.startswith("web.decision")] == [
        "web.decision_record",
        "web.decision_withdraw",
    ]


def test_a_closed_round_keeps_its_page_and_its_documents_are_offered(web, step, core, db, clock):
    commune, failing, district = step["refs"]
    _round(db, clock, core.campaign, step, PASS_TWO)
    c = web.signed_in(step["staff_id"])
    listing = c.get("/phien-xet").text
    assert 'href="/phien-xet/1"' in listing and "2 đạt · 1 không đạt" in listing
    page = c.get("/phien-xet/1").text
    assert "Lộc Thị Hạnh — có bỏ phiếu" in page and "Vi Văn Sơn — có bỏ phiếu" in page
    assert page.count('class="result result-passed"') == 2 and page.count('class="result result-failed"') == 1
    assert c.get("/phien-xet/9").status_code == 404
    assert c.get("/phien-xet/ket-thuc").status_code == 409  # nothing open to close
    # the council's list: the failed item is gone, groups in Vietnamese
    council = c.get("/hoi-dong").text
    assert failing not in council and "Hộ gia đình" in council and "individual" not in council
    assert "collective" not in council
    # «Xuất tài liệu»: the minutes of round 1; the decision and certificates once recorded
    exports = c.get("/xuat").text
    assert (
        '<option value="1">Phiên số 1' in exports and "Chưa có quyết định khen thưởng nào của xã" in exports
    )
    r = _post(c, "/xuat", what="minutes", ref="1")
    assert r.status_code == 200 and "bien-ban-xet-khen-thuong-" in r.headers["content-disposition"]
    text = docx_text(r.content)
    assert "Hộ bà Nông Thị Hoa" in text and "Không đạt" in text
    assert _post(c, "/xuat", what="minutes", ref="7").status_code == 409
    today = core.campaign.local(clock.now()).date().isoformat()
    _post(
        c,
        "/quyet-dinh",
        action="record",
        award="commune",
        number="125",
        signed_on=today,
        signer=COMMUNE_CHAIRMAN,
    )
    exports = c.get("/xuat").text
    assert '<option value="125/QĐ-UBND">' in exports
    for what, name in (("decision", "quyet-dinh-khen-thuong-"), ("certificates", "giay-khen-")):
        r = _post(c, "/xuat", what=what, ref="125/QĐ-UBND")
        assert r.status_code == 200 and name in r.headers["content-disposition"], what
        assert "Hộ ông Hoàng Văn Tư" in docx_text(r.content), what
