"""Benchmark: score submissions per second on the survey page, under gunicorn on PostgreSQL, against a static file.

Usage::

    .venv/bin/python bench/survey_submissions.py    # gunicorn gthread 2 workers x 4 threads, wrk 8 connections, 30 s
    .venv/bin/python bench/survey_submissions.py --client python --concurrency 32   # the asyncio client instead

Needs PostgreSQL (DATABASE_URL, or postgres://postgres@127.0.0.1:5432/insidetrack_bench, created and migrated if
missing) and, for the default load generator, Debian's ``wrk`` (``apt-get install wrk``). Fresh invitations are
created each run, already opened: on a phone the page is loaded (GET) before a score is tapped, and the tap (POST
with the CSRF cookie and form token, as a browser sends it) is what is measured. The server runs as a separate
process tree on 127.0.0.1; the load comes from a second process (wrk, written in C, so it leaves the cores to the
server) over loopback, and client and server share the machine's two cores.

The baseline, measured in the same run and the same server, is a small static file: the cost of HTTP, WSGI and
middleware with no view and no database. The ratio says how much of the server's capacity a submission's real
work takes. Target from the listen issue: at least 500 submissions/s at p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insidetrack_bench"


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def _prepare(count: int) -> list[str]:
    """Migrate, then create ``count`` sent invitations; returns their tokens."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insidetrack.settings")
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from insidetrack.surveys.models import Invitation, InvitationStatus, OperationalEvent
    from insidetrack.surveys.tests.factories import OperationalEventFactory
    from insidetrack.surveys.tokens import make_token, new_nonce

    call_command("migrate", verbosity=0)
    # Reuse the world of an earlier run: the factories' sequences restart and would collide with its codes.
    event = OperationalEvent.objects.order_by("pk").first() or OperationalEventFactory()
    now = timezone.now()
    invitations = Invitation.objects.bulk_create([
        Invitation(brand_id=event.brand_id, dealer_id=event.dealer_id, customer_id=event.customer_id,
                   touchpoint_id=event.touchpoint_id, status=InvitationStatus.SENT, scheduled_for=now, sent_at=now,
                   # Opened, as on a phone: the page is loaded (GET) before a score is tapped (the measured POST).
                   opened_at=now,
                   expires_at=now + timezone.timedelta(days=14), token_nonce=new_nonce(), language="de")
        for _ in range(count)
    ], batch_size=1000)
    return [make_token(invitation_pk=invitation.pk, nonce=invitation.token_nonce) for invitation in invitations]


async def _request(port: int, raw: bytes) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = await reader.read()
    writer.close()
    elapsed = time.perf_counter() - started
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data, elapsed


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nConnection: close\r\n\r\n".encode()


def _post(path: str, body: str, cookie: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept-Language: de\r\n"
            f"Cookie: csrftoken={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}").encode()


async def _phase(port: int, requests: list[bytes], concurrency: int, limit: float, expect: int) -> dict:
    """Send the requests with ``concurrency`` in flight until done or ``limit`` seconds; latency of each."""
    latencies: list[float] = []
    failures = 0
    bodies: list[bytes] = []
    queue = iter(requests)
    deadline = time.perf_counter() + limit

    async def worker() -> None:
        nonlocal failures
        for raw in queue:
            if time.perf_counter() > deadline:
                return
            status, data, elapsed = await _request(port, raw)
            latencies.append(elapsed)
            if status != expect:
                failures += 1
            if len(bodies) < 1:
                bodies.append(data)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    latencies.sort()
    return {"count": len(latencies), "failures": failures, "rate": len(latencies) / wall,
            "p50": statistics.median(latencies) * 1000, "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "sample": bodies[0] if bodies else b""}


_WRK_SCRIPT = r"""
-- Each wrk thread walks its own slice of the invitation tokens, so submissions hit distinct invitations.
local tokens, counter, csrf = {}, 0, os.getenv("BENCH_CSRF")
local next_id = 0
function setup(thread) thread:set("id", next_id); next_id = next_id + 1 end
function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
  counter = id * math.floor(#tokens / 16)
end
function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  return wrk.format("POST", "/s/" .. token .. "/", {
    ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "csrftoken=" .. csrf,
    ["User-Agent"] = "bench", ["Accept-Language"] = "de"},
    "score=" .. (counter % 11) .. "&csrfmiddlewaretoken=" .. csrf)
end
function done(summary, latency, requests)
  local codes = 0
  io.write(string.format("BENCH rate=%.1f p50=%.2f p99=%.2f errors=%d non2xx_or_3xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def _wrk(port: int, path: str, seconds: float, connections: int, script: Path | None, env: dict) -> dict:
    """Run wrk (a C load generator: it leaves the cores to the server) and parse the figures its script prints."""
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{int(seconds)}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    else:
        command += ["-s", str(script_for_get(env))]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            env={**os.environ, **env}, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    figures = dict(item.split("=") for item in line.split()[1:])
    return {"rate": float(figures["rate"]), "p50": float(figures["p50"]), "p99": float(figures["p99"]),
            "count": int(float(figures["rate"]) * seconds), "failures": int(figures["errors"]) +
            int(figures["non2xx_or_3xx"])}


def script_for_get(env: dict) -> Path:
    path = Path(env["BENCH_DIR"]) / "get.lua"
    path.write_text(_WRK_SCRIPT.split("function setup")[0] + _WRK_SCRIPT[_WRK_SCRIPT.index("function done"):])
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invitations", type=int, default=30000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per phase")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python",
                        help="load generator in the second process: wrk (Debian package, default when installed) or "
                             "the asyncio client here (one connection per request, heavier on the shared cores)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    args = parser.parse_args()

    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or shutil.which("gunicorn")
    if not gunicorn:
        sys.exit("gunicorn is needed: it is a pinned dependency, run `make install`")
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith("postgres"):
        sys.exit("this benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    _ensure_database(url)
    print(f"preparing {args.invitations} invitations in {urlsplit(url).path.lstrip('/')} ...", flush=True)
    tokens = _prepare(args.invitations)
    from django.db import connections

    connections.close_all()

    port = _free_port()
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "INSIDETRACK_SCHEDULER": "0", "LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(
        [gunicorn, "insidetrack.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--worker-class", args.worker_class, "--threads", str(args.threads), "--log-level", "warning",
         "--backlog", "2048"], cwd=ROOT, env=env, start_new_session=True)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        if args.client == "wrk":
            _run_wrk(port, tokens, args)
        else:
            asyncio.run(_run(port, tokens, args))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


async def _run(port: int, tokens: list[str], args: argparse.Namespace) -> None:
    static = "/static/insidetrack/app.css"
    # Warm every worker (imports, templates, database connections) before measuring.
    await _phase(port, [_get(static)] * 200 + [_get(f"/s/{t}/") for t in tokens[:1]], args.concurrency, 10, 200)
    baseline = await _phase(port, [_get(static)] * len(tokens), args.concurrency, args.time_limit, 200)
    opens = await _phase(port, [_get(f"/s/{t}/") for t in tokens], args.concurrency, args.time_limit, 200)
    cookie = re.search(rb"csrftoken=([A-Za-z0-9]+)", opens["sample"])
    if not cookie:
        sys.exit("the survey page did not set a CSRF cookie")
    secret = cookie.group(1).decode()
    posts = [_post(f"/s/{t}/", f"score={i % 11}&csrfmiddlewaretoken={secret}", secret) for i, t in enumerate(tokens)]
    submissions = await _phase(port, posts, args.concurrency, args.time_limit, 302)

    print(f"server: gunicorn gthread, {args.workers} workers x {args.threads} threads; "
          f"client: {args.concurrency} concurrent connections; {os.cpu_count()} cores shared")
    for label, result in (("baseline (static file)", baseline), ("survey page opens (GET)", opens),
                          ("score submissions (POST)", submissions)):
        print(f"{label:28} {result['count']:6d} requests {result['failures']:4d} failed  {result['rate']:8.1f}/s  "
              f"p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms")
    print(f"ratio submissions/s : baseline/s = {submissions['rate'] / baseline['rate']:.2f}")
    print("target: >= 500 submissions/s with p99 < 100 ms")


def _run_wrk(port: int, tokens: list[str], args: argparse.Namespace) -> None:
    import tempfile
    import urllib.request

    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        (folder_path / "tokens.txt").write_text("\n".join(tokens) + "\n")
        # Any well-formed 32-character secret works as Django's CSRF cookie; the form repeats it, as a browser would.
        secret = "benchbenchbenchbenchbenchbench01"
        env = {"BENCH_TOKENS": str(folder_path / "tokens.txt"), "BENCH_CSRF": secret, "BENCH_DIR": folder}
        post_script = folder_path / "post.lua"
        post_script.write_text(_WRK_SCRIPT)
        static = "/static/insidetrack/app.css"
        for _ in range(50):  # warm every worker: imports, templates, database connections
            urllib.request.urlopen(f"http://127.0.0.1:{port}{static}").read()
        _wrk(port, static, 3, args.concurrency, None, env)
        baseline = _wrk(port, static, args.time_limit, args.concurrency, None, env)
        submissions = _wrk(port, "/", args.time_limit, args.concurrency, post_script, env)
    print(f"server: gunicorn {args.worker_class}, {args.workers} workers x {args.threads} threads; "
          f"client: wrk, 2 threads, {args.concurrency} keep-alive connections; {os.cpu_count()} cores shared")
    for label, result in (("baseline (static file)", baseline), ("score submissions (POST)", submissions)):
        print(f"{label:28} {result['count']:6d} requests {result['failures']:4d} failed  {result['rate']:8.1f}/s  "
              f"p50 {result['p50']:6.1f} ms  p99 {result['p99']:6.1f} ms")
    print(f"ratio submissions/s : baseline/s = {submissions['rate'] / baseline['rate']:.2f}")
    print("target: >= 500 submissions/s with p99 < 100 ms")


if __name__ == "__main__":
    main()
