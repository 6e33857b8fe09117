"""A dyad's events over time as a PNG: stacked bars by quad class and the mean Goldstein line (matplotlib).

Draws on a bare :class:`matplotlib.figure.Figure` with the Agg canvas, so it never touches
pyplot's global state or needs a display.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from .._extras import require_extra
from ..errors import ConfigError
from ..query import parse_dyad
from ._charts import QUADS

if TYPE_CHECKING:
    from ..query import Database

__all__ = ["plot_dyad"]


def plot_dyad(db: Database, dyad: str, output: str | Path, *, since: dt.date | None = None,
              until: dt.date | None = None, freq: str = "week") -> Path:
    """Write a PNG of the pair's events per ``freq`` (day or week) by quad class, with mean Goldstein.

    Example::

        with open_store("detente.duckdb", read_only=True) as db:
            plot_dyad(db, "USA-RUS", "usa-rus.png", freq="week")
    """
    require_extra("detente plot", "matplotlib", extra="web")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    if freq not in ("day", "week"):
        raise ConfigError(f"freq must be day or week, got {freq!r}", code="E102")
    a, b = parse_dyad(dyad)
    rows = db.dyad_series(f"{a}-{b}", freq=freq, since=since, until=until).to_pylist()
    first = since or (rows[0]["period"] if rows else None)
    last = until or (rows[-1]["period"] if rows else None)
    period = f"{first.isoformat()} to {last.isoformat()}" if first and last else "no events"
    if freq == "week" and rows and not (since and until):
        period = f"weeks of {period}"

    fig = Figure(figsize=(11, 5.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 if freq == "day" else 6.0
    # A week's bar spans its seven days (Monday to Sunday), so its centre is the Thursday.
    shift = dt.timedelta(days=0 if freq == "day" else 3)
    days = [r["period"] + shift for r in rows]
    bottom = [0] * len(rows)
    for key, label, colour in QUADS:
        values = [int(r[key] or 0) for r in rows]
        ax.bar(days, values, width=width, bottom=bottom, color=colour, label=label, edgecolor="white",
               linewidth=0.4)
        bottom = [x + y for x, y in zip(bottom, values, strict=True)]
    ax.set_ylabel(f"events per {freq}")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*bottom, 1]) * 1.3)  # head room for the legend inside the plot
    ax.spines[["top"]].set_visible(False)
    ax.grid(axis="y", color="#e3e3e3", linewidth=0.8)
    ax.set_axisbelow(True)

    g_ax = ax.twinx()
    points = [(r["period"] + shift, r["mean_goldstein"]) for r in rows if r["mean_goldstein"] is not None]
    g_ax.axhline(0, color="#777", linewidth=0.8, linestyle="--")
    if points:
        xs, ys = zip(*points, strict=True)
        g_ax.plot(xs, ys, color="#222", linewidth=1.6, marker="o", markersize=3.5, label="mean Goldstein")
        # Label the line where it ends, so nobody has to hunt for it in a legend.
        g_ax.annotate("mean Goldstein", xy=(xs[-1], ys[-1]), xytext=(-8, 9), textcoords="offset points",
                      ha="right", fontsize=9, fontweight="bold", color="#222")
    g_ax.set_ylim(-10.5, 10.5)
    g_ax.set_ylabel("mean Goldstein (−10 conflict … +10 cooperation)")
    g_ax.spines[["top"]].set_visible(False)

    if not rows:
        ax.text(0.5, 0.5, f"No {a}–{b} events in this period", transform=ax.transAxes, ha="center",
                va="center", fontsize=13, color="#666")
    ax.legend(loc="upper left", ncols=4, frameon=True, fontsize=9, title="events by quad class",
              title_fontsize=9)
    ax.set_title(f"{a}–{b} events ({'both directions'}), {period}: counts per {freq} and mean Goldstein",
                 fontsize=12)
    fig.autofmt_xdate()
    fig.tight_layout()
    path = Path(output)
    fig.savefig(path, format="png")
    return path
