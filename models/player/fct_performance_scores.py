"""Grain: tracked player x match; key (player_xuid, match_id). The v4-relative performance score
in Polars: a thin wrapper around ``analytics.performance.scores_to_write`` (pytest-tested; dbt
cannot unit-test Python models).

Incremental (delete+insert on (player_xuid, match_id)): each row stores the fingerprint of its
inputs; a new, changed or vanished row gets itself and every later match of that player rescored
(their history changed), nothing else. Post-hooks (in _player__models.yml) delete rows whose match
is no longer an input and stamp the written rows' dbt_invocation_id.
"""

import polars as pl

from analytics.performance import scores_to_write

INPUTS = (
    "player_xuid, match_id, start_time, kills, deaths, assists, kda, accuracy, "
    "minutes_basis_seconds, personal_score, damage_dealt, rank, "
    "team_mmr, enemy_mmr, score_input_fingerprint as input_fingerprint"
)


def model(dbt, session):
    min_history = int(dbt.config.get("performance_min_history"))
    matches = dbt.ref("prep_player_match_inputs").project(INPUTS).pl()
    stored = None
    if dbt.is_incremental:
        stored = session.sql(
            "select player_xuid, match_id, start_time, input_fingerprint, performance_min_history"
            f" from {dbt.this}"
        ).pl()
    rows = scores_to_write(matches, stored, min_history=min_history)
    return rows.with_columns(pl.lit(None, dtype=pl.String).alias("dbt_invocation_id"))
