"""The report's chart kinds as Vega-Lite specs, written with Altair.

Each function returns a spec without its data (``page`` adds the rows of one player), cached: a
report with many players builds each kind of chart once. Widths are fixed (a chart in a hidden
player panel has no container width to follow). Field names are the columns of the sections'
queries; temporal fields are wall-clock strings in the report's time zone.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import altair as alt

WIDTH = 640
PLACEHOLDER = alt.NamedData(name="rows")  # replaced by the player's rows when rendered
WIN_LOSS = alt.Scale(domain=["win", "loss"], range=["#2f9e44", "#e03131"])


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.to_dict(validate=True)
    spec.pop("data", None)
    return spec


def _base() -> alt.Chart:
    return alt.Chart(PLACEHOLDER)


@cache
def score_timeline() -> dict[str, Any]:
    """Performance score per match (points), its moving average (line), session starts (rules)."""
    base = _base().encode(x=alt.X("n:Q", title="match (oldest → newest)", axis=alt.Axis(tickMinStep=1)))
    sessions = base.transform_filter("datum.is_session_start").mark_rule(color="#adb5bd", strokeDash=[3, 3])
    points = base.mark_circle(size=28, opacity=0.55).encode(
        y=alt.Y("performance_score:Q", title="performance score", scale=alt.Scale(domain=[0, 100])),
        tooltip=[alt.Tooltip("start_time:T", title="start", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("performance_score:Q", title="score", format=".1f"),
                 alt.Tooltip("map_name:N", title="map"), alt.Tooltip("mode_name:N", title="mode")],
    )
    average = base.mark_line(color="#1c7ed6", strokeWidth=2).encode(y="moving_average:Q")
    return _spec(alt.layer(sessions, points, average).properties(width=WIDTH, height=220))


@cache
def trend(field: str, title: str, number_format: str) -> dict[str, Any]:
    """One value per time bucket (line and points)."""
    base = _base().encode(
        x=alt.X("bucket:T", title=None),
        y=alt.Y(f"{field}:Q", title=title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("bucket:T", title="from", format="%Y-%m-%d"),
                 alt.Tooltip(f"{field}:Q", title=title, format=number_format),
                 alt.Tooltip("matches:Q", title="matches")],
    )
    return _spec((base.mark_line(strokeWidth=2) + base.mark_circle(size=30)).properties(width=300, height=180))


@cache
def weekday_hour() -> dict[str, Any]:
    """Win rate by weekday × hour; cells with too few matches greyed, not coloured."""
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    base = _base().encode(
        x=alt.X("hour:O", title="hour of day", scale=alt.Scale(domain=list(range(24)))),
        y=alt.Y("weekday:O", title=None, sort=days, scale=alt.Scale(domain=days)),
        tooltip=[alt.Tooltip("weekday:O"), alt.Tooltip("hour:O"), alt.Tooltip("matches:Q"),
                 alt.Tooltip("win_rate:Q", title="win rate", format=".0%")],
    )
    masked = base.transform_filter("datum.win_rate === null").mark_rect(color="#e9ecef")
    shown = base.transform_filter("datum.win_rate !== null").mark_rect().encode(
        color=alt.Color("win_rate:Q", title="win rate", scale=alt.Scale(scheme="redyellowgreen", domain=[0, 1]),
                        legend=alt.Legend(format=".0%")),
    )
    return _spec(alt.layer(masked, shown).properties(width=WIDTH, height=190))


@cache
def csr_history() -> dict[str, Any]:
    """CSR per playlist over time (each day's last value, rows of kind ``csr``) over the tier bands
    the player's CSR crosses (rows of kind ``band``: ``low``, ``high``, ``tier``, ``colour``)."""
    bands = _base().transform_filter("datum.kind === 'band'").mark_rect(opacity=0.3).encode(
        y=alt.Y("low:Q"), y2="high:Q", color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("tier:N", title="tier band")],
    )
    lines = _base().transform_filter("datum.kind === 'csr'").mark_line(point=True, strokeWidth=2).encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("csr:Q", title="CSR", scale=alt.Scale(zero=False)),
        color=alt.Color("playlist:N", title="playlist"),
        tooltip=[alt.Tooltip("day:T", format="%Y-%m-%d"), alt.Tooltip("playlist:N"), alt.Tooltip("csr:Q", title="CSR"),
                 alt.Tooltip("tier:N"), alt.Tooltip("matches:Q")],
    )
    return _spec(alt.layer(bands, lines).resolve_scale(color="independent").properties(width=WIDTH, height=240))


@cache
def expectation_scatter() -> dict[str, Any]:
    """Kills against deaths relative to what the game expected, one point per match."""
    base = _base()
    zero_x = base.mark_rule(color="#adb5bd").encode(x=alt.datum(0))
    zero_y = base.mark_rule(color="#adb5bd").encode(y=alt.datum(0))
    points = base.mark_circle(size=40, opacity=0.7).encode(
        x=alt.X("kills_minus_expected:Q", title="kills − expected"),
        y=alt.Y("deaths_minus_expected:Q", title="deaths − expected (lower is better)"),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=["outperformed", "met", "underperformed"],
                                                     range=["#2f9e44", "#868e96", "#e03131"])),
        tooltip=[alt.Tooltip("start_time:T", format="%Y-%m-%d %H:%M"), alt.Tooltip("verdict:N"),
                 alt.Tooltip("kills_minus_expected:Q", format="+.1f"),
                 alt.Tooltip("deaths_minus_expected:Q", format="+.1f"), alt.Tooltip("played_like:N")],
    )
    return _spec(alt.layer(zero_x, zero_y, points).properties(width=420, height=300))


@cache
def bars(category: str, value: str, title: str, number_format: str = "d") -> dict[str, Any]:
    """Horizontal bars, largest first."""
    chart = _base().mark_bar(color="#4c6ef5").encode(
        y=alt.Y(f"{category}:N", title=None, sort="-x"),
        x=alt.X(f"{value}:Q", title=title),
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{value}:Q", format=number_format)],
    )
    return _spec(chart.properties(width=420))


@cache
def duel_bars() -> dict[str, Any]:
    """Kills on / deaths to each opponent, as a diverging bar (deaths to the left)."""
    base = _base().transform_fold(["my_kills", "their_kills"], as_=["side", "kills"]).transform_calculate(
        signed="datum.side === 'my_kills' ? datum.kills : -datum.kills",
        label="datum.side === 'my_kills' ? 'my kills on them' : 'their kills on me'",
    )
    chart = base.mark_bar().encode(
        y=alt.Y("opponent:N", title=None, sort=alt.EncodingSortField("net_kills", order="descending")),
        x=alt.X("signed:Q", title="← their kills on me · my kills on them →"),
        color=alt.Color("label:N", title=None, scale=alt.Scale(
            domain=["my kills on them", "their kills on me"], range=["#2f9e44", "#e03131"])),
        tooltip=[alt.Tooltip("opponent:N"), alt.Tooltip("label:N", title="side"), alt.Tooltip("kills:Q"),
                 alt.Tooltip("matches:Q")],
    )
    return _spec(chart.properties(width=420))


@cache
def matrix(row: str, column: str, value: str, row_title: str, column_title: str,
           diverging: bool = False) -> dict[str, Any]:
    """A heatmap with the value written in each cell (killer × victim, person × match)."""
    scale = (alt.Scale(scheme="redyellowgreen", domainMid=0) if diverging
             else alt.Scale(scheme="blues"))
    base = _base().encode(
        y=alt.Y(f"{row}:N", title=row_title, sort=None),
        x=alt.X(f"{column}:N", title=column_title, sort=None, axis=alt.Axis(labelAngle=-40)),
    )
    cells = base.mark_rect().encode(color=alt.Color(f"{value}:Q", title=None, scale=scale),
                                    tooltip=[alt.Tooltip(f"{row}:N", title=row_title),
                                             alt.Tooltip(f"{column}:N", title=column_title),
                                             alt.Tooltip(f"{value}:Q")])
    text = base.mark_text(fontSize=11).encode(text=alt.Text(f"{value}:Q"))
    return _spec(alt.layer(cells, text))


@cache
def win_rate_intervals() -> dict[str, Any]:
    """Win rate per map or mode (point) with its Wilson 95% interval (bar)."""
    base = _base().encode(y=alt.Y("label:N", title=None, sort=None))
    interval = base.mark_rule(strokeWidth=4, color="#ced4da").encode(
        x=alt.X("wilson_lower:Q", title="win rate and its Wilson 95% interval",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        x2="wilson_upper:Q",
    )
    rate = base.mark_circle(size=80, opacity=1).encode(
        x="win_rate:Q",
        color=alt.Color("rank_kind:N", title=None, scale=alt.Scale(domain=["best", "worst"], range=["#2f9e44", "#e03131"])),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("matches:Q"), alt.Tooltip("wins:Q"),
                 alt.Tooltip("win_rate:Q", format=".0%"),
                 alt.Tooltip("wilson_lower:Q", title="interval from", format=".0%"),
                 alt.Tooltip("wilson_upper:Q", title="interval to", format=".0%")],
    )
    return _spec(alt.layer(interval, rate).properties(width=420))


@cache
def streak_bars() -> dict[str, Any]:
    """Each streak in order, up for wins and down for losses."""
    chart = _base().transform_calculate(signed="datum.streak_kind === 'win' ? datum.length : -datum.length").mark_bar().encode(
        x=alt.X("n:O", title="streaks (oldest → newest)", axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("signed:Q", title="length (wins up, losses down)"),
        color=alt.Color("streak_kind:N", title=None, scale=WIN_LOSS),
        tooltip=[alt.Tooltip("streak_kind:N", title="streak"), alt.Tooltip("length:Q"),
                 alt.Tooltip("start_time:T", title="from", format="%Y-%m-%d %H:%M"),
                 alt.Tooltip("end_time:T", title="to", format="%Y-%m-%d %H:%M")],
    )
    return _spec(chart.properties(width=WIDTH, height=160))
