"""One entry for every route (command line, chat): which file, made where, named how."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from documents.award_files import AWARD_DOCS, award_filename, write_award_doc
from documents.texts import t
from domain.campaign import Campaign
from messages.folding import fold

WHAT = ("xlsx", "list", "proposal", "report", *AWARD_DOCS)
KEEP_SECONDS = 24 * 3600  # files made for a chat are removed a day later


@dataclass
class Produced:
    path: Path
    filename: str  # what the person receives it as
    rows: int
    what: str

    def caption(self, campaign: Campaign, now: datetime) -> str:
        at = campaign.local(now).strftime("%H:%M %d/%m/%Y")
        return t("export.ready", what=t(f"export.opt.{self.what}"), at=at, n=self.rows)


def filename(campaign: Campaign, what: str, now: datetime, award_key: str | None = None) -> str:
    day = campaign.local(now).strftime("%Y%m%d")
    if what == "xlsx":
        return f"tong-hop-{campaign.code}-{day}.xlsx"
    if what == "list":
        return f"danh-sach-de-nghi-khen-thuong-{day}.docx"
    if what == "proposal":
        from documents.word import quota_award  # python-docx: loaded when first needed

        # named for whom it goes to, in Vietnamese («to-trinh-chu-tich-ubnd-huyen-…»), not the file's key
        grantor = fold(quota_award(campaign, award_key).grantor).replace(" ", "-")
        return f"to-trinh-{grantor}-{day}.docx"
    if what in AWARD_DOCS:
        return award_filename(what, day)
    return f"bao-cao-thanh-tich-{day}.docx"


def produce(
    s: Session,
    campaign: Campaign,
    what: str,
    out: str | Path,
    *,
    now: datetime,
    statuses: Iterable[str] | None = None,
    ref: str | None = None,
    award_key: str | None = None,
) -> Produced:
    """Write the file `what` (xlsx | list | proposal | report) to `out`. Raises ExportError
    (a Vietnamese message) when it cannot be made: nothing to export, over the quota..."""
    # the renderers load when a file is first asked for, not when the bot starts
    from documents.word import write_list, write_proposal, write_reports
    from documents.workbook import write_workbook

    if what == "xlsx":
        wb = write_workbook(s, campaign, out, statuses=statuses)
        path, rows = wb.path, wb.rows[t("xlsx.sheet.submissions")] + wb.rows[t("xlsx.sheet.reports")]
    elif what == "list":
        kw = {} if statuses is None else {"statuses": statuses}
        res = write_list(s, campaign, out, now=now, **kw)
        path, rows = res.path, res.rows
    elif what == "proposal":
        res = write_proposal(s, campaign, out, now=now, award_key=award_key)
        path, rows = res.path, res.rows
    elif what == "report":
        res = write_reports(s, campaign, out, now=now, ref=ref)
        path, rows = res.path, res.rows
    elif what in AWARD_DOCS:
        path, rows = Path(out), write_award_doc(s, campaign, what, out, now=now, ref=ref)
    else:
        raise ValueError(f"unknown export {what!r}")
    return Produced(path=Path(path), filename=filename(campaign, what, now, award_key), rows=rows, what=what)


def produce_in(
    s: Session, campaign: Campaign, what: str, directory: Path, *, now: datetime, owner: object = ""
) -> Produced:
    """Make the file in `directory` under a name of its own (for a chat), clearing out the
    files made there more than a day ago."""
    directory = directory.resolve()  # channels may open it from elsewhere
    directory.mkdir(parents=True, exist_ok=True)
    _prune(directory)
    name = filename(campaign, what, now)
    stamp = campaign.local(now).strftime("%Y%m%d-%H%M%S")
    return produce(s, campaign, what, directory / f"{stamp}-{owner}-{name}", now=now)


def _prune(directory: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for old in directory.iterdir():
        try:
            if old.is_file() and old.stat().st_mtime < limit:
                old.unlink()
        except OSError:
            continue
