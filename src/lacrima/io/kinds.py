"""Which kind of signal a channel holds, inferred from its name and unit.

The rules are two small tables, :data:`KIND_NAME_RULES` and :data:`KIND_UNIT_RULES`,
so that they can be read (and argued about) in one place:

1. The channel name is split into lower-case words at spaces, punctuation and
   camelCase boundaries (``"PhotoSensor"`` -> ``photo``, ``sensor``;
   ``"ECG_lead II"`` -> ``ecg``, ``lead``, ``ii``). The whole name with the separators
   removed is tried first (so ``"heart rate"`` is tried as ``heartrate``), then each word.
2. A word matches a kind when it matches that kind's pattern in full, optionally
   followed by digits (``ECG2``, ``EDA1``). Kinds are tried in table order; the first
   match wins.
3. When no name rule matches, the unit decides (``uS`` -> eda, ``bpm`` -> hr, ...).
4. Otherwise the kind is ``"other"``.

A caller overrides any of this with ``lacrima.read(path, kinds={"column": "ecg"})``.
"""

from __future__ import annotations

import re

__all__ = [
    "KINDS",
    "KIND_NAME_RULES",
    "KIND_UNIT_RULES",
    "infer_kind",
    "normalize_unit",
    "split_name_unit",
]

#: Every channel kind a :class:`~lacrima.io.Channel` can have.
KINDS: tuple[str, ...] = ("ecg", "ppg", "eda", "resp", "ibi", "hr", "temp", "acc", "other")

#: kind -> regular expression a name word must match in full (table order matters).
KIND_NAME_RULES: dict[str, str] = {
    # ECG: the word itself, limb and precordial lead names (MIT-BIH "MLII", "V1".."V6").
    "ecg": r"ecg|ekg|electrocardiog\w*|mlii|ml\d|v[1-6]|lead\w*|i{1,3}|av[rlf]",
    # PPG: photoplethysmogram, blood volume pulse (Empatica), pleth; BIDS "cardiac" is
    # usually the scanner's pulse oximeter.
    "ppg": r"ppg|bvp|pleth\w*|photopleth\w*|pulse|cardiac",
    # EDA: electrodermal activity, galvanic skin response, skin conductance (level/response).
    "eda": r"eda|gsr|sc[lr]?|electrodermal|conductance",
    # Respiration: belts, thermistors, "breathing", thoracic/abdominal effort.
    "resp": r"resp\w*|rsp|breath\w*|thora\w*|chest|abdom\w*",
    # Inter-beat intervals.
    "ibi": r"ibi|rri|nn|rrinterval\w*|interbeat\w*",
    # Heart rate.
    "hr": r"hr|heartrate|pulserate|bpm",
    # Skin temperature.
    "temp": r"temp\w*|skt",
    # Accelerometer.
    "acc": r"acc|acc[xyz]|accel\w*",
}

#: normalized unit -> kind, used only when no name rule matched.
KIND_UNIT_RULES: dict[str, str] = {
    "uS": "eda",
    "bpm": "hr",
    "degC": "temp",
    "g": "acc",
}

# spellings of the same unit -> the one Lacrima writes
_UNIT_SPELLINGS: dict[str, str] = {
    "us": "uS",
    "µs": "uS",
    "μs": "uS",
    "microsiemens": "uS",
    "usiemens": "uS",
    "mv": "mV",
    "uv": "uV",
    "µv": "uV",
    "μv": "uV",
    "v": "V",
    "ms": "ms",
    "s": "s",
    "bpm": "bpm",
    "1/min": "bpm",
    "degc": "degC",
    "°c": "degC",
    "celsius": "degC",
    "c": "degC",
    "g": "g",
    "": "a.u.",
    "au": "a.u.",
    "a.u.": "a.u.",
    "a.u": "a.u.",
}

_COMPILED: dict[str, re.Pattern[str]] = {
    kind: re.compile(rf"(?:{pattern})\d*") for kind, pattern in KIND_NAME_RULES.items()
}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD_SPLIT = re.compile(r"[^0-9a-zA-Z]+")
_UNIT_SUFFIX = re.compile(r"^(?P<name>.*?)\s*[\(\[](?P<unit>[^\)\]]{1,20})[\)\]]\s*$")


def normalize_unit(unit: str | None) -> str:
    """Return the canonical spelling of a unit (``"µS"`` -> ``"uS"``, ``""`` -> ``"a.u."``).

    Parameters
    ----------
    unit : str or None
        The unit as written in a file.

    Returns
    -------
    str
        The canonical spelling, or the stripped input when it is not a known unit.
    """
    text = (unit or "").strip()
    return _UNIT_SPELLINGS.get(text.lower(), text)


def split_name_unit(column: str) -> tuple[str, str | None]:
    """Split a column header such as ``"EDA (uS)"`` or ``"ECG [mV]"`` into name and unit.

    Parameters
    ----------
    column : str
        A column header.

    Returns
    -------
    name : str
        The header without the bracketed unit, stripped.
    unit : str or None
        The canonical unit (see :func:`normalize_unit`), or None when there is no
        bracketed suffix.
    """
    match = _UNIT_SUFFIX.match(column)
    if match is None or not match.group("name"):
        return column.strip(), None
    return match.group("name").strip(), normalize_unit(match.group("unit"))


def _words(name: str) -> list[str]:
    spaced = _CAMEL.sub(" ", name)
    return [word.lower() for word in _WORD_SPLIT.split(spaced) if word]


def infer_kind(name: str, unit: str | None = None) -> str:
    """Infer a channel's kind from its name and unit with the tables of this module.

    Parameters
    ----------
    name : str
        Channel name as written in the file (``"ECG"``, ``"MLII"``, ``"EDA (uS)"``).
    unit : str or None
        Physical unit, any spelling (``"µS"``, ``"uS"``, ``"bpm"``).

    Returns
    -------
    str
        One of :data:`KINDS`; ``"other"`` when no rule matches.

    Examples
    --------
    >>> infer_kind("MLII"), infer_kind("PhotoSensor"), infer_kind("X", "µS")
    ('ecg', 'other', 'eda')
    """
    words = _words(name)
    candidates = ["".join(words), *words] if len(words) > 1 else words
    for candidate in candidates:
        for kind, pattern in _COMPILED.items():
            if pattern.fullmatch(candidate):
                return kind
    return KIND_UNIT_RULES.get(normalize_unit(unit), "other")
