"""The Word documents of a dossier (Decree 98/2023 art. 84), in the Decree 30/2020 layout:
- the list of proposals for the commune council, by award and category;
- the Tờ trình to the district chairman for the district award, within its quota;
- one achievement report per nominee (Decree 98/2023 annex forms 02 and 03).
Names, dates, awards and quotas come from the campaign file; what the office fills in by hand
(numbers, dates of the council's minutes, birth dates...) is left as dotted lines."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from documents import items as c
from documents import layout as L
from documents import streaming as S
from documents.texts import t
from domain.campaign import Award, Campaign, QuotaGroup
from domain.citation import shown
from storage import council as council_rows
from storage import lists, views

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
LIST_WIDTHS = (12, 42, 30, 59, 22)  # 165 mm: STT, name, unit, citation, status
LIST_WIDTHS_ONE_STATUS = (12, 45, 33, 75)
PROPOSAL_WIDTHS = (12, 45, 33, 75)


@dataclass
class DocResult:
    path: Path
    rows: int  # data rows in the tables (the list, the proposal) or reports written
    tables: int = 0


def _save(doc, out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(out)
    return out


def _period(campaign: Campaign) -> tuple[str, str]:
    return c.dmy(campaign.campaign.opens_on), c.dmy(campaign.deadline_local.date())


def _numeral(i: int) -> str:
    return ROMAN[i] if i < len(ROMAN) else str(i + 1)


# -- the list for the council -------------------------------------------------------------


def write_list(
    s: Session,
    campaign: Campaign,
    out: str | Path,
    *,
    now: datetime,
    statuses: Iterable[str] = c.LIST_STATUSES,
    chunk: int = 1000,
) -> DocResult:
    """ "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG": appraised items grouped by award (the council's choice,
    else the one proposed) then by category, one table per group. The groups are counted in
    SQL; each table's rows are read `chunk` at a time while the file is written."""
    statuses = list(statuses)
    groups = _list_groups(s, campaign, statuses)
    if not groups:
        raise c.ExportError(t("export.nothing", what=t("export.opt.list")))
    org = campaign.organiser
    doc = L.new_document(campaign, t("list.title"))
    L.heading(doc, campaign, now)
    L.title(doc, t("list.title"), t("list.subtitle", campaign=c.mid_sentence(campaign.campaign.title)))
    L.para(doc, t("list.for_council", council=org.council), italic=True, align=L.CENTER, after=6)

    award_keys = [a.key for a in campaign.awards]
    # the status says something only when the list holds more than one
    columns = ("stt", "nominee", "unit", "citation", *(("status",) if len(statuses) > 1 else ()))
    headers = [t(f"doc.col.{k}") for k in columns]
    widths = LIST_WIDTHS if len(columns) == 5 else LIST_WIDTHS_ONE_STATUS
    unit, status = functools.cache(campaign.unit_name), functools.cache(c.status_text)
    tables = []
    for i, (key, cats) in enumerate(groups):
        label = c.award_label(campaign, key) or t("list.no_award")
        L.para(
            doc,
            t("list.award", numeral=_numeral(i), award=label.upper()),
            bold=True,
            before=6,
            keep_next=True,
        )
        for j, (cat, count) in enumerate(cats, 1):
            L.para(
                doc,
                t("list.category", n=j, category=c.category_label(campaign, cat), count=count),
                bold=True,
                italic=True,
                before=3,
                keep_next=True,
            )
            rows = lists.list_rows(
                s,
                campaign_code=campaign.code,
                kinds=c.ENTRY_KINDS,
                statuses=statuses,
                award=key,
                known_awards=award_keys,
                category=cat,
                chunk=chunk,
            )
            tables.append(
                S.Rows(
                    doc,
                    headers,
                    widths,
                    (
                        (
                            str(n),
                            nominee or "",
                            unit(unit_code),
                            c.short(shown(citation, achievements)),
                            status(st),
                        )[: len(columns)]
                        for n, (nominee, unit_code, achievements, st, citation) in enumerate(rows, 1)
                    ),
                )
            )
    counts = dict.fromkeys(c.PARTIES, 0)
    for cat, nominee in lists.list_names(
        s, campaign_code=campaign.code, kinds=c.ENTRY_KINDS, statuses=statuses, chunk=chunk
    ):
        counts[c.party(c.category_group(campaign, cat), nominee)] += 1
    L.para(
        doc,
        t("list.total", n=sum(counts.values()), parties=c.parties_text(counts)),
        italic=True,
        before=6,
        after=6,
    )
    L.signature(doc, campaign, [t("doc.recipient", name=org.council)])
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    S.save_streamed(doc, path, tables)
    return DocResult(path=path, rows=sum(x.count for x in tables), tables=len(tables))


def _list_groups(
    s: Session, campaign: Campaign, statuses: list[str]
) -> list[tuple[str | None, list[tuple[str | None, int]]]]:
    """The list's groups in order with their sizes: awards in the campaign file's order, then
    the items without one (or with one the file no longer names); in each, the categories
    in the file's order, then the others in the order they first appear."""
    award_keys = [a.key for a in campaign.awards]
    sizes: dict[str | None, dict[str | None, list[int]]] = {}
    for award, cat, n, first in lists.list_groups(
        s, campaign_code=campaign.code, kinds=c.ENTRY_KINDS, statuses=statuses
    ):
        size = sizes.setdefault(award if award in award_keys else None, {}).setdefault(cat, [0, first])
        size[0] += n
        size[1] = min(size[1], first)
    order = [k for k in award_keys if k in sizes] + ([None] if None in sizes else [])
    known = [k.key for k in campaign.categories]
    groups = []
    for key in order:
        cats = sizes[key]
        keys: list[str | None] = [k for k in known if k in cats]
        keys += sorted((k for k in cats if k not in known), key=lambda k: cats[k][1])
        groups.append((key, [(k, cats[k][0]) for k in keys]))
    return groups


# -- the Tờ trình to the district -------------------------------------------------------


def quota_award(campaign: Campaign, key: str | None = None) -> Award:
    """The award the commune proposes to a higher level: the one named, else the first award
    of the campaign file that has a quota."""
    if key:
        try:
            return campaign.award(key)
        except KeyError:
            raise c.ExportError(t("export.no_quota_award")) from None
    for award in campaign.awards:
        if award.quota:
            return award
    raise c.ExportError(t("export.no_quota_award"))


# The Tờ trình lists the items on the council's list for the award, and still lists them once
# the district's decision on it is recorded (they are then awarded): it can be printed again.
PROPOSAL_STATUSES = ("shortlisted", "awarded")


def proposal_items(s: Session, campaign: Campaign, award: Award) -> dict[str, list]:
    """Shortlisted (or since awarded) items for the award by quota group (light rows:
    category, nominee, unit_code, achievements, citation); refused when over the quota,
    counted in SQL before any row is read."""
    where = dict(
        campaign_code=campaign.code, kinds=c.ENTRY_KINDS, award=award.key, statuses=PROPOSAL_STATUSES
    )
    sizes: dict[QuotaGroup, int] = {"collective": 0, "individual": 0}
    for category, n in lists.shortlisted_by_category(s, **where):
        sizes[c.category_group(campaign, category)] += n
    if not sum(sizes.values()):
        raise c.ExportError(t("export.proposal_empty", award=award.label))
    for group, n in sizes.items():
        limit = award.quota.get(group)
        if limit is not None and n > limit.max:
            raise c.ExportError(
                t("export.over_quota", award=award.label, group=t(f"group.{group}"), n=n, max=limit.max)
            )
    groups: dict[str, list] = {"collective": [], "individual": []}
    for row in lists.shortlisted(s, **where):
        groups[c.category_group(campaign, row.category)].append(row)
    return groups


def _minutes_basis(s: Session, campaign: Campaign) -> str:
    """«Căn cứ Biên bản số 1/BB-HĐTĐKT ngày 20/11/2024 …»: the latest closed round of the
    council; dotted lines for the office to fill in when there is none."""
    council = campaign.organiser.council
    closed = council_rows.rounds(s, campaign.code, status="closed")
    if not closed:
        return t("prop.basis_council", council=council)
    rnd = closed[-1]
    day = c.dmy(campaign.local(rnd.closed_at or rnd.opened_at).date())
    return t("prop.basis_minutes", number=t("min.number_ref", number=rnd.number), date=day, council=council)


def write_proposal(
    s: Session, campaign: Campaign, out: str | Path, *, now: datetime, award_key: str | None = None
) -> DocResult:
    award = quota_award(campaign, award_key)
    groups = proposal_items(s, campaign, award)
    org, info = campaign.organiser, campaign.campaign
    to = dict(grantor=award.grantor, district=org.district)
    doc = L.new_document(campaign, t("prop.title"))
    L.heading(doc, campaign, now, number=t("doc.number"))
    L.title(doc, t("prop.title"), t("prop.subject", award=award.label, campaign=c.mid_sentence(info.title)))
    L.para(doc, t("prop.to", **to), align=L.CENTER, after=9)
    L.body(doc, t("prop.basis_law"), italic=True)
    L.body(doc, t("prop.basis_decree"), italic=True)
    plan = campaign.parent_plan
    if plan is not None:
        L.body(
            doc,
            t(
                "prop.basis_plan",
                number=plan.number,
                date=c.dmy(plan.date),
                issuer=plan.issuer,
                campaign=c.mid_sentence(info.short_title),
            ),
            italic=True,
        )
    L.body(doc, _minutes_basis(s, campaign), italic=True)
    counts = dict.fromkeys(c.PARTIES, 0)
    for group, items in groups.items():
        for sub in items:
            counts[c.party(group, sub.nominee)] += 1
    L.body(
        doc,
        t(
            "prop.body",
            organiser=org.name,
            award=award.label,
            campaign=c.mid_sentence(info.title),
            parties=c.parties_text(counts),
            **to,
        ),
    )
    headers = [t(f"doc.col.{k}") for k in ("stt", "nominee", "unit", "citation")]
    rows = tables = 0
    for n, group in enumerate((g for g in ("collective", "individual") if groups[g]), 1):
        L.para(
            doc,
            t("prop.group", n=n, group_label=t(f"prop.group.{group}"), count=len(groups[group])),
            bold=True,
            before=6,
            keep_next=True,
        )
        rows += S.grid(
            doc,
            headers,
            PROPOSAL_WIDTHS,
            (
                (
                    str(i),
                    sub.nominee or "",
                    c.unit_name(campaign, sub.unit_code),
                    c.short(shown(sub.citation, sub.achievements), 400),
                )
                for i, sub in enumerate(groups[group], 1)
            ),
        )
        tables += 1
    L.para(doc, "", after=3)
    L.body(doc, t("prop.attached", council=org.council), italic=True)
    L.body(doc, t("prop.close", organiser=org.name, **to))
    L.signature(doc, campaign, [t("doc.as_above"), t("doc.recipient", name=org.council)])
    return DocResult(path=_save(doc, out), rows=rows, tables=tables)


# -- achievement reports (forms 02 and 03) ----------------------------------------------


def write_reports(
    s: Session,
    campaign: Campaign,
    out: str | Path,
    *,
    now: datetime,
    ref: str | None = None,
    chunk: int = 200,
) -> DocResult:
    """One report per nominee, each a section of its own (its own pages, numbered from 1):
    form 02 for a collective, 03 for an individual (by the category's quota_group), a
    household's own lines for a household; achievements of the campaign period only.
    The nominees are read `chunk` at a time and each report is written into the file as it
    is made (S.Blocks), so the document is never whole in memory."""
    subs = (
        sub
        for rows in views.submission_chunks(
            s,
            campaign_code=campaign.code,
            kinds=c.ENTRY_KINDS,
            statuses=c.REPORT_STATUSES,
            ref=None if ref is None else ref.strip().upper(),
            chunk=chunk,
        )
        for sub in rows
    )
    first = next(subs, None)
    if first is None:
        if ref:
            raise c.ExportError(t("export.no_ref", ref=ref.strip().upper()))
        raise c.ExportError(t("export.nothing", what=t("export.opt.report")))
    unit_reports = {
        r.unit_code: r
        for r in views.latest_reports(
            s, campaign_code=campaign.code, leaving_out=("withdrawn", "rejected", "draft")
        )
    }
    doc = L.new_document(campaign, t("rep.title"))
    L.own_page_numbers(doc)

    def build(doc, sub, n: int) -> None:
        if n:  # each report is a section of its own: a new page, numbered from 1 again
            L.section_break(doc)
        _report(doc, campaign, sub, unit_reports.get(sub.unit_code), now)

    reports = S.Blocks(doc, itertools.chain([first], subs), build)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    S.save_streamed(doc, path, [reports])
    return DocResult(path=path, rows=reports.count)


def _report(doc, campaign: Campaign, sub, unit_report, now: datetime) -> None:
    info = campaign.campaign
    cat = c.category_of(campaign, sub.category)
    group = cat.quota_group if cat else "individual"
    who = c.party(group, sub.nominee)  # collective | household | individual
    start, end = _period(campaign)
    L.heading(doc, campaign, now)
    L.title(doc, t("rep.title"), t("rep.subtitle", award=c.award_label(campaign, c.award_of(sub))))
    L.para(
        doc,
        t("rep.period", campaign=c.mid_sentence(info.short_title), start=start, end=end),
        italic=True,
        align=L.CENTER,
        after=6,
    )
    L.para(doc, t(f"rep.{who}.name", nominee=sub.nominee or ""), bold=True)
    unit = c.unit_name(campaign, sub.unit_code)

    L.para(doc, t(f"rep.{who}.I"), bold=True, before=6, keep_next=True)
    if who == "collective":
        L.para(doc, t("rep.collective.I.1"))
        L.para(doc, t("rep.unit", unit=unit))
        L.dots(doc)
        L.para(doc, t("rep.collective.I.2"))
        L.dots(doc)
    elif who == "household":
        L.para(doc, t("rep.household.address", unit=unit))
        for key in ("head", "members"):
            L.para(doc, t(f"rep.household.{key}"))
    else:
        for key in ("birth", "home", "residence"):
            L.para(doc, t(f"rep.individual.{key}"))
        L.para(doc, t("rep.unit", unit=unit))
        for key in ("position", "training"):
            L.para(doc, t(f"rep.individual.{key}"))
    if cat is not None:
        L.para(doc, t("rep.category", category=cat.label, clause=cat.clause))

    L.para(doc, t("rep.II"), bold=True, before=6, keep_next=True)
    L.para(doc, t(f"rep.{who}.II.1"))
    L.dots(doc)
    L.para(doc, t("rep.II.2"), keep_next=True)
    L.body(doc, sub.achievements or "")
    contents = c.contents_text(campaign, sub.contents)
    if contents:
        L.body(doc, t("rep.contents", contents=contents))
    checks = c.checks_text(campaign, sub)
    if checks:
        L.body(doc, checks + ".")
    if who == "collective" and unit_report is not None:
        _figures(doc, campaign, unit_report)
        L.para(doc, t("rep.collective.II.3"))
        L.dots(doc)

    L.para(doc, t("rep.III"), bold=True, before=6, keep_next=True)
    L.dots(doc)
    org = campaign.organiser
    L.two_signatures(
        doc,
        [(t("rep.sign.confirm"), True), (t("doc.on_behalf"), True), (org.signer_title, True)],
        [(t(f"rep.sign.{who}"), True), (t("rep.sign.hint"), False)],
        name_left=org.signer_name,
    )


def _figures(doc, campaign: Campaign, report) -> None:
    lines = []
    for _, content, figure in c.figure_columns(campaign):
        value = c.figure_value(report, content, figure)
        if value is None:
            continue
        shown = c.figure_text(figure, value)
        unit = "" if figure.kind == "money" else figure.unit
        lines.append(t("rep.figure_line", label=figure.label, value=shown, unit=unit).rstrip())
    if not lines:
        return
    L.body(
        doc,
        t(
            "rep.figures",
            unit=c.unit_name(campaign, report.unit_code),
            ref=report.ref,
            version=report.version,
        ),
    )
    for line in lines:
        L.para(doc, line, align=L.JUSTIFY)
