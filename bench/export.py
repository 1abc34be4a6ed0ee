"""Exports of a large campaign: 10,000 and 100,000 submissions in a temporary SQLite file
(bulk-seeded by tests/seeding.py), each export in a fresh process so its peak memory (max RSS)
is its own (VmHWM).

Beside the project's workbook, the baseline: the same rows (the very values, sheets and
formats the project writes) written by XlsxWriter alone in constant-memory mode, timed without
reading or building them. Times are CPU seconds of the process (the machine is shared; wall
time is shown too). Targets: workbook time <= 1.3x the baseline, peak memory < 300 MiB at
100,000.
The Word list for the council (python-docx, its tables' rows streamed into the file) is
timed and measured too: peak memory < 300 MiB at 100,000. With --reports, the achievement
reports (one per nominee, several pages each; about 6 ms a report here) as well.

    python bench/export.py                 # 10,000 and 100,000 (about 3 minutes here)
    python bench/export.py --sizes 2000    # a quick run
    python bench/export.py --sizes 10000 --reports
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CAMPAIGN = ROOT / "campaigns" / "tran-ninh-2024.toml"
NOW = datetime(2024, 12, 2, 3, 0, tzinfo=UTC)


def _project_xlsx(db: str, out: Path) -> str:
    from sqlmodel import Session

    from documents import write_workbook
    from domain.campaign import load_campaign
    from storage.db import make_engine

    with Session(make_engine(db)) as s:
        wb = write_workbook(s, load_campaign(CAMPAIGN), out)
    return ", ".join(f"{v}" for v in wb.rows.values())


def _baseline_xlsx(db: str, out: Path) -> str:
    """The project's own rows (same values, sheets and formats) written by XlsxWriter alone:
    the rows are made by the project untimed, a few thousand at a time, and only XlsxWriter's
    write() calls and the closing of the file are timed (CPU time, reported as "took")."""
    from sqlmodel import Session

    import documents.workbook as W
    from domain.campaign import load_campaign
    from storage.db import make_engine

    spent = [0.0]
    buffers: dict[int, list] = {}

    def flush(sheet) -> None:
        rows, buffers[id(sheet)] = buffers.get(id(sheet), []), []
        t0 = time.process_time()
        ws, dates = sheet.ws, sheet.dates
        for values in rows:
            sheet.rows += 1
            for col, v in enumerate(values):
                if isinstance(v, datetime):  # a local date-time, shown as dd/mm/yyyy hh:mm
                    ws.write(sheet.rows, col, v, dates)
                else:
                    ws.write(sheet.rows, col, v)
        spent[0] += time.process_time() - t0

    sheets: list = []

    def append(sheet, values) -> None:
        if not sheets or sheets[-1] is not sheet:
            if sheets:
                flush(sheets[-1])
            sheets.append(sheet)
        buffers.setdefault(id(sheet), []).append(values)
        if len(buffers[id(sheet)]) >= 2000:
            flush(sheet)

    close = W.xlsxwriter.Workbook.close

    def timed_close(wb) -> None:
        flush(sheets[-1])
        t0 = time.process_time()
        close(wb)
        spent[0] += time.process_time() - t0

    W._Sheet.append = append
    W.xlsxwriter.Workbook.close = timed_close
    with Session(make_engine(db)) as s:
        W.write_workbook(s, load_campaign(CAMPAIGN), out)
    global BASELINE_CPU
    BASELINE_CPU = spent[0]
    return ", ".join(f"{sh.rows}" for sh in sheets)


def _project_list(db: str, out: Path) -> str:
    from sqlmodel import Session

    from documents import write_list
    from domain.campaign import load_campaign
    from storage.db import make_engine

    with Session(make_engine(db)) as s:
        doc = write_list(s, load_campaign(CAMPAIGN), out, now=NOW)
    return f"{doc.rows} rows in {doc.tables} tables"


def _project_reports(db: str, out: Path) -> str:
    from sqlmodel import Session

    from documents import write_reports
    from domain.campaign import load_campaign
    from storage.db import make_engine

    with Session(make_engine(db)) as s:
        doc = write_reports(s, load_campaign(CAMPAIGN), out, now=NOW)
    return f"{doc.rows} reports"


BASELINE_CPU: float | None = None
JOBS = {
    "project": _project_xlsx,
    "xlsxwriter": _baseline_xlsx,
    "docx-list": _project_list,
    "docx-reports": _project_reports,
}


def child(job: str, db: str, out: str) -> None:
    # libraries load before the clock starts: the export is timed, not the imports
    import documents.word
    import documents.workbook  # noqa: F401
    import storage.db  # noqa: F401

    t0, c0 = time.perf_counter(), time.process_time()
    what = JOBS[job](db, Path(out))
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    if BASELINE_CPU is not None:  # the baseline times XlsxWriter's calls alone (CPU time)
        took = cpu = BASELINE_CPU
    rss = peak_mib()
    print(json.dumps({"took": took, "cpu": cpu, "rss": rss, "what": what, "size": Path(out).stat().st_size}))


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss would include the parent's,
    which survives the exec of a forked child)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(job: str, db: str, out: Path) -> dict:
    res = subprocess.run(
        [sys.executable, __file__, "--child", job, db, str(out)], capture_output=True, text=True, cwd=ROOT
    )
    if res.returncode:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--reports", action="store_true", help="the achievement reports as well")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(*args.child)
        return 0

    from domain.campaign import load_campaign
    from storage.db import make_engine, migrate
    from tests.seeding import populate

    campaign = load_campaign(CAMPAIGN)
    ok = True
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            db = f"sqlite:///{tmp}/bench.db"
            engine = make_engine(db)
            migrate(engine)
            t0 = time.perf_counter()
            populate(engine, campaign, n)
            engine.dispose()
            print(f"== {n} submissions (seeded in {time.perf_counter() - t0:.1f} s)")
            base = run("xlsxwriter", db, Path(tmp) / "base.xlsx")
            mine = run("project", db, Path(tmp) / "project.xlsx")
            ratio = mine["cpu"] / base["cpu"]
            print(
                f"baseline XlsxWriter alone: {base['cpu']:6.2f} s CPU                      "
                f"rows {base['what']}"
            )
            print(
                f"project workbook:          {mine['cpu']:6.2f} s CPU ({mine['took']:6.2f} s wall)"
                f"  peak {mine['rss']:4.0f} MiB  rows {mine['what']}  {mine['size'] / 1e6:.1f} MB"
            )
            met = ratio <= 1.3 and (n < 100_000 or mine["rss"] < 300)
            ok &= met
            print(
                f"ratio {ratio:.2f}x (target <= 1.3x; peak < 300 MiB at 100,000): "
                f"{'MET' if met else 'NOT MET'}"
            )
            jobs = ["docx-list"] + (["docx-reports"] if args.reports else [])
            for job in jobs:
                doc = run(job, db, Path(tmp) / f"{job}.docx")
                met = n < 100_000 or doc["rss"] < 300
                ok &= met
                label = {"docx-list": "Word list:", "docx-reports": "Word reports:"}[job]
                print(
                    f"project {label:19s}{doc['cpu']:6.2f} s CPU ({doc['took']:6.2f} s wall)"
                    f"  peak {doc['rss']:4.0f} MiB  {doc['what']}  {doc['size'] / 1e6:.1f} MB"
                    f"  (peak < 300 MiB at 100,000: {'MET' if met else 'NOT MET'})"
                )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
