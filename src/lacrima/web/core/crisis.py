"""Crisis resources by region: the bundled data file plus the clinic's own entries.

Other apps show crisis resources inline with::

    from lacrima.web.core.crisis import resources_for, region_for_request
    lines = resources_for()                          # the installation's LACRIMA_LOCALE
    lines = resources_for(region_for_request(request))  # ?region=, then Accept-Language

The file is ``core/data/crisis_resources.json`` unless ``LACRIMA_CRISIS_FILE`` names
another one. Every file entry carries its source and the date it was compared with a
list; none claims a verification at the service's own site. A clinic admin adds,
corrects and verifies entries on ``/staff/crisis/`` (:class:`~lacrima.web.core.models.
CrisisLine`); a clinic entry replaces the bundled one of the same region and name, and
only a clinic verification (date and person) is ever shown as "verified".
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError

from lacrima.errors import ConfigError
from lacrima.web.core.models import CrisisLine

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "CrisisResource",
    "all_resources",
    "coverage_warning",
    "load_resources",
    "region_for_request",
    "region_name",
    "regions",
    "resources_for",
]

logger = logging.getLogger(__name__)

_EU_CODES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_COUNTRIES = frozenset(_EU_CODES.split())
REGION_NAMES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "AU": "Australia",
    "NZ": "New Zealand",
    "IN": "India",
    "CH": "Switzerland",
    "EU": "European Union",
}
#: At most this many Accept-Language entries are read (the header is client-controlled).
MAX_LANGUAGE_TAGS = 12
_REQUIRED = ("locale", "name", "kind", "url", "source", "last_checked")
_PHONE_RE = re.compile(r"^[0-9][0-9 ]*$")


@dataclass(frozen=True)
class CrisisResource:
    """One crisis line or emergency number."""

    locale: str
    name: str
    kind: str
    phone: str
    text: str
    url: str
    hours: str
    source: str
    last_checked: dt.date
    verified_on: dt.date | None = None
    verified_by: str = ""
    clinic_id: int | None = None

    @property
    def key(self) -> str:
        """``REGION:name``: which bundled entry a clinic entry replaces."""
        return f"{self.locale}:{self.name}"

    @property
    def is_verified(self) -> bool:
        """True only when a verification (date and person) was recorded."""
        return self.verified_on is not None and bool(self.verified_by)

    @property
    def is_emergency(self) -> bool:
        """True for emergency services (as opposed to a listening / crisis line)."""
        return self.kind == "emergency"

    @property
    def phone_uri(self) -> str:
        """A ``tel:`` link target for the phone number."""
        return "tel:" + self.phone.replace(" ", "")

    @property
    def text_uri(self) -> str:
        """An ``sms:`` link target for the text number, or ``""``."""
        return "sms:" + self.text.replace(" ", "") if self.text else ""


def _entry(raw: object, index: int, path: Path) -> CrisisResource:
    where = f"{path}, entry {index}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: each entry must be an object")
    missing = [k for k in _REQUIRED if not str(raw.get(k, "")).strip()]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    phone, text = str(raw.get("phone", "")).strip(), str(raw.get("text", "")).strip()
    if not phone and not text:
        raise ConfigError(f"{where}: needs a phone or a text number")
    for label, number in (("phone", phone), ("text", text)):
        if number and not _PHONE_RE.match(number):
            raise ConfigError(f"{where}: {label} must be digits and spaces, got {number!r}")
    try:
        checked = dt.date.fromisoformat(str(raw["last_checked"]))
    except ValueError as exc:
        raise ConfigError(f"{where}: last_checked must be a date like 2025-01-31") from exc
    if raw["kind"] not in ("crisis_line", "emergency"):
        raise ConfigError(f"{where}: kind must be 'crisis_line' or 'emergency'")
    return CrisisResource(
        locale=str(raw["locale"]).upper(),
        name=str(raw["name"]),
        kind=str(raw["kind"]),
        phone=phone,
        text=text,
        url=str(raw["url"]),
        hours=str(raw.get("hours", "")),
        source=str(raw["source"]),
        last_checked=checked,
    )


def _clinic_entries() -> tuple[list[CrisisResource], set[str]]:
    """The clinic's own entries and the bundled keys they replace (none before migrate)."""
    try:
        rows = list(CrisisLine.objects.all())
    except DatabaseError:
        logger.warning("crisis lines kept by the clinic could not be read; run: lacrima migrate")
        return [], set()
    entries = [
        CrisisResource(
            locale=row.region,
            name=row.name,
            kind=row.kind,
            phone=row.phone,
            text=row.text,
            url=row.url,
            hours=row.hours,
            source=row.url,
            last_checked=(row.verified_on or row.updated_at.date()),
            verified_on=row.verified_on,
            verified_by=row.verified_by_name,
            clinic_id=row.pk,
        )
        for row in rows
    ]
    return entries, {row.replaces for row in rows if row.replaces}


def all_resources() -> list[CrisisResource]:
    """Every entry: the bundled file's, replaced or completed by the clinic's own."""
    clinic, replaced = _clinic_entries()
    return [r for r in load_resources() if r.key not in replaced] + clinic


def load_resources(path: Path | None = None) -> list[CrisisResource]:
    """Read and check a crisis-resources file (default: the configured one).

    Raises
    ------
    ConfigError
        The file is missing, not JSON, or an entry lacks a source, a date or a number.
    """
    path = Path(path or settings.LACRIMA_CRISIS_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"LACRIMA_CRISIS_FILE {path} cannot be read as JSON ({exc})") from exc
    entries = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: expected an object with a non-empty 'resources' list")
    return [_entry(raw, i, path) for i, raw in enumerate(entries)]


def _region(locale: str) -> str:
    part = locale.replace("_", "-").split("-")[-1]
    return part.upper()


def region_name(code: str) -> str:
    """The region's name in words (the code itself when unknown)."""
    return REGION_NAMES.get(code, code)


def _select(found: list[CrisisResource], region: str) -> list[CrisisResource]:
    wanted = {region} | ({"EU"} if region in EU_COUNTRIES else set())
    rows = [r for r in found if r.locale in wanted]
    return sorted(rows, key=lambda r: (r.is_emergency, r.locale != region))


def resources_for(locale: str | None = None) -> list[CrisisResource]:
    """The crisis lines and emergency numbers for ``locale``, crisis lines first.

    ``locale`` is like ``"en-GB"`` or a country code ``"GB"``; default: the
    installation's ``LACRIMA_LOCALE``. EU countries also get the EU-wide 112. An unknown
    region gives an empty list: the caller still says "call your local emergency
    number" and links ``/crisis/`` (the templates do).
    """
    return _select(all_resources(), _region(locale or settings.LACRIMA_LOCALE))


def regions() -> list[tuple[str, str, list[CrisisResource]]]:
    """Every region with entries as ``(code, name, resources)``, sorted by name."""
    by_region: dict[str, list[CrisisResource]] = {}
    for res in all_resources():
        by_region.setdefault(res.locale, []).append(res)
    return sorted(
        ((code, region_name(code), rows) for code, rows in by_region.items()),
        key=lambda item: item[1],
    )


def _accept_language_regions(header: str) -> list[str]:
    """Region codes named in an Accept-Language header, most preferred first."""
    tags = []
    for position, part in enumerate(header.split(",")[:MAX_LANGUAGE_TAGS]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        pieces = tag.strip().replace("_", "-").split("-")
        regions_in_tag = [p.upper() for p in pieces[1:] if len(p) == 2 and p.isalpha()]
        if regions_in_tag and weight > 0:
            tags.append((-weight, position, regions_in_tag[0]))
    return [code for _, _, code in sorted(tags)]


def region_for_request(request: HttpRequest) -> str:
    """The region to show first: ``?region=``, else the browser's language, else the
    installation's ``LACRIMA_LOCALE``.

    A region from the browser is used only when some entry covers it (an EU country
    counts, for 112); the visitor can always pick another one on ``/crisis/``.
    """
    known = {r.locale for r in all_resources()}
    chosen = request.GET.get("region", "")[:8].strip().upper()
    if re.fullmatch(r"[A-Z]{2}", chosen):
        return chosen
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:400]
    for code in _accept_language_regions(header):
        if code in known or (code in EU_COUNTRIES and "EU" in known):
            return code
    return _region(settings.LACRIMA_LOCALE)


def coverage_warning(locale: str | None = None) -> str:
    """A warning when the bundled file has no entry for the installation's region, else ``""``.

    Clinic entries may cover the region later; the crisis panel still says "call your
    local emergency number" and links ``/crisis/`` when none do.
    """
    locale = locale or settings.LACRIMA_LOCALE
    if _select(load_resources(), _region(locale)):
        return ""
    return (
        f"LACRIMA_LOCALE={locale}: the crisis-resources file has no line or emergency number "
        f"for region {_region(locale)}. Pages will say 'call your local emergency number' "
        "only. Add your region's lines on /staff/crisis/ (as a clinic admin) or in "
        "LACRIMA_CRISIS_FILE."
    )
