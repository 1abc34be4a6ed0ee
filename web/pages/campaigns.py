"""«Đợt thi đua»: the commune's campaigns with their status and what may be done with each as
its lifecycle allows (draft → open → closed → decided → archived): «Sửa» and «Mở đợt» for a
draft, «Đóng» for an open one, «Đã có quyết định» once closed, «Lưu trữ»; «Tải tệp TOML»,
«Xem trước», «Tạo đợt mới từ đợt này»; and a TOML file uploaded as a new draft.

Each move is the domain's operation (domain/campaigns.py) with the version the page showed: of
two clerks pressing at once, one moves it and the other is told who got there first. An opened
campaign's launch announcement goes out at its launch time, or at its opening when opened
later (scheduler/jobs.py, SlotRunner.due_at)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.responses import Response

from domain import campaigns
from domain.refusals import Refused
from domain.uow import UnitOfWork
from handlers.campaign_preview import campaign_preview
from messages.catalog import t

from ..console import STAFF, Req, page

# what each status allows, in the order the buttons show
MOVES: dict[str, tuple[str, ...]] = {
    "draft": ("mo", "luu-tru"),
    "open": ("dong",),
    "closed": ("quyet-dinh", "luu-tru"),
    "decided": ("luu-tru",),
    "archived": (),
}
LABELS = {"mo": "Mở đợt", "dong": "Đóng", "quyet-dinh": "Đã có quyết định", "luu-tru": "Lưu trữ"}
DONE = {
    "luu": "Đã lưu bản nháp «{code}».",
    "mo": "Đã mở đợt «{code}». Thông báo phát động sẽ gửi vào giờ phát động.",
    "dong": "Đã đóng đợt «{code}».",
    "quyet-dinh": "Đợt «{code}» đã có quyết định.",
    "luu-tru": "Đã lưu trữ đợt «{code}».",
}
OPS: dict[str, Callable[..., object]] = {
    "mo": campaigns.open_campaign,
    "dong": campaigns.close_campaign,
    "quyet-dinh": campaigns.mark_decided,
    "luu-tru": campaigns.archive_campaign,
}


def listing(req: Req, *, error: str | None = None, upload: str = "", status: int = 200) -> Response:
    rows = campaigns.campaign_rows(UnitOfWork(req.s, req.now))
    done = next(((k, req.arg(k)) for k in DONE if req.arg(k)), None)
    return req.render(
        "campaigns.html",
        status=status,
        rows=rows,
        moves=MOVES,
        labels=LABELS,
        status_label=lambda s: t(f"campaign.status.{s}"),
        done=DONE[done[0]].format(code=done[1]) if done else None,
        error=error,
        upload=upload,
    )


@page("/dot-thi-dua", roles=STAFF)
def campaign_list(req: Req) -> Response:
    return listing(req)


def _move(name: str):
    def moved(req: Req) -> Response:
        code = req.request.path_params["code"]
        seen = req.arg("seen")
        try:
            OPS[name](
                UnitOfWork(req.s, req.now),
                req.viewer.member,
                code,
                seen_version=int(seen) if seen.isdigit() else None,
            )
        except Refused as exc:
            return listing(req, error=t(exc.key, **exc.values), status=409)
        return req.redirect("/dot-thi-dua", **{name: code})

    moved.__name__ = f"campaign_{name.replace('-', '_')}"
    return page(f"/dot-thi-dua/{{code}}/{name}", roles=STAFF, methods=("POST",))(moved)


@page("/dot-thi-dua/tai-len", roles=STAFF, methods=("POST",))
def upload(req: Req) -> Response:
    """A TOML file (read into the form's text box by the page's script, or pasted) as a new
    draft, checked by the campaign file's own loader."""
    text = (req.form.get("toml") or [""])[0].replace("\r\n", "\n")
    if not text.strip():
        return listing(req, error=t("editor.upload_empty"), status=400)
    try:
        [saved] = campaigns.save_draft(UnitOfWork(req.s, req.now), req.viewer.member, text)
    except Refused as exc:
        return listing(req, error=t(exc.key, **exc.values), upload=text, status=400)
    return req.redirect("/dot-thi-dua", luu=getattr(saved, "code", ""))


@page("/dot-thi-dua/{code}/tep.toml", roles=STAFF)
def download(req: Req) -> Response:
    code = req.request.path_params["code"]
    row = next((r for r in campaigns.campaign_rows(UnitOfWork(req.s, req.now)) if r.code == code), None)
    if row is None:
        return req.problem(404, "Không có đợt này", t("campaign.unknown", code=code))
    req.audit("campaign.export", entity="campaign", entity_id=code[:32])
    name = quote(f"{code}.toml")
    return Response(
        row.source,
        media_type="application/toml; charset=utf-8",
        headers={"content-disposition": f"attachment; filename*=UTF-8''{name}"},
    )


@page("/dot-thi-dua/{code}/xem-truoc", roles=STAFF)
def preview(req: Req) -> Response:
    code = req.request.path_params["code"]
    found = campaigns.campaign_by_code(UnitOfWork(req.s, req.now), code)
    if found is None:
        return req.problem(404, "Không có đợt này", t("campaign.unknown", code=code))
    return req.render("campaign_preview.html", code=code, preview=campaign_preview(found), info=found)


ROUTES = [campaign_list, *(_move(name) for name in LABELS), upload, download, preview]
NAV = [("/dot-thi-dua", "Các đợt", STAFF)]
