"""How a build's time and memory grow with the warehouse: a table and a plot from
``bench/results/dbt_build.json`` (the points ``bench/dbt_build.py`` measured, 1k … 100k matches).

The plot is an SVG written beside the results (``bench/results/growth.svg``) and shown by
BENCHMARKS.md; it is drawn with Altair and rendered by vl-convert, the two libraries the report
already uses, so it needs no browser.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import RESULTS_DIR

PLOT = RESULTS_DIR / "growth.svg"
# The steps plotted: a full refresh (what a new or rebuilt warehouse costs) and a sync's build.
PLOTTED = (("full_build", "full refresh (dbt build --full-refresh)"),
           ("incremental_build", "sync build (dbt build, +25 matches)"))


def growth_rows(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (size, plotted step) that ran: matches, step, wall s, peak MB (a run that exited
    non-zero is plotted too: its time and memory were spent; the table marks it ✗)."""
    rows = []
    for point in points:
        for step, label in PLOTTED:
            measured = point.get(step)
            if measured:
                rows.append({"matches": point["matches"], "step": label, "wall_s": measured["wall_s"],
                             "peak_rss_mb": measured["peak_rss_mb"]})
    return rows


def per_thousand(points: list[dict[str, Any]], step: str) -> list[float | None]:
    """Seconds per 1,000 matches of ``step`` at each size (None where it did not run cleanly):
    flat means linear growth, rising means worse than linear."""
    out: list[float | None] = []
    for point in points:
        measured = point.get(step)
        ok = measured is not None and measured["returncode"] == 0
        out.append(round(measured["wall_s"] / (point["matches"] / 1000), 2) if ok else None)
    return out


def write_plot(points: list[dict[str, Any]], path: Path = PLOT) -> Path | None:
    """Two panels (wall seconds, peak resident MB) against matches, log-scaled x, one line per
    plotted step, the 2 GB memory budget drawn in; None when there is nothing to plot."""
    import altair as alt
    import vl_convert

    rows = growth_rows(points)
    if not rows:
        return None
    data = alt.Data(values=rows)
    x = alt.X("matches:Q", scale=alt.Scale(type="log"), title="matches in the warehouse")
    colour = alt.Color("step:N", title=None, legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data).mark_line(point=True).encode(x=x, color=colour)
    time_panel = base.encode(y=alt.Y("wall_s:Q", title="wall seconds")).properties(
        width=300, height=220, title="time")
    budget = alt.Chart(alt.Data(values=[{"mb": 2048}])).mark_rule(strokeDash=[4, 4], color="firebrick").encode(
        y="mb:Q")
    memory_panel = (base.encode(y=alt.Y("peak_rss_mb:Q", title="peak resident MB (dbt process)")) + budget
                    ).properties(width=300, height=220, title="memory (dashed: the 2 GB budget)")
    chart = alt.hconcat(time_panel, memory_panel).properties(
        title="dbt build cost against warehouse size (8 tracked players, films for the newest 2,000)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vl_convert.vegalite_to_svg(chart.to_json()))
    return path
