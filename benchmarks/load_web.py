"""Load benchmark of the web workspace: p50 / p95 latency under 20 concurrent clients.

Builds a synthetic register (50 plans, 5,000 tasks, 100,000 progress reports, 1,000,000
observations; see synthetic_register.py), serves it with uvicorn on loopback, signs clients in,
and times the dashboard, a plan page, a department's task list and the observation upload.

Usage: python benchmarks/load_web.py [--url sqlite:////tmp/luoshi-load.db] [--reuse]
       [--clients 20] [--requests 200] [--workers 2]
The traffic goes only to 127.0.0.1, in a bounded number of requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from luoshi.registry.db import make_engine  # noqa: E402
from synthetic_register import PASSWORD, build  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _signed_in(base: str, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30)
    r = await client.post("/login", data={"username": username, "password": PASSWORD})
    r = await client.get("/")
    m = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
    client.headers["X-CSRF-Token"] = m.group(1) if m else ""
    return client


def _upload_csv(i: int) -> bytes:
    rows = ["indicator,region,period,value,unit,source"]
    rows += [f"优良天数比率,SYN-LOAD-{i},2025-{m:02d},{80 + m * 0.1:.1f},%,load test" for m in range(1, 13)]
    return ("\n".join(rows) + "\n").encode("utf-8")


async def _run(base: str, clients: list[httpx.AsyncClient], n: int,
               call: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]) -> list[float]:  # fmt: skip
    latencies: list[float] = []
    counter = iter(range(n))
    errors = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            t0 = time.perf_counter()
            r = await call(client, i)
            latencies.append(time.perf_counter() - t0)
            if r.status_code >= 400:
                errors += 1

    await asyncio.gather(*(worker(c) for c in clients))
    if errors:
        print(f"  warning: {errors} responses with status >= 400")
    return latencies


def _report(name: str, latencies: list[float]) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(f"{name:<28} n={len(latencies):>4}  p50 {q[49] * 1000:7.1f} ms  p95 {q[94] * 1000:7.1f} ms")


async def _measure(base: str, users: dict[str, str], plan_id: int, n_clients: int, n: int,
                   upload_path: str) -> None:  # fmt: skip
    office = [await _signed_in(base, users["office"]) for _ in range(n_clients)]
    dept = [await _signed_in(base, users["department0"]) for _ in range(n_clients)]
    try:
        for c in office[:2]:
            await c.get("/")  # warm up
        _report("dashboard /", await _run(base, office, n, lambda c, i: c.get("/")))
        _report(f"plan page /plans/{plan_id}", await _run(base, office, n, lambda c, i: c.get(f"/plans/{plan_id}")))
        _report("department tasks /tasks", await _run(base, dept, n, lambda c, i: c.get("/tasks")))
        _report(f"observation upload {upload_path}", await _run(
            base, office, n,
            lambda c, i: c.post(upload_path, files={"file": (f"obs{i}.csv", _upload_csv(i), "text/csv")}),
        ))  # fmt: skip
    finally:
        for c in office + dept:
            await c.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="sqlite:////tmp/luoshi-load.db")
    parser.add_argument("--reuse", action="store_true", help="use the register already at --url")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="per endpoint")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--upload-path", default="/observations/upload")
    args = parser.parse_args()
    if args.url.startswith("sqlite:///") and not args.reuse:
        Path(args.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    users = {"office": "syn_office", "department0": "syn_dept0"}
    if not args.reuse:
        t0 = time.perf_counter()
        info = build(make_engine(args.url), 50, 5000, 100_000, 1_000_000)
        print(f"register built in {time.perf_counter() - t0:.0f} s: 50 plans, 5,000 tasks, "
              f"100,000 reports, {info['observations']:,} observations")  # fmt: skip
    engine = make_engine(args.url)
    with engine.connect() as conn:
        from sqlalchemy import text

        plan_id = conn.scalar(text("SELECT min(id) FROM document WHERE key LIKE 'SYN-PLAN-%'"))
    port = _free_port()
    env = {**os.environ, "LUOSHI_DATABASE_URL": args.url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "luoshi.web.app:create_app", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(args.workers), "--log-level", "warning",
         "--timeout-keep-alive", "60"],  # as `luoshi serve`: the 40 sign-ins take longer than 5 s
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/login", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(f"{args.clients} concurrent clients, {args.requests} requests per endpoint, "
              f"{args.workers} uvicorn workers, database {make_engine(args.url).dialect.name}")  # fmt: skip
        asyncio.run(_measure(base, users, int(plan_id), args.clients, args.requests, args.upload_path))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
