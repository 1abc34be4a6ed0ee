"""Xuất tài liệu (staff): the workbook or a Word document, sent back as a file in the chat.
Channels that cannot send files say so (Zalo: catalog "zalo.document", pointing to the web console)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from documents import WHAT, ExportError, produce_in
from domain.roles import STAFF, may
from handlers.engine import Flow, Step
from handlers.outcomes import Outcome, denied
from messages.catalog import t
from messages.model import Document, Option, Reply, Text

if TYPE_CHECKING:  # pragma: no cover
    from handlers.core import Core, Ctx

DEFAULT_DIR = Path("data") / "exports"


def export_dir(core: Core) -> Path:
    """Where chat exports are written: core.export_dir when the wiring sets it."""
    return Path(getattr(core, "export_dir", None) or DEFAULT_DIR)


class Export(Flow):
    name = "export"

    def refuse(self, ctx: Ctx) -> Outcome | None:
        return None if may(ctx.member, STAFF) else denied()

    def steps(self, ctx: Ctx) -> list[Step]:
        return [
            Step(
                "file",
                "choice",
                lambda c: t("export.pick"),
                options=lambda c: [Option(k, t(f"export.opt.{k}")) for k in WHAT],
            )
        ]

    def finish(self, ctx: Ctx) -> list[Reply]:
        if self.refuse(ctx) is not None:  # the role may have changed while choosing
            return [Text(t("role.denied"))]
        what = ctx.answers["file"]
        try:
            made = produce_in(
                ctx.session, ctx.campaign, what, export_dir(ctx.core), now=ctx.now, owner=ctx.member.id
            )
        except ExportError as exc:
            return [Text(str(exc))]
        return [
            Document(path=str(made.path), filename=made.filename, caption=made.caption(ctx.campaign, ctx.now))
        ]


def install(core: Core) -> None:
    core.add_flow(Export())
    core.add_menu("export", STAFF, core.start_flow("export"))
    core.add_command("xuat", core.start_flow("export"))
