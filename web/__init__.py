"""The staff web console: server-rendered pages (Starlette + Jinja2), Vietnamese, no build step.

Layout
  app.py        make_console(Console) -> the Starlette app; console_from(app): its configuration from bot/
  console.py    Console (configuration), Req (one request), page() (route + role + CSRF check)
  security.py   Content-Security-Policy and other headers, CSRF comparison, rate limit
  render.py     Jinja2 environment, Vietnamese date/money filters, catalog labels
  photos.py     evidence photos (Telegram through the Bot API, cached; Zalo from MEDIA_DIR)
  actions.py    the decisions made on the dossier page (stale-page guard)
  hosts.py      several communes: each request to its commune's console by its Host, the
                province console on PROVINCE_HOST (docs/province-console.md)
  province/     the province console: its own sign-in, session cookie and pages
  pages/*.py    one module per page: ROUTES (made with page()) and NAV (menu entries)
  templates/    layout.html (shared) + one template per page, autoescaped
  static/       app.css, app.js (served under /tinh/, nothing from another site)

Adding a page
  1. web/pages/mypage.py:

         from ..console import STAFF, Req, page

         @page("/my-page", roles=STAFF)          # roles=None: public; ("council",) ...
         def my_page(req: Req):
             return req.render("my_page.html", rows=...)

         ROUTES = [my_page]
         NAV = [("/my-page", "Tên trên menu", STAFF)]   # [] for no menu entry

  2. web/templates/my_page.html: {% extends "layout.html" %}{% block main %}...{% endblock %}
  3. add the module to PAGES in web/app.py.
  page() refuses a visitor without a session (redirect to /dang-nhap) or with another role
  (403, no data); a POST must carry {{ csrf }} in a hidden field named csrf. req.s is the
  request's database session (committed after the page returns), req.audit(...) writes the
  audit row with channel «web». No inline <script> or style="": the CSP refuses them.
"""
