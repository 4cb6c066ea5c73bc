"""read indexes: live observations per target, reports per task and state, tasks per unit

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:15:00

Hand-written. The indexes the web workspace's reads walk (see the models):

- ``ix_observation_target_live``: a target's live observations by year and month (the
  scorecard's first / last year and the value of a year), partial on ``superseded_at IS NULL``;
- ``ix_progress_report_task_state``: a task's reports in a state, by period (latest report);
- ``ix_progress_report_unit_period``: a unit's reports in given periods (outstanding reports);
- ``ix_task_department_unit``: the tasks a unit is named on in a role (access, "my tasks").
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_observation_target_live", "indicator_observation", ["target_id", "year", "month", "id"],
        unique=False, postgresql_where=LIVE, sqlite_where=LIVE,
    )  # fmt: skip
    op.create_index("ix_progress_report_task_state", "progress_report", ["task_id", "state", "period_id"], unique=False)
    op.create_index("ix_progress_report_unit_period", "progress_report", ["unit_id", "period_id"], unique=False)
    op.create_index("ix_task_department_unit", "task_department", ["department_id", "role", "task_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_task_department_unit", table_name="task_department")
    op.drop_index("ix_progress_report_unit_period", table_name="progress_report")
    op.drop_index("ix_progress_report_task_state", table_name="progress_report")
    op.drop_index("ix_observation_target_live", table_name="indicator_observation")
