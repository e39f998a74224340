"""Per tracked player, the headline of the competitive marts (what `halo status` and the demo print).

Read from the marts dbt built (fct_player_csr, fct_player_map_mode_rankings, fct_player_teammates):
nothing is computed here but which row to show. Before the first `dbt build` there is nothing to
show and ``competitive_summaries`` returns an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

CURRENT_CSR_SQL = """
select player_xuid, playlist_name, csr_season_id, post_csr, post_tier, is_placement
from main.fct_player_csr
qualify row_number() over (partition by player_xuid, playlist_id order by start_time desc, match_id desc) = 1
order by player_xuid, playlist_name
"""

CSR_COUNTS_SQL = """
select player_xuid, count(*), count(*) filter (where is_placement), count(distinct csr_season_id)
from main.fct_player_csr
group by player_xuid
"""

RANKED_GAPS_SQL = """
select player_xuid, count(*)
from main.fct_match_completeness
where data_type = 'csr' and status not in ('complete', 'not_applicable')
group by player_xuid
"""

MAP_RANKINGS_SQL = """
select player_xuid, is_best, is_worst, display_name, matches, wins, win_rate_wilson_lower, win_rate_wilson_upper
from main.fct_player_map_mode_rankings
where scope = 'map' and (is_best or is_worst)
"""

TEAMMATES_SQL = """
select player_xuid, count(*), arg_max(coalesce(gamertag, xuid), (matches_together, xuid)),
       max(matches_together),
       arg_max(win_rate_together, (matches_together, xuid))
from main.fct_player_teammates
group by player_xuid
"""


@dataclass
class CurrentCsr:
    playlist: str | None
    season: str | None
    csr: int | None
    tier: str | None
    in_placement: bool

    def text(self) -> str:
        value = "in placement" if self.csr is None and self.in_placement else f"{self.csr} {self.tier or ''}".strip()
        return f"{value} in {self.playlist or 'an unnamed playlist'} ({self.season or 'season unknown'})"


@dataclass
class RankedMap:
    label: str
    matches: int
    wins: int
    wilson_lower: float
    wilson_upper: float


@dataclass
class CompetitiveSummary:
    player_xuid: str
    csr_rows: int = 0
    placements: int = 0
    seasons: int = 0
    ranked_gaps: int = 0  # ranked matches with a skill payload but no CSR row (explained or not built)
    current: list[CurrentCsr] = field(default_factory=list)
    best_map: RankedMap | None = None
    worst_map: RankedMap | None = None
    people: int = 0
    top_teammate: str | None = None
    top_teammate_matches: int = 0
    top_teammate_win_rate: float | None = None


def competitive_summaries(con: duckdb.DuckDBPyConnection) -> list[CompetitiveSummary]:
    """One summary per tracked player with any competitive row, in xuid order."""
    try:
        counts = con.execute(CSR_COUNTS_SQL).fetchall()
        gaps = dict(con.execute(RANKED_GAPS_SQL).fetchall())
        current = con.execute(CURRENT_CSR_SQL).fetchall()
        maps = con.execute(MAP_RANKINGS_SQL).fetchall()
        teammates = con.execute(TEAMMATES_SQL).fetchall()
    except duckdb.CatalogException:
        return []  # the competitive marts are not built yet
    summaries: dict[str, CompetitiveSummary] = {}

    def of(xuid: str) -> CompetitiveSummary:
        return summaries.setdefault(xuid, CompetitiveSummary(xuid))

    for xuid, rows, placements, seasons in counts:
        summary = of(xuid)
        summary.csr_rows, summary.placements, summary.seasons = rows, placements, seasons
    for xuid, n in gaps.items():
        of(xuid).ranked_gaps = n
    for xuid, playlist, season, csr, tier, placement in current:
        of(xuid).current.append(CurrentCsr(playlist, season, csr, tier, bool(placement)))
    for xuid, is_best, is_worst, label, matches, wins, lower, upper in maps:
        ranked = RankedMap(label, matches, wins, lower, upper)
        if is_best:
            of(xuid).best_map = ranked
        if is_worst:
            of(xuid).worst_map = ranked
    for xuid, people, top, top_matches, top_rate in teammates:
        summary = of(xuid)
        summary.people = people
        if top_matches:
            summary.top_teammate, summary.top_teammate_matches, summary.top_teammate_win_rate = top, top_matches, top_rate
    return [summaries[x] for x in sorted(summaries)]
