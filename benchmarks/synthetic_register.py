"""A synthetic register for load tests: plans, tasks, reports and observations in bulk.

Everything it writes is labelled synthetic (titles start with 【合成】, units with SYN-).
Usage: python benchmarks/synthetic_register.py URL [--plans 50 --tasks 5000 --reports 100000
       --observations 1000000]

It prints the counts and the user names it created (all with the password ``Load-Passw0rd!``).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from luoshi.registry.db import make_engine, session_scope, upgrade
from luoshi.registry.models import (
    Department,
    Document,
    SourceFileRow,
    TargetRow,
    TaskDepartment,
    TaskRow,
)
from luoshi.registry.tracking import Observation, ProgressReport, ReportingPeriod
from luoshi.services.accounts import create_user

PASSWORD = "Load-Passw0rd!"
STATUSES = ("not_started", "in_progress", "done", "delayed", "blocked")
STATES = ("submitted", "accepted", "returned", "draft")
INDICATORS = ("PM2.5浓度", "优良天数比率", "国考断面水质优Ⅲ比例", "林木覆盖率", "单位GDP能耗下降率")
CHUNK = 20_000


def _chunks(rows: list[dict[str, Any]]) -> Any:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def build(engine: Engine, plans: int, tasks: int, reports: int, observations: int, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    upgrade(engine)
    with engine.begin() as conn:
        units = [f"SYN-{i:02d}局" for i in range(60)]
        conn.execute(insert(Department), [{"name": u, "kind": "department"} for u in units])
        unit_ids = list(conn.scalars(select(Department.id).where(Department.name.like("SYN-%"))))
        text = "【合成】" + "推进生态环境保护工作。" * 400
        source_rows = [
            {"sha256": hashlib.sha256(f"syn{p}".encode()).hexdigest(), "path": f"synthetic/{p}.txt",
             "kind": "txt", "encoding": "utf-8", "text": text, "imported_at": now}
            for p in range(plans)
        ]  # fmt: skip
        conn.execute(insert(SourceFileRow), source_rows)
        source_ids = list(conn.scalars(select(SourceFileRow.id).where(SourceFileRow.path.like("synthetic/%"))))
        conn.execute(insert(Document), [
            {"source_file_id": sid, "key": f"SYN-PLAN-{p}", "span_start": 0, "span_end": len(text),
             "title": f"【合成】第{p + 1}号实施方案", "doc_number": f"合成〔2024〕{p + 1}号",
             "issuer": "【合成】市人民政府", "date": date(2024, 1, 1), "imported_at": now}
            for p, sid in enumerate(source_ids)
        ])  # fmt: skip
        doc_ids = list(conn.scalars(select(Document.id).where(Document.key.like("SYN-PLAN-%"))))
        task_rows = []
        for t in range(tasks):
            d = doc_ids[t % len(doc_ids)]
            task_rows.append({
                "document_id": d, "document_key": f"SYN-PLAN-{t % len(doc_ids)}",
                "natural_key": f"syn-task-{t}", "review_state": "confirmed", "superseded": False,
                "created_at": now, "updated_at": now, "span_start": 0, "span_end": 20,
                "path": ["二", str(t % 7 + 1)], "label": str(t // len(doc_ids) + 1),
                "title": f"合成任务{t}", "text": f"【合成】任务{t}：推进重点工作。", "source_kind": "prose",
                "deadline_text": "到2025年", "deadline_kind": "by", "deadline_year": 2025 + t % 3,
                "deadline_month": None,
            })  # fmt: skip
        for chunk in _chunks(task_rows):
            conn.execute(insert(TaskRow), chunk)
        task_ids = list(conn.scalars(select(TaskRow.id).where(TaskRow.natural_key.like("syn-task-%"))))
        links = []
        task_units: dict[int, list[int]] = {}
        for tid in task_ids:
            chosen = rng.sample(unit_ids, 3)
            task_units[tid] = chosen
            links += [{"task_id": tid, "department_id": u, "role": "lead" if i == 0 else "responsible",
                       "position": i} for i, u in enumerate(chosen)]  # fmt: skip
        for chunk in _chunks(links):
            conn.execute(insert(TaskDepartment), chunk)
        target_rows = []
        for p in range(plans):
            for k in range(20):
                target_rows.append({
                    "document_id": doc_ids[p], "document_key": f"SYN-PLAN-{p}", "natural_key": f"syn-target-{p}-{k}",
                    "review_state": "confirmed", "superseded": False, "created_at": now, "updated_at": now,
                    "span_start": 0, "span_end": 10, "indicator": INDICATORS[k % len(INDICATORS)],
                    "scope": f"SYN-区{k}", "comparator": ">=", "value": 80.0, "unit": "%", "year": 2025,
                    "month": None, "baseline_year": None, "recurring": False, "text": "【合成】目标",
                })  # fmt: skip
        conn.execute(insert(TargetRow), target_rows)
        target_ids = list(conn.scalars(select(TargetRow.id).where(TargetRow.natural_key.like("syn-target-%"))))
        periods = []
        for p in range(plans):
            for q in range(8):
                y, qq = 2023 + q // 4, q % 4 + 1
                periods.append({"document_key": f"SYN-PLAN-{p}", "label": f"{y}-Q{qq}",
                                "starts_on": date(y, 3 * qq - 2, 1), "ends_on": date(y, 3 * qq, 28),
                                "due_on": date(y, 3 * qq, 28)})  # fmt: skip
        conn.execute(insert(ReportingPeriod), periods)
        period_rows = list(conn.execute(select(ReportingPeriod.id, ReportingPeriod.document_key)
                                        .where(ReportingPeriod.document_key.like("SYN-PLAN-%"))))  # fmt: skip
        by_plan: dict[str, list[int]] = {}
        for pid, key in period_rows:
            by_plan.setdefault(key, []).append(pid)
        report_rows = []
        seen: set[tuple[int, int, int]] = set()
        while len(report_rows) < reports:
            i = rng.randrange(len(task_ids))
            tid = task_ids[i]
            pid = rng.choice(by_plan[f"SYN-PLAN-{i % len(doc_ids)}"])
            uid = rng.choice(task_units[tid])
            if (tid, pid, uid) in seen:
                continue
            seen.add((tid, pid, uid))
            report_rows.append({"task_id": tid, "period_id": pid, "unit_id": uid,
                                "status": rng.choice(STATUSES), "percent": rng.randrange(101),
                                "narrative": "【合成】按计划推进。", "state": rng.choice(STATES), "revision": 1,
                                "created_at": now, "updated_at": now})  # fmt: skip
        for chunk in _chunks(report_rows):
            conn.execute(insert(ProgressReport), chunk)
        obs_rows: list[dict[str, Any]] = []
        per_target = max(1, observations // len(target_ids))
        for tid in target_ids:
            level = rng.uniform(60, 90)
            for j in range(per_target):
                year, month = 2000 + j // 12, j % 12 + 1
                obs_rows.append({"target_id": tid, "indicator": "优良天数比率", "region": f"SYN-{tid}",
                                 "period": f"{year}-{month:02d}", "year": year, "month": month,
                                 "value": level + rng.gauss(0, 2), "unit": "%", "source": "synthetic",
                                 "created_at": now})  # fmt: skip
            if len(obs_rows) >= CHUNK:
                conn.execute(insert(Observation), obs_rows)
                obs_rows = []
        if obs_rows:
            conn.execute(insert(Observation), obs_rows)
    users = {"office": "syn_office"}
    with session_scope(engine) as session:
        create_user(session, "syn_office", PASSWORD, "office")
        for k in range(3):
            name = f"syn_dept{k}"
            unit = session.get(Department, unit_ids[k])
            assert unit is not None
            create_user(session, name, PASSWORD, "department", unit.name)
            users[f"department{k}"] = name
    return {"plans": plans, "tasks": tasks, "reports": reports, "observations": per_target * len(target_ids),
            "users": users, "documents": doc_ids}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--observations", type=int, default=1_000_000)
    args = parser.parse_args()
    engine = make_engine(args.url)
    t0 = time.perf_counter()
    info = build(engine, args.plans, args.tasks, args.reports, args.observations)
    print(f"built in {time.perf_counter() - t0:.1f} s: {info['plans']} plans, {info['tasks']} tasks, "
          f"{info['reports']} reports, {info['observations']} observations")  # fmt: skip
    print("users:", ", ".join(info["users"].values()), f"(password {PASSWORD})")


if __name__ == "__main__":
    main()
