"""Two small SQL pieces the reports need: a percentile aggregate and whole days between two dates.

PostgreSQL has ``percentile_cont(f) WITHIN GROUP (ORDER BY x)``; SQLite (the one-command demo) has no
such aggregate, so ``reports.apps`` registers one with the same name and the same interpolation on
every SQLite connection, and the expression compiles to ``percentile_cont(x, f)`` there.
"""

from __future__ import annotations

import math

from django.db.models import Aggregate, FloatField, Func, IntegerField


class PercentileCont(Aggregate):
    """The continuous percentile (linear interpolation between neighbours), e.g. 0.5 for the median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, percentile: float, **extra) -> None:
        if not 0 <= percentile <= 1:
            raise ValueError("A percentile is between 0 and 1.")
        # A float formatted by us, never user input: safe to place in the SQL text.
        super().__init__(expression, percentile=repr(float(percentile)), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="%(function)s(%(expressions)s, %(percentile)s)", **extra_context
        )


class SQLitePercentileCont:
    """``percentile_cont(value, fraction)`` for SQLite, computed as PostgreSQL does."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction) -> None:
        if value is not None:
            self.values.append(float(value))
            self.fraction = float(fraction)

    def finalize(self) -> float | None:
        return percentile_cont(self.values, self.fraction)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over a list (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class DaysBetween(Func):
    """Whole days from the second date to the first (both date expressions)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = f"CAST(JULIANDAY({later}) - JULIANDAY({earlier}) AS INTEGER)"
        else:  # PostgreSQL: date - date is an integer number of days
            sql = f"({later} - {earlier})"
        return sql, (*later_params, *earlier_params)
