"""Numbers for prose: glue values so that the text shows what the data computes."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd


def plain(value):
    """A value as a plain Python object (numpy scalars print as ``np.float64(...)`` otherwise)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def long_date(value) -> str:
    """A date as '8 February 2025'."""
    day = plain(value)
    if isinstance(day, _dt.datetime):
        day = day.date()
    return f"{day.day} {day.strftime('%B %Y')}"


def glue(name: str, value, display: bool = False) -> None:
    """Glue ``value`` for ``{glue:text}`name``` in the prose.

    Dates are glued as long dates ('8 February 2025'); numbers as plain Python numbers, so
    that format specs such as ``:.1f`` apply.
    """
    from myst_nb import glue as _glue

    value = plain(value)
    if isinstance(value, _dt.date):
        value = long_date(value)
    _glue(name, value, display=display)
