"""Geometry of the dashboard's SVG charts (computed here; the templates only draw what they are given)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

QUADS: tuple[tuple[str, str, str], ...] = (
    ("q1", "Verbal cooperation", "#9ecae1"),
    ("q2", "Material cooperation", "#3182bd"),
    ("q3", "Verbal conflict", "#fdae6b"),
    ("q4", "Material conflict", "#d94801"),
)


def tone(goldstein: float | None) -> str:
    """A colour for a Goldstein score: red for conflict (-10), grey at 0, blue for cooperation (+10)."""
    if goldstein is None:
        return "#8c8c8c"
    g = max(-10.0, min(10.0, float(goldstein))) / 10
    grey, end = (140, 140, 140), ((43, 108, 176) if g > 0 else (203, 24, 29))
    r, gr, b = (round(s + (e - s) * abs(g)) for s, e in zip(grey, end, strict=True))
    return f"#{r:02x}{gr:02x}{b:02x}"


def _nice(value: float) -> float:
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return float(step * exp)
    return float(10 * exp)


@dataclass(slots=True)
class Timeline:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    bars: list[dict[str, Any]] = field(default_factory=list)
    line: str = ""
    dots: list[dict[str, Any]] = field(default_factory=list)
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    g_ticks: list[dict[str, Any]] = field(default_factory=list)
    x_ticks: list[dict[str, Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)
    zero_y: float = 0.0


def _step(day: dt.date, freq: str) -> dt.date:
    if freq == "day":
        return day + dt.timedelta(days=1)
    if freq == "week":
        return day + dt.timedelta(days=7)
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def fill_periods(rows: list[dict[str, Any]], freq: str) -> list[dict[str, Any]]:
    """The series with a zero row for every empty period between the first and the last, so time reads evenly."""
    if not rows or not all(isinstance(r["period"], dt.date) for r in rows):
        return rows
    have = {r["period"]: r for r in rows}
    out, day, last = [], rows[0]["period"], rows[-1]["period"]
    while day <= last:
        out.append(have.get(day) or {"period": day, "events": 0, "q1": 0, "q2": 0, "q3": 0, "q4": 0,
                                     "mean_goldstein": None})
        day = _step(day, freq)
    return out


def timeline(rows: list[dict[str, Any]], *, width: int = 960, height: int = 330) -> Timeline:
    """Stacked bars of counts by quad class per period, and the mean Goldstein line on a second axis.

    ``rows`` should have every period (see :func:`fill_periods`); the legend sits in a band above the bars.
    """
    chart = Timeline(width=width, height=height, left=52, right=width - 64, top=40, bottom=height - 36)
    n = len(rows)
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top
    top = max(_nice(max((int(r["events"]) for r in rows), default=1)), 2.0)
    slot = plot_w / max(n, 1)
    bar_w = max(slot * 0.8, 0.5)

    def y(count: float) -> float:
        return chart.bottom - plot_h * count / top

    def gy(g: float) -> float:
        return chart.top + plot_h * (10 - g) / 20

    points = []
    for i, row in enumerate(rows):
        x = chart.left + slot * i + (slot - bar_w) / 2
        base = 0
        period = row["period"].isoformat() if isinstance(row["period"], dt.date) else str(row["period"])
        parts = ", ".join(f"{name} {row[key]}" for key, name, _ in QUADS if row[key])
        for key, name, colour in QUADS:
            count = int(row[key] or 0)
            if count:
                chart.bars.append({"x": round(x, 2), "y": round(y(base + count), 2), "w": round(bar_w, 2),
                                   "h": round(y(base) - y(base + count), 2), "fill": colour,
                                   "title": f"{period}: {row['events']} events ({parts}); {name} {count}"})
                base += count
        if row.get("mean_goldstein") is not None:
            cx, cy = x + bar_w / 2, gy(float(row["mean_goldstein"]))
            points.append(f"{cx:.1f},{cy:.1f}")
            chart.dots.append({"cx": round(cx, 1), "cy": round(cy, 1),
                               "title": f"{period}: mean Goldstein {float(row['mean_goldstein']):+.1f}"})
    chart.line = " ".join(points)
    chart.zero_y = round(gy(0), 1)
    chart.y_ticks = [{"y": round(y(v), 1), "label": f"{v:g}"} for v in (0, top / 2, top) if float(v).is_integer()]
    chart.g_ticks = [{"y": round(gy(v), 1), "label": f"{v:+g}" if v else "0"} for v in (-10, -5, 0, 5, 10)]
    step = max(1, math.ceil(n / 8))
    chart.x_ticks = [{"x": round(chart.left + slot * i + slot / 2, 1),
                      "label": rows[i]["period"].isoformat() if isinstance(rows[i]["period"], dt.date)
                      else str(rows[i]["period"])} for i in range(0, n, step)]
    chart.legend = [{"x": chart.left + 160 * i, "fill": colour, "label": name}
                    for i, (_, name, colour) in enumerate(QUADS)]
    return chart


@dataclass(slots=True)
class Network:
    size: int
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)


def network(edges: list[Any], *, size: int = 640) -> Network:
    """A circular layout: actors on a circle (most connected first), one arrow per directed edge."""
    chart = Network(size=size)
    degree: dict[str, int] = {}
    for e in edges:
        degree[e.source] = degree.get(e.source, 0) + e.count
        degree[e.target] = degree.get(e.target, 0) + e.count
    order = sorted(degree, key=lambda code: (-degree[code], code))
    centre, radius = size / 2, size / 2 - 70
    top = max(degree.values(), default=1)
    where: dict[str, tuple[float, float, float]] = {}
    for i, code in enumerate(order):
        angle = 2 * math.pi * i / max(len(order), 1) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        r = 5 + 11 * math.sqrt(degree[code] / top)
        where[code] = (x, y, r)
        lx, ly = centre + (radius + r + 16) * math.cos(angle), centre + (radius + r + 16) * math.sin(angle)
        chart.nodes.append({"code": code, "x": round(x, 1), "y": round(y, 1), "r": round(r, 1),
                            "lx": round(lx, 1), "ly": round(ly, 1) + 4,
                            "anchor": "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0
                                                                                   else "end"),
                            "title": f"{code}: {degree[code]} events as source or target"})
    most = max((e.count for e in edges), default=1)
    for e in edges:
        (x1, y1, r1), (x2, y2, r2) = where[e.source], where[e.target]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        # Bend each edge a little to its right, so that A->B and B->A stay apart.
        mx, my = (x1 + x2) / 2 - dy / length * 18, (y1 + y2) / 2 + dx / length * 18
        sx, sy = x1 + (mx - x1) / math.hypot(mx - x1, my - y1) * r1, y1 + (my - y1) / math.hypot(mx - x1, my - y1) * r1
        ex, ey = x2 + (mx - x2) / math.hypot(mx - x2, my - y2) * (r2 + 3), y2 + (my - y2) / math.hypot(mx - x2,
                                                                                                     my - y2) * (r2 + 3)
        g = e.mean_goldstein
        chart.edges.append({"d": f"M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}",
                            "width": round(1 + 5 * e.count / most, 2), "stroke": tone(g),
                            "title": f"{e.source} → {e.target}: {e.count} events, mean Goldstein "
                                     + (f"{g:+.1f}" if g is not None else "n/a")})
    return chart


@dataclass(slots=True)
class WorldMap:
    width: int
    height: int
    meridians: list[dict[str, Any]] = field(default_factory=list)
    parallels: list[dict[str, Any]] = field(default_factory=list)
    points: list[dict[str, Any]] = field(default_factory=list)


def world_map(places: list[dict[str, Any]], *, width: int = 960, labels: int = 12) -> WorldMap:
    """An equirectangular plot (no tiles): a graticule every 30 degrees and one dot per place."""
    height = width // 2
    chart = WorldMap(width=width, height=height)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon + 180) / 360 * width, (90 - lat) / 180 * height

    chart.meridians = [{"x": round(xy(0, lon)[0], 1), "label": f"{abs(lon)}°{'E' if lon > 0 else 'W' if lon else ''}"}
                       for lon in range(-180, 181, 30)]
    chart.parallels = [{"y": round(xy(lat, 0)[1], 1), "label": f"{abs(lat)}°{'N' if lat > 0 else 'S' if lat else ''}"}
                       for lat in range(-60, 61, 30)]
    top = max((int(p["events"]) for p in places), default=1)
    for i, p in enumerate(places):
        if p["lat"] is None or p["lon"] is None or not (-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180):
            continue
        x, y = xy(float(p["lat"]), float(p["lon"]))
        g = p.get("mean_goldstein")
        chart.points.append({
            "x": round(x, 1), "y": round(y, 1), "r": round(3 + 9 * math.sqrt(int(p["events"]) / top), 1),
            "fill": tone(g), "label": str(p["name"] or "") if i < labels else "",
            "title": f"{p['name']} ({p['country'] or '?'}): {p['events']} events, mean Goldstein "
                     + (f"{g:+.1f}" if g is not None else "n/a")})
    return chart
