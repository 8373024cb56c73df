"""Crisis resources by locale, from a data file (never hard-coded in templates).

Other apps show crisis resources inline with::

    from lacrima.web.core.crisis import resources_for
    lines = resources_for()            # the installation's LACRIMA_LOCALE
    lines = resources_for("en-GB")     # or a given locale / country code

The file is ``core/data/crisis_resources.json`` unless ``LACRIMA_CRISIS_FILE`` names
another one. Every entry carries its source and the date it was last checked.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from lacrima.errors import ConfigError

__all__ = ["CrisisResource", "load_resources", "regions", "resources_for"]

_EU_CODES = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
EU_COUNTRIES = frozenset(_EU_CODES.split())
REGION_NAMES = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "AU": "Australia",
    "EU": "European Union",
}
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


def resources_for(locale: str | None = None) -> list[CrisisResource]:
    """The crisis lines and emergency numbers for ``locale``, crisis lines first.

    ``locale`` is like ``"en-GB"`` or a country code ``"GB"``; default: the
    installation's ``LACRIMA_LOCALE``. EU countries also get the EU-wide 112. An unknown
    region gives an empty list: show :func:`regions` (all of them) instead.
    """
    region = _region(locale or settings.LACRIMA_LOCALE)
    wanted = {region} | ({"EU"} if region in EU_COUNTRIES else set())
    found = [r for r in load_resources() if r.locale in wanted]
    return sorted(found, key=lambda r: (r.is_emergency, r.locale != region))


def regions() -> list[tuple[str, str, list[CrisisResource]]]:
    """Every region in the file as ``(code, name, resources)``, sorted by name."""
    by_region: dict[str, list[CrisisResource]] = {}
    for res in load_resources():
        by_region.setdefault(res.locale, []).append(res)
    return sorted(
        ((code, REGION_NAMES.get(code, code), rows) for code, rows in by_region.items()),
        key=lambda item: item[1],
    )
