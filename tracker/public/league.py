"""The league table's page: its period and its order. The figures are `stats.league_table`'s."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from werkzeug.datastructures import MultiDict

# Sortable columns (keys of a `league_table` row) and the direction each starts in when its
# header is clicked: more is better for most; for days to verification, met after an extension,
# overdue and closed as unfulfilled, less is.
COLUMNS = {"name": "", "total": "-", "verified": "-", "on_time_rate": "-", "met_after_extension": "",
           "median_days_to_verification": "", "overdue": "", "closed_unfulfilled": "", "satisfaction": "-",
           "audience_satisfaction": "-"}
DEFAULT_SORT = "-total"


@dataclass(frozen=True)
class LeagueQuery:
    since: date | None = None
    until: date | None = None
    sort: str = DEFAULT_SORT

    @property
    def column(self) -> str:
        return self.sort.lstrip("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    def args(self, **changes: object) -> dict[str, str]:
        values = {"since": self.since, "until": self.until, "sort": self.sort, **changes}
        args = {name: value.isoformat() if isinstance(value, date) else str(value)
                for name, value in values.items() if value}
        if args.get("sort") == DEFAULT_SORT:
            del args["sort"]
        return args

    def sort_for(self, column: str) -> str:
        """The `sort` a click on this column's header asks for: its first direction, or the
        other one when the table is already sorted by it."""
        if column == self.column:
            return column if self.descending else f"-{column}"
        return f"{COLUMNS[column]}{column}"


def parse(args: MultiDict) -> LeagueQuery:
    sort = args.get("sort", DEFAULT_SORT)
    return LeagueQuery(since=_day(args.get("since")), until=_day(args.get("until")),
                       sort=sort if sort.lstrip("-") in COLUMNS else DEFAULT_SORT)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def ordered(rows: list[dict], wanted: LeagueQuery) -> list[dict]:
    """The rows in the wanted order; a department without the figure (no rate yet) comes last
    either way, and ties keep the table's own order (most commitments first)."""
    column = wanted.column
    known = [r for r in rows if r[column] is not None]
    unknown = [r for r in rows if r[column] is None]
    return sorted(known, key=lambda r: r[column], reverse=wanted.descending) + unknown
