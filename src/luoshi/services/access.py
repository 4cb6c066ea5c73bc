"""Who may read and write what. Enforced by the services, whatever the UI shows.

- admin, office: everything (the office reviews reports, imports plans, sets periods);
- department: the tasks its unit is named on (lead or responsible), and their reports;
- district: the tasks its unit is named on, plus every task with implementing bodies
  (各县〈市、区〉人民政府…落实 applies to each district);
- viewer: read-only, everything;
- anonymous (the public pages): read-only plans, targets and accepted progress.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from luoshi.errors import LuoshiError
from luoshi.registry.models import TaskDepartment, TaskRow
from luoshi.registry.tracking import UserAccount

OFFICE_ROLES = ("admin", "office")


class Forbidden(LuoshiError):
    """The user may not do this (HTTP 403)."""


class NotFound(LuoshiError):
    """No such record, or it is deleted (HTTP 404)."""


def is_office(user: UserAccount | None) -> bool:
    return user is not None and user.role in OFFICE_ROLES


def require_office(user: UserAccount | None) -> UserAccount:
    if user is None or user.role not in OFFICE_ROLES:
        raise Forbidden("only the coordinating office may do this")
    return user


def require_role(user: UserAccount | None, *roles: str) -> UserAccount:
    if user is None or user.role not in roles:
        raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")
    return user


def _unit_clause(user: UserAccount):  # type: ignore[no-untyped-def]
    # IN (uncorrelated subquery): the database reads the unit's rows off the
    # (department_id, role, task_id) index instead of probing every task
    named = TaskRow.id.in_(
        select(TaskDepartment.task_id).where(
            TaskDepartment.department_id == user.unit_id, TaskDepartment.role.in_(("lead", "responsible"))
        )
    )
    if user.role == "district":
        implementing = TaskRow.id.in_(select(TaskDepartment.task_id).where(TaskDepartment.role == "implementing"))
        return named | implementing
    return named


def visible_tasks(user: UserAccount | None, query: Select | None = None) -> Select:  # type: ignore[type-arg]
    """``query`` (default: all live tasks) narrowed to what ``user`` may read."""
    q = query if query is not None else select(TaskRow)
    q = q.where(TaskRow.superseded.is_(False), TaskRow.review_state != "rejected")
    if user is None or user.role in ("admin", "office", "viewer"):
        return q
    if user.unit_id is None:
        return q.where(false())  # a unit role without a unit sees nothing
    return q.where(_unit_clause(user))


def can_read_task(session: Session, user: UserAccount | None, task_id: int) -> bool:
    return session.scalar(visible_tasks(user, select(TaskRow.id)).where(TaskRow.id == task_id)) is not None


def get_task(session: Session, user: UserAccount | None, task_id: int) -> TaskRow:
    """The task, if it exists and ``user`` may read it."""
    task = session.get(TaskRow, task_id)
    if task is None:
        raise NotFound(f"task {task_id} not found")
    if not can_read_task(session, user, task_id):
        raise Forbidden(f"task {task_id} belongs to another unit")
    return task


def require_task_write(session: Session, user: UserAccount | None, task_id: int) -> TaskRow:
    """The task, if ``user`` may report on it (its unit, or the office)."""
    task = get_task(session, user, task_id)
    if user is None or user.role == "viewer":
        raise Forbidden("read-only account")
    return task
