"""Durations as architects write them in a risk assessment: ``4 h``, ``30 min``, ``2 d``, ``1 uke``, ``PT4H``.

>>> hours("4 h"), hours("30 min"), hours("2 dager"), hours("1 uke"), hours("PT1H30M"), hours(8)
(4.0, 0.5, 48.0, 168.0, 1.5, 8.0)
>>> show(0.5), show(4.0), show(48.0), show(36.0)
('30 min', '4 h', '2 d', '36 h')
"""

from __future__ import annotations

import re

__all__ = ["DurationError", "hours", "show"]

_UNITS = {
    "min": 1 / 60,
    "m": 1 / 60,
    "minutt": 1 / 60,
    "minutter": 1 / 60,
    "h": 1.0,
    "t": 1.0,
    "time": 1.0,
    "timer": 1.0,
    "hour": 1.0,
    "hours": 1.0,
    "d": 24.0,
    "døgn": 24.0,
    "dag": 24.0,
    "dager": 24.0,
    "day": 24.0,
    "days": 24.0,
    "uke": 168.0,
    "uker": 168.0,
    "w": 168.0,
    "week": 168.0,
    "weeks": 168.0,
}
_PLAIN = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-zæøå]*)\.?\s*$", re.IGNORECASE)
_ISO = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$", re.IGNORECASE)


class DurationError(ValueError):
    """Text that is not a duration; the message says what is accepted."""


def hours(value: str | float) -> float:
    """The duration in hours; a bare number is hours. Raises :class:`DurationError` on anything else.

    >>> hours("fort")
    Traceback (most recent call last):
    ...
    graph.durations.DurationError: “fort” is not a duration (write e.g. 4 h, 30 min, 2 d, 1 uke or PT4H)
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0:
            raise DurationError(f"“{value}” is negative")
        return float(value)
    text = str(value).strip()
    if m := _PLAIN.match(text):
        unit = m.group(2).lower() or "h"
        if unit in _UNITS:
            return float(m.group(1).replace(",", ".")) * _UNITS[unit]
    if (m := _ISO.match(text)) and any(m.groups()):
        d, h, mins = (int(g or 0) for g in m.groups())
        return d * 24.0 + h + mins / 60
    raise DurationError(f"“{text}” is not a duration (write e.g. 4 h, 30 min, 2 d, 1 uke or PT4H)")


def show(h: float) -> str:
    """Hours written the way a person would: minutes under an hour, days when whole."""
    if h < 1:
        return f"{round(h * 60)} min"
    if h >= 24 and h % 24 == 0:
        return f"{int(h // 24)} d"
    return f"{h:g} h"
