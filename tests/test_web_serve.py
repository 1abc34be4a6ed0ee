"""The console is served by the running bot: beside the webhooks and /healthz, in polling mode
too, with Telegram photos fetched through the Bot API; and by the console demo, which prints
its address and a sign-in link."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import sys

import httpx
from sqlmodel import Session, select

from bot.bootstrap import build
from bot.serve import serve_async
from storage import weblogin
from storage.models import Evidence

from . import seed
from .conftest import CAMPAIGN_FILE, ROOT
from .fakes.telegram_api import FakeTelegram
from .test_telegram import tg_settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _until_up(client: httpx.AsyncClient) -> None:
    for _ in range(500):  # bounded: uvicorn answers within a second or two
        try:
            if (await client.get("/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.01)
    raise AssertionError("the web server did not start")


async def test_polling_mode_serves_the_console_with_telegram_photos_from_the_bot_api(db_path, clock):
    fake = await FakeTelegram().start()
    port = _free_port()
    settings = tg_settings(db_path, fake, port=port, media_dir=db_path.parent / "media")
    app = build(settings, clock=clock)
    now = clock.now()
    with Session(app.db) as s:
        staff = seed.create_member(
            s,
            full_name="Lê Thị Văn Phòng",
            role="staff",
            unit_code="VPTK",
            phone=None,
            channel="telegram",
            external_id="77",
            chat_id="77",
            display_name=None,
            now=now,
        )
        row = seed.create_submission(
            s,
            kind="nomination",
            campaign_code=app.campaign.code,
            submitter_id=staff.id,
            now=now,
            unit_code="T01",
            category="household",
            nominee="Hộ ông Hoàng Văn Tư",
            contents=["c2"],
            achievements="x" * 40,
            answers={},
            flags=[],
            proposed_award="commune",
        )
        s.add(
            Evidence(
                submission_id=row.id, channel="telegram", file_id="big-u1", unique_id="u1", created_at=now
            )
        )
        s.flush()
        photo_id = s.exec(select(Evidence.id)).first()
        token = weblogin.insert_link(s, now=now, member_id=staff.id)
        s.commit()
    fake.files["photos/big-u1.jpg"] = PNG
    stop = asyncio.Event()
    task = asyncio.create_task(serve_async(app, stop=stop))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await _until_up(client)
            assert (await client.get("/")).headers["location"] == "/dang-nhap"
            r = await client.post(f"/vao/{token}")
            assert r.status_code == 303 and client.cookies.get("thidua_phien")
            page = await client.get("/ho-so/DC-0001")
            assert "Hộ ông Hoàng Văn Tư" in page.text and f'src="/anh/{photo_id}"' in page.text
            for _ in range(2):
                img = await client.get(f"/anh/{photo_id}")
                assert img.status_code == 200 and img.content == PNG
            assert [c.params for c in fake.calls if c.method == "getFile"] == [{"file_id": "big-u1"}]
            assert len(fake.of("file")) == 1  # the second view came from the disk cache
            assert fake.token not in page.text
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)
        await fake.stop()


async def test_a_taken_port_in_polling_mode_is_one_warning_and_the_chat_still_runs(db_path, clock, caplog):
    fake = await FakeTelegram().start()
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        settings = tg_settings(db_path, fake, port=busy.getsockname()[1])
        stop = asyncio.Event()
        caplog.set_level(logging.WARNING, logger="thidua")
        task = asyncio.create_task(serve_async(build(settings, clock=clock), stop=stop))
        try:
            fake.push(fake.message_update(5001, text="/start"))
            await fake.wait_for(lambda: fake.of("sendMessage", chat_id=5001), timeout=10)
            for _ in range(500):  # the web console starts after the first answers
                if any("the web console is not served" in r.getMessage() for r in caplog.records):
                    break
                await asyncio.sleep(0.01)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=10)
            await fake.stop()
    assert any("the web console is not served" in r.getMessage() for r in caplog.records)


async def test_the_console_demo_prints_the_console_address_and_a_working_sign_in_link(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "ZALO_", "WEBHOOK_", "CAMPAIGN_", "DATABASE_", "WEB_"))
    }
    env.update(
        {
            "DEMO_DATABASE_URL": f"sqlite:///{tmp_path}/demo.db",
            "CAMPAIGN_FILE": str(CAMPAIGN_FILE),
            "PORT": str(port),
            "PYTHONPATH": str(ROOT),
        }
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    seen = ""
    try:
        while "Liên kết đăng nhập" not in seen:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
            assert line, seen
            seen += line.decode()
        assert f"Trang quản lý: http://127.0.0.1:{port}/" in seen
        link = re.search(r"http://127\.0\.0\.1:\d+/vao/\S+", seen).group(0)
        async with httpx.AsyncClient() as client:
            first = await client.get(link)
            assert first.status_code == 200 and "xin cho biết họ và tên" in first.text
            r = await client.post(link, data={"name": "Người thử demo"})
            assert r.status_code == 303
            home = await client.get(f"http://127.0.0.1:{port}/")
            assert "DEMO" in home.text and "Người thử demo" in home.text
        proc.stdin.close()
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0 and "Traceback" not in seen + out.decode()


async def test_connections_to_the_console_socket_send_small_answers_at_once():
    """TCP_NODELAY on every connection accepted from the socket listen() makes: asyncio sets
    it only on a socket that names TCP, and a small answer otherwise waits for a delayed ACK."""
    from bot.web_console import listen

    sock = listen(_free_port(), host="127.0.0.1", required=True)
    assert sock.proto == socket.IPPROTO_TCP
    accepted: list[int] = []

    async def answer(reader, writer):
        accepted.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.write(b"ok")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, sock=sock)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", sock.getsockname()[1])
        assert await reader.read() == b"ok"
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
    assert accepted and accepted[0] != 0
