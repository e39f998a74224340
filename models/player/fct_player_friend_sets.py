"""Grain: tracked player (every player of prep_player_match_inputs); key player_xuid. A thin
wrapper around ``analytics.session_rules.resolve_friend_sets`` (pytest-tested; dbt cannot
unit-test Python models): the one definition of a player's friends, read by the sessions
(fct_player_match_sessions) and the friends' impact (fct_match_friend_impact).

A table rebuilt on every build: one row per tracked player, computed from every match's teammates.
"""

from analytics.session_rules import resolve_friend_sets


def model(dbt, session):
    matches = (
        dbt.ref("prep_player_match_inputs")
        .project("player_xuid, match_id, start_time, teammate_xuids")
        .pl()
    )
    friends = (
        dbt.ref("prep_player_declared_friends")
        .filter("friend_xuid is not null")
        .project("player_xuid, friend_xuid")
        .pl()
    )
    return resolve_friend_sets(matches, friends)
