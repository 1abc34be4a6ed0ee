"""«Tạo đợt thi đua mới» and «Sửa bản nháp»: every field of the campaign file in one form, its
repeating groups (contents and their figures, units, categories and their checks, awards,
certificate lines) as server-rendered rows with «Thêm dòng» and «Xoá» buttons, no script.

Fields are named by the file's keys (domain/campaign_form.py); «Lưu bản nháp» validates with
the file's own models and saves the draft's TOML text (`domain.campaigns.save_draft`); a wrong
value re-shows the form with everything typed and its error beside the field; «Xem trước»
shows the chat a resident would see (handlers/campaign_preview.py)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import Response

from domain import campaigns
from domain.campaign import Campaign
from domain.campaign_form import NAME, blank_form, campaign_from_form, copy_form, form_of, rows_of
from domain.campaign_toml import to_toml
from domain.refusals import Refused
from domain.uow import UnitOfWork
from handlers.campaign_preview import campaign_preview
from messages.catalog import t

from ..console import STAFF, Req, page

# the groups of rows a new campaign starts with one empty row of
FIRST_ROWS = ("contents", "units", "categories", "awards")
# where a field is, in the list of what to correct: its section, its rows
SECTIONS = {
    "campaign": "Đợt thi đua",
    "organiser": "Đơn vị tổ chức",
    "parent_plan": "Kế hoạch cấp trên",
    "contents": "Nội dung thi đua",
    "units": "Đơn vị",
    "criteria": "Tiêu chuẩn chung",
    "categories": "Đối tượng",
    "awards": "Hình thức khen thưởng",
    "forms": "Giới hạn khi nhập",
    "reminders": "Nhắc hạn",
    "launch": "Phát động",
    "council": "Hội đồng bình xét",
    "decision": "Quyết định khen thưởng",
    "certificate": "Giấy khen",
}
ROW_GROUPS = {
    "figures": "số liệu",
    "checks": "câu hỏi kiểm tra",
    "body": "phần giữa",
    "left": "cột trái",
    "right": "cột phải",
}


def where(name: str) -> str:
    """«Đơn vị › dòng 3», «Đối tượng › dòng 4 › câu hỏi kiểm tra dòng 1»."""
    parts = name.split(".")
    out = [SECTIONS.get(parts[0], parts[0])]
    group = ""
    for part in parts[1:]:
        if part.isdigit():
            out.append(f"{group} dòng {int(part) + 1}".strip())
            group = ""
        elif part in ROW_GROUPS:
            group = ROW_GROUPS[part]
    return " › ".join(out)


def typed_fields(form: Mapping[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in form.items() if v and NAME.fullmatch(k)}


class Rows:
    """The row numbers of each group the page shows: those the form has, and one more after
    «Thêm dòng»."""

    def __init__(self, values: Mapping[str, str], added: Mapping[str, int] | None = None) -> None:
        self.values, self.added = values, dict(added or {})

    def __call__(self, group: str) -> list[int]:
        found = rows_of(self.values, group)
        if group in self.added:
            found = sorted({*found, self.added[group]})
        return found

    def next(self, group: str) -> int:
        found = rows_of(self.values, group)
        return found[-1] + 1 if found else 0


def show(
    req: Req,
    values: dict[str, str],
    *,
    code: str | None,
    seen: int | None = None,
    errors: Mapping[str, str] | None = None,
    added: Mapping[str, int] | None = None,
    problem: str | None = None,
    preview: list | None = None,
    status: int = 200,
) -> Response:
    return req.render(
        "campaign_form.html",
        status=status,
        v=values,
        errors=dict(errors or {}),
        rows=Rows(values, added),
        code=code,
        seen=seen,
        problem=problem,
        preview=preview,
        labels={},
        where=where,
        action=f"/dot-thi-dua/{code}/sua" if code else "/dot-thi-dua/moi",
    )


def _row_edit(req: Req, values: dict[str, str]) -> dict[str, int] | None:
    """«Thêm dòng» (them=<group>) or «Xoá» (xoa=<row>): the form shown again with the change;
    None when the button pressed was neither."""
    group = req.arg("them")
    if group and NAME.fullmatch(group):
        return {group: Rows(values).next(group)}
    row = req.arg("xoa")
    if row and NAME.fullmatch(row):
        for name in [n for n in values if n.startswith(f"{row}.")]:
            del values[name]
        return {}
    return None


def submitted(req: Req, code: str | None, seen: int | None) -> Response:
    values = typed_fields(req.form)
    added = _row_edit(req, values)
    if added is not None:
        return show(req, values, code=code, seen=seen, added=added)
    made = campaign_from_form(values)
    if not isinstance(made, Campaign):
        return show(req, values, code=code, seen=seen, errors=made, status=400)
    if req.arg("lam") == "xem":
        return show(req, values, code=code, seen=seen, preview=campaign_preview(made))
    try:
        campaigns.save_draft(
            UnitOfWork(req.s, req.now), req.viewer.member, to_toml(made), code=code, seen_version=seen
        )
    except Refused as exc:
        return show(req, values, code=code, seen=seen, problem=t(exc.key, **exc.values), status=409)
    return req.redirect("/dot-thi-dua", luu=made.code)


@page("/dot-thi-dua/moi", roles=STAFF, methods=("GET", "POST"))
def new_campaign(req: Req) -> Response:
    if req.request.method == "POST":
        return submitted(req, None, None)
    source = req.arg("tu")
    if source:
        found = campaigns.campaign_by_code(UnitOfWork(req.s, req.now), source)
        if found is None:
            return req.problem(404, "Không có đợt này", t("campaign.unknown", code=source))
        return show(req, copy_form(found), code=None)
    return show(req, blank_form(), code=None, added=dict.fromkeys(FIRST_ROWS, 0))


@page("/dot-thi-dua/{code}/sua", roles=STAFF, methods=("GET", "POST"))
def edit_draft(req: Req) -> Response:
    code = req.request.path_params["code"]
    uow = UnitOfWork(req.s, req.now)
    row = next((r for r in campaigns.campaign_rows(uow) if r.code == code), None)
    if row is None:
        return req.problem(404, "Không có đợt này", t("campaign.unknown", code=code))
    if row.status != "draft":
        return req.problem(409, "Không sửa được", t("editor.not_draft", code=code))
    if req.request.method == "POST":
        seen = req.arg("seen")
        return submitted(req, code, int(seen) if seen.isdigit() else row.version)
    found = campaigns.campaign_by_code(uow, code)
    assert found is not None
    return show(req, form_of(found), code=code, seen=row.version)


ROUTES = [new_campaign, edit_draft]
NAV: list = []
