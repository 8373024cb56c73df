"""Template filters of the diary."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """``0.333`` -> ``"33%"``; ``None`` -> an em dash."""
    if value is None:
        return "\u2014"
    return f"{round(100 * float(value))}%"
