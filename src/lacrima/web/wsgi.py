"""WSGI entry point, for servers such as gunicorn (``lacrima serve`` uses ASGI)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lacrima.web.settings")

application = get_wsgi_application()
