"""App configuration of the core app."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from django.core import checks

logger = logging.getLogger("lacrima.web.core")


def check_crisis_coverage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check (``manage.py check``, ``lacrima serve`` start-up): the locale's region
    has at least one bundled crisis line or emergency number.
    """
    from lacrima.web.core import crisis

    warning = crisis.coverage_warning()
    return [checks.Warning(warning, id="lacrima.W001")] if warning else []


class CoreConfig(AppConfig):
    """Base templates, home, crisis page, sign-in, static files."""

    name = "lacrima.web.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        """Check the crisis-resources file at start-up so a broken file stops the server,
        and warn when the configured locale has no entries in it."""
        from lacrima.web.core import crisis

        crisis.load_resources()
        checks.register(check_crisis_coverage)
        warning = crisis.coverage_warning()
        if warning:
            logger.warning("%s", warning)
