"""Shared code of the book *Iran–US nuclear diplomacy*: data, charts, models, build."""

from .data import DataError, cutoff, load

__all__ = ["DataError", "cutoff", "load"]
