"""Body check-ins: where in the body a feeling sits, what it feels like, how strong."""

from __future__ import annotations

__all__ = ["MAX_REGION_NOTE_CHARS", "REGIONS", "SENSATIONS"]

#: Body regions, head to toe, with the words shown on screen.
REGIONS: dict[str, str] = {
    "forehead": "Forehead",
    "eyes": "Eyes",
    "jaw": "Jaw",
    "throat": "Throat",
    "shoulders": "Shoulders",
    "chest": "Chest",
    "arms": "Arms",
    "hands": "Hands",
    "stomach": "Stomach",
    "back": "Back",
    "legs": "Legs",
}
#: Sensations a person can pick for a region (plain words, no judgement).
SENSATIONS: dict[str, str] = {
    "tight": "Tight or tense",
    "lump": "A lump or knot",
    "pressure": "Pressure",
    "heavy": "Heavy",
    "ache": "Aching",
    "warm": "Warm or hot",
    "cold": "Cold",
    "tingling": "Tingling",
    "fluttering": "Fluttering",
    "shaky": "Shaky",
    "numb": "Numb",
    "loose": "Loose or relaxed",
    "other": "Something else",
}
MAX_REGION_NOTE_CHARS = 2_000
