"""ASGI entry point (served by uvicorn through ``lacrima serve``)."""

from __future__ import annotations

import os
import warnings

from django.core.asgi import get_asgi_application

# whitenoise serves static files as synchronous file iterators; under ASGI Django
# streams them from a worker thread and warns each time. That is expected here
# (see docs/decisions/0002-static-files-under-asgi.md).
warnings.filterwarnings(
    "ignore",
    message="StreamingHttpResponse must consume synchronous iterators",
    category=Warning,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lacrima.web.settings")

from lacrima.web.records.asgi import UploadLimitMiddleware  # noqa: E402  (needs settings)

# Refuse an over-size upload from its declared length, before Django reads the body.
application = UploadLimitMiddleware(get_asgi_application())
