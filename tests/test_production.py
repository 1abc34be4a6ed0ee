"""Production: the web server as deploy/ runs it. nginx (deploy/nginx-thidua.conf, rendered onto
free loopback ports) forwards the console, the sign-in links, the photos, the static files, the
download links and the public page; bodies are capped before they are read on every route; the
server listens on 127.0.0.1 unless HOST says otherwise; the client's address comes from
X-Forwarded-For only when the peer is one of FORWARDED_ALLOW_IPS."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot.downloads import Downloads
from bot.settings import load_settings
from bot.web_console import listen
from bot.webhook_server import MAX_BODY, make_app
from web.security import MAX_FORM

from .conftest import ROOT
from .web_helpers import people, web  # noqa: F401  (fixtures)

NGINX = "/usr/sbin/nginx"
CONF = ROOT / "deploy" / "nginx-thidua.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rendered(conf: str, *, listen_port: int, app_port: int) -> str:
    """The deployed server block on a loopback port without TLS, forwarding to the app."""
    conf = re.sub(r"listen 443 ssl;", f"listen 127.0.0.1:{listen_port};", conf)
    conf = re.sub(r"^\s*ssl_certificate.*$", "", conf, flags=re.M)
    conf = conf.replace("server 127.0.0.1:8080;", f"server 127.0.0.1:{app_port};")
    assert f"127.0.0.1:{app_port}" in conf and f"127.0.0.1:{listen_port}" in conf
    return conf


def nginx_or_skip() -> str:
    if Path(NGINX).is_file():
        return NGINX
    if os.environ.get("REQUIRE_NGINX") == "1":
        pytest.fail(f"nginx required (REQUIRE_NGINX=1) but {NGINX} is absent")
    pytest.skip(f"nginx is not installed ({NGINX}); .ci/run installs nginx-light")


class Served:
    """The app in uvicorn on a thread, on a free loopback port (as bot/web_console serves it)."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.sock = listen(self.port, host="127.0.0.1", required=True)
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                lifespan="off",
                proxy_headers=True,
                forwarded_allow_ips="127.0.0.1",
            )
        )
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        for _ in range(2000):
            if self.server.started:
                return self
            time.sleep(0.005)
        raise AssertionError("uvicorn did not start")

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def nginx(tmp_path):
    """Start nginx with the rendered config; yields (start(app_port) -> proxy port)."""
    binary = nginx_or_skip()
    procs: list[subprocess.Popen] = []

    def start(app_port: int) -> int:
        prefix = tmp_path / "nginx"
        for d in ("logs", "tmp/body", "tmp/proxy"):
            (prefix / d).mkdir(parents=True, exist_ok=True)
        port = free_port()
        server = rendered(CONF.read_text(encoding="utf-8"), listen_port=port, app_port=app_port)
        (prefix / "nginx.conf").write_text(
            "\n".join(
                [
                    "worker_processes 1;",
                    f"pid {prefix}/nginx.pid;",
                    f"error_log {prefix}/logs/error.log warn;",
                    "events { worker_connections 64; }",
                    "http {",
                    f"  access_log {prefix}/logs/access.log;",
                    f"  client_body_temp_path {prefix}/tmp/body;",
                    f"  proxy_temp_path {prefix}/tmp/proxy;",
                    "  fastcgi_temp_path /dev/null; uwsgi_temp_path /dev/null; scgi_temp_path /dev/null;",
                    server,
                    "}",
                ]
            ),
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        procs.append(proc)
        for _ in range(1000):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return port
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(proc.stderr.read().decode()) from None
                time.sleep(0.01)
        raise AssertionError("nginx did not start")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def test_nginx_forwards_the_console_sign_in_photos_downloads_and_the_public_page(
    web, people, nginx, tmp_path
):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "danh-sach.xlsx").write_bytes(b"PK\x03\x04 a workbook")
    downloads = Downloads(exports, "a-secret-of-the-test", "http://proxy", web.clock)
    app = make_app([downloads.route(), Mount("/", app=web.app)])
    with Served(app) as served:
        port = nginx(served.port)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, follow_redirects=False, timeout=10) as c:
            assert c.get("/healthz").json() == {"ok": True}
            token = web.link(people["ids"]["staff"])
            sign_in = c.get(f"/vao/{token}")
            assert sign_in.status_code == 200 and "Đăng nhập" in sign_in.text
            # the browser's own form: Origin is this site (as nginx passes Host through)
            signed = c.post(f"/vao/{token}", headers={"origin": base})
            assert signed.status_code == 303, signed.text
            home = c.get("/")
            assert home.status_code == 200 and "Lê Thị Văn Phòng" in home.text
            assert c.get("/ho-so").status_code == 200
            css = c.get("/tinh/app.css")
            assert css.status_code == 200 and "text/css" in css.headers["content-type"]
            assert c.get("/guong-dien-hinh").status_code == 200
            link = downloads.link(str(exports / "danh-sach.xlsx")).removeprefix("http://proxy")
            got = c.get(link)
            assert got.status_code == 200 and got.content == b"PK\x03\x04 a workbook"
            # bodies over the limits: nginx refuses them before the app sees them
            big = c.post("/ho-so/DC-0001/quyet-dinh", content=b"x" * (MAX_FORM + 1))
            assert big.status_code == 413
            hook = c.post("/telegram", content=b"{" + b" " * (MAX_BODY + 1) + b"}")
            assert hook.status_code == 413
    log = (tmp_path / "nginx" / "logs" / "access.log").read_text()
    assert "/guong-dien-hinh" in log and "/vao/" in log and "/tai/" in log


def test_the_server_listens_on_loopback_unless_host_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("HOST", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.host == "127.0.0.1" and settings.forwarded_allow_ips == "127.0.0.1"
    sock = listen(free_port(), host=settings.host, required=True)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()
    monkeypatch.setenv("HOST", "0.0.0.0")
    assert load_settings().host == "0.0.0.0"


def _post_stream(app, path: str, chunks: list[bytes], headers: dict | None = None):
    """Sends a body in chunks and counts how much of it the app pulled."""
    pulled = {"bytes": 0}
    sent: list[dict] = []

    async def receive():
        if chunks:
            chunk = chunks.pop(0)
            pulled["bytes"] += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8080),
    }
    import asyncio

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, pulled["bytes"]


@pytest.mark.parametrize(
    "path", ["/ho-so/DC-0001/quyet-dinh", "/vao/abc", "/dang-xuat", "/khong-co", "/tinh/app.css"]
)
def test_a_big_body_is_refused_before_it_is_read_on_every_route(web, path):
    app = make_app([Mount("/", app=web.app)])
    # declared: refused without reading a byte
    status, pulled = _post_stream(app, path, [b"x" * 1024] * 300, {"content-length": str(300 * 1024)})
    assert status == 413 and pulled == 0
    # streamed without a length (or with a length that lies): refused once past the cap (a
    # route that answers without reading the body, like a 404, pulls none of it)
    for headers in ({}, {"content-length": "10"}):
        status, pulled = _post_stream(app, path, [b"x" * 1024] * 300_000, headers)
        assert pulled <= MAX_FORM + 1024 and (status == 413 or pulled == 0), (status, pulled)


def test_any_route_of_the_server_is_capped_at_the_webhooks_limit(web):
    async def swallow(request):  # a route that would read everything it is sent
        return PlainTextResponse(str(len(await request.body())))

    app = make_app([Route("/telegram", swallow, methods=["POST"]), Mount("/", app=web.app)])
    status, pulled = _post_stream(app, "/telegram", [b"x" * 1024] * 10_000)
    assert status == 413 and pulled <= MAX_BODY + 1024
    status, pulled = _post_stream(app, "/telegram", [b"x" * 1024] * 10)
    assert status == 200


def test_the_proxys_address_is_believed_only_from_forwarded_allow_ips(web, people):
    """Failures of sign-in count per client address; a peer that is not a trusted proxy cannot
    dodge that with a new X-Forwarded-For on each try."""
    from web.security import RateLimit

    web.console.signin_limit = RateLimit(limit=3, window=600, shared=1)
    untrusted = TestClient(ProxyHeadersMiddleware(web.app, trusted_hosts="10.9.9.9"), follow_redirects=False)
    codes = [
        untrusted.post(f"/vao/no-such-link-{i}", headers={"x-forwarded-for": f"203.0.113.{i}"}).status_code
        for i in range(5)
    ]
    assert codes == [404, 404, 404, 429, 429]
    # behind a trusted proxy, each browser's own address counts
    web.console.signin_limit = RateLimit(limit=3, window=600, shared=1)
    trusted = TestClient(ProxyHeadersMiddleware(web.app, trusted_hosts="testclient"), follow_redirects=False)
    codes = [
        trusted.post(f"/vao/no-such-link-{i}", headers={"x-forwarded-for": f"203.0.113.{i}"}).status_code
        for i in range(5)
    ]
    assert codes == [404] * 5


def test_sign_in_limits_count_failures_per_link_and_person_not_successes(web, people):
    from web.security import RateLimit

    web.console.signin_limit = RateLimit(limit=3, window=600)
    staff = people["ids"]["staff"]
    # one office behind one address: 10 people (here: 10 links) sign in, none refused
    for _ in range(10):
        c = web.client()
        assert c.post(f"/vao/{web.link(staff)}").status_code == 303
    # one link replayed: refused as used, then limited
    used = web.link(staff)
    assert web.client().post(f"/vao/{used}").status_code == 303
    assert [web.client().post(f"/vao/{used}").status_code for _ in range(4)] == [410, 410, 410, 429]
    # the person's failures count too: their next fresh link waits, another person's does not
    assert web.client().post(f"/vao/{web.link(staff)}").status_code == 429
    assert web.client().post(f"/vao/{web.link(people['ids']['admin'])}").status_code == 303


def test_a_sign_in_posted_from_another_site_is_refused(web, people):
    token = web.link(people["ids"]["staff"])
    c = web.client()
    for headers in (
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"referer": "https://evil.example/x"},
    ):
        r = c.post(f"/vao/{token}", headers=headers)
        assert (
            r.status_code == 403
            and "trang quản lý" in r.text
            and "thidua_phien" not in r.headers.get("set-cookie", "")
        )
    page = c.get(f"/vao/{token}")
    assert page.headers["referrer-policy"] == "same-origin"
    r = c.post(f"/vao/{token}", headers={"origin": "http://testserver"})
    assert r.status_code == 303


def test_paths_that_once_gave_500_are_not_found_or_refused(web, people):
    c = web.signed_in(people["ids"]["staff"])
    assert web.client().get("/tinh/app.css%00.png").status_code == 404
    assert c.get("/anh/99999999999999999999999").status_code == 404
    assert web.client().get("/guong-dien-hinh/anh/99999999999999999999999").status_code == 404
    assert c.get("/ho-so?trang=99999999999999999999").status_code == 200
    assert c.get("/ho-so?trang=-99999999999999999999").status_code == 200
