"""Settings of the records app: the background task queue (django-q2) and the upload limit.

The values come from :mod:`lacrima.web.config` (``LACRIMA_MAX_UPLOAD_MB``,
``LACRIMA_REDIS_URL``, ``LACRIMA_WORKERS``); ``lacrima.web.settings`` builds the block
with::

    Q_CLUSTER = cluster_settings(CONFIG.workers, CONFIG.redis_url)

Without Redis the queue lives in the database itself (django-q2's ORM broker), so the
default SQLite install needs no extra server. One analysis uses one core fully and a
clinic rarely uploads two recordings in the same minute, hence one worker by default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lacrima.web import config

__all__ = ["TASK_TIMEOUT_S", "cluster_settings", "max_upload_mb", "q_cluster"]

#: Longest an analysis may run before the worker gives up on it, s. A two-hour recording
#: analyses in about a minute on one core, so this only catches a stuck task.
TASK_TIMEOUT_S = 1800


def max_upload_mb(env: Mapping[str, str]) -> float:
    """``LACRIMA_MAX_UPLOAD_MB`` as a positive number (default 500); see :mod:`config`."""
    return config.max_upload_mb(env)


def q_cluster(env: Mapping[str, str]) -> dict[str, Any]:
    """The django-q2 settings for the variables in ``env`` (checked by :mod:`config`)."""
    return cluster_settings(config.task_workers(env), config.redis_url(env))


def cluster_settings(workers: int, redis_url: str = "") -> dict[str, Any]:
    """The django-q2 cluster settings: ORM broker by default, Redis when given."""
    cluster: dict[str, Any] = {
        "name": "lacrima",
        "workers": workers,
        "timeout": TASK_TIMEOUT_S,
        "retry": TASK_TIMEOUT_S + 120,  # must exceed the timeout
        "max_attempts": 1,  # a failed analysis is shown to the therapist, not retried
        "ack_failures": True,
        "save_limit": 200,
        "catch_up": False,
        "recycle": 50,
        "label": "Background tasks",
    }
    if redis_url:
        cluster["redis"] = redis_url
    else:
        cluster["orm"] = "default"
        cluster["poll"] = 1
    return cluster
