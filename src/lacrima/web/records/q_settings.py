"""Settings of the records app: the background task queue (django-q2) and the upload limit.

``lacrima.web.settings`` takes this block with::

    from lacrima.web.records.q_settings import *  # noqa: F403
    INSTALLED_APPS.append("django_q")

Environment
-----------
LACRIMA_MAX_UPLOAD_MB
    Largest recording upload, in megabytes (default 500). Larger uploads are refused
    while they stream in, with a message naming the limit.
LACRIMA_REDIS_URL
    ``redis://host:6379/0``: use Redis as the task broker (recommended with PostgreSQL;
    needs ``pip install redis``). Without it the queue lives in the database itself
    (django-q2's ORM broker), so the default SQLite install needs no extra server.
LACRIMA_WORKERS
    Analysis processes the worker runs at once (default 1: an analysis uses one core
    fully and a clinic rarely uploads two recordings in the same minute).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from lacrima.errors import ConfigError

__all__ = ["LACRIMA_MAX_UPLOAD_MB", "Q_CLUSTER", "max_upload_mb", "q_cluster"]

#: Longest an analysis may run before the worker gives up on it, s. A two-hour recording
#: analyses in about a minute on one core, so this only catches a stuck task.
TASK_TIMEOUT_S = 1800


def max_upload_mb(env: Mapping[str, str]) -> float:
    """``LACRIMA_MAX_UPLOAD_MB`` as a positive number (default 500)."""
    raw = env.get("LACRIMA_MAX_UPLOAD_MB", "").strip() or "500"
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 100_000:
        raise ConfigError(
            f"LACRIMA_MAX_UPLOAD_MB={raw!r} is not a size; it should be a number of "
            "megabytes between 1 and 100000, e.g. LACRIMA_MAX_UPLOAD_MB=500"
        )
    return value


def q_cluster(env: Mapping[str, str]) -> dict[str, Any]:
    """The django-q2 cluster settings: ORM broker by default, Redis when configured."""
    workers_raw = env.get("LACRIMA_WORKERS", "").strip() or "1"
    if not workers_raw.isdigit() or not 1 <= int(workers_raw) <= 32:
        raise ConfigError(
            f"LACRIMA_WORKERS={workers_raw!r} should be a whole number from 1 to 32, "
            "e.g. LACRIMA_WORKERS=2"
        )
    cluster: dict[str, Any] = {
        "name": "lacrima",
        "workers": int(workers_raw),
        "timeout": TASK_TIMEOUT_S,
        "retry": TASK_TIMEOUT_S + 120,  # must exceed the timeout
        "max_attempts": 1,  # a failed analysis is shown to the therapist, not retried
        "ack_failures": True,
        "save_limit": 200,
        "catch_up": False,
        "recycle": 50,
        "label": "Background tasks",
    }
    redis_url = env.get("LACRIMA_REDIS_URL", "").strip()
    if redis_url:
        if not re.match(r"^rediss?://", redis_url):
            raise ConfigError(
                f"LACRIMA_REDIS_URL should look like redis://127.0.0.1:6379/0 (got {redis_url!r})"
            )
        cluster["redis"] = redis_url
    else:
        cluster["orm"] = "default"
        cluster["poll"] = 1
    return cluster


LACRIMA_MAX_UPLOAD_MB = max_upload_mb(os.environ)
Q_CLUSTER = q_cluster(os.environ)
