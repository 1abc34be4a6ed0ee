"""/guong-dien-hinh: the people and collectives commended, on the bot's web app (issue 15).
Only after a decision that stands; names, unit, achievement, award and decision, nothing more;
only the photos their submitters agreed to publish (kept on this server: a photo known only
by its Telegram file id is not shown)."""

from __future__ import annotations

import html
from pathlib import Path

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from domain.honours import honoured
from messages.catalog import t

CSP = "default-src 'none'; img-src 'self' https:; style-src 'unsafe-inline'"
STYLE = ("body{font-family:'Times New Roman',serif;max-width:46rem;margin:1rem auto;padding:0 1rem}"
         "li{margin:0 0 1rem}img{max-width:100%;height:auto;margin:.3rem .3rem 0 0}small{color:#555}")


def _photo_src(e) -> str | None:
    if e.local_path:
        return f"/guong-dien-hinh/anh/{e.id}"
    if e.url and e.url.startswith("https://"):
        return e.url
    return None


def render(campaign, items) -> str:
    esc = html.escape
    org = campaign.organiser
    out = [f"<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
           f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
           f"<title>{esc(t('page.honours.title'))} — {esc(org.short_name)}</title>"
           f"<style>{STYLE}</style></head><body>",
           f"<h1>{esc(t('page.honours.title'))}</h1>",
           f"<p>{esc(t('page.honours.lead', organiser=org.name, campaign=campaign.campaign.short_title))}</p>"]
    if not items:
        out.append(f"<p>{esc(t('page.honours.empty'))}</p>")
    else:
        out.append("<ol>")
        for h in items:
            photos = "".join(f"<img src='{esc(src)}' alt='{esc(h.name)}' loading='lazy'>"
                             for src in (_photo_src(e) for e in h.photos) if src)
            out.append(
                f"<li><strong>{esc(h.name)}</strong> — {esc(h.unit)}<br>{esc(h.achievement)}<br>"
                f"<small>{esc(t('page.honours.award', award=h.award, number=h.number, date=h.signed_on.strftime('%d/%m/%Y')))}"
                f"</small><br>{photos}</li>")
        out.append("</ol>")
    out.append("</body></html>")
    return "".join(out)


def honours_routes(db, campaign) -> list[Route]:
    async def page(request: Request) -> HTMLResponse:
        with Session(db) as s:
            items = honoured(s, campaign, photos=True)
        return HTMLResponse(render(campaign, items), headers={"Content-Security-Policy": CSP})

    async def photo(request: Request):
        wanted = request.path_params["evidence_id"]
        with Session(db) as s:
            found = next((e for h in honoured(s, campaign, photos=True) for e in h.photos
                          if e.id == wanted), None)
        if found is None or not found.local_path or not Path(found.local_path).is_file():
            return PlainTextResponse("not found", status_code=404)
        return FileResponse(found.local_path, headers={"Cache-Control": "public, max-age=3600"})

    return [Route("/guong-dien-hinh", page), Route("/guong-dien-hinh/anh/{evidence_id:int}", photo)]
