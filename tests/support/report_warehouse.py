"""A small hand-made warehouse for the report's section tests: a few rows in each mart a section
reads, including the marts of the citations/impact/streaks and competitive-history work with the
columns their issues name (and the report's guesses, see ingest/report/sections/*). Values are
chosen so each figure a section shows can be worked out by hand in the tests.

Alpha One (tracked) has four matches: m1..m4 (W, L, W, W); Bravo Two is a friend on Alpha's team in
m1..m3; Charlie Three is an opponent in m1 and m4.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

ALPHA, BRAVO, CHARLIE = "2533274900000001", "2533274900000002", "2533274900000003"

SCRIPT = f"""
create schema landing;
create schema reference;
create table landing.tracked_players (xuid varchar, gamertag varchar, added_at timestamptz, friends varchar[]);
insert into landing.tracked_players values ('{ALPHA}', 'Alpha One', '2025-01-01 00:00:00+00', ['{BRAVO}']);

create table main.dim_players as select * from (values
    ('{ALPHA}', 'Alpha One'), ('{BRAVO}', 'Bravo Two'), ('{CHARLIE}', 'Charlie Three')) as t(xuid, gamertag);

create table main.dim_matches as select * from (values
    ('m1', timestamptz '2025-01-06 20:00:00+00', 'Aquarius', 'Slayer'),
    ('m2', timestamptz '2025-01-06 20:15:00+00', 'Aquarius', 'CTF'),
    ('m3', timestamptz '2025-01-06 20:30:00+00', 'Live Fire', 'Slayer'),
    ('m4', timestamptz '2025-01-08 21:00:00+00', 'Streets', 'Oddball')) as t(match_id, start_time, map_name, mode_name);

-- Alpha: W (10/5), L (4/8), W (12/6), W (8/4): 34 kills, 23 deaths, 3 wins of 4.
create table main.fct_match_players as select * from (values
    ('m1', '{ALPHA}', 2, 10, 5, 50, 100, 600.0), ('m2', '{ALPHA}', 3, 4, 8, 20, 80, 600.0),
    ('m3', '{ALPHA}', 2, 12, 6, 60, 120, 600.0), ('m4', '{ALPHA}', 2, 8, 4, 40, 100, 600.0),
    ('m1', '{BRAVO}', 2, 7, 7, 30, 90, 600.0), ('m2', '{BRAVO}', 3, 5, 9, 25, 85, 600.0),
    ('m3', '{BRAVO}', 2, 9, 5, 33, 95, 600.0),
    ('m1', '{CHARLIE}', 3, 6, 11, 20, 70, 600.0), ('m4', '{CHARLIE}', 3, 3, 8, 20, 90, 600.0))
    as t(match_id, xuid, outcome, kills, deaths, shots_hit, shots_fired, time_played_seconds);

create table main.fct_sessions as select * from (values
    ('{ALPHA}', 's1', timestamptz '2025-01-06 20:00:00+00', 2700.0, 3, 26 / 19, 2 / 3, 55.0),
    ('{ALPHA}', 's2', timestamptz '2025-01-08 21:00:00+00', 720.0, 1, 2.0, 1.0, 61.5))
    as t(player_xuid, session_id, start_time, duration_seconds, match_count, kd_ratio, win_rate,
         avg_performance_score);

-- s2 ends in a tie for MVP (both listed); s1's MVP is Bravo.
create table main.fct_session_friend_impact as select * from (values
    ('{ALPHA}', 's1', '{ALPHA}', 1, false, true), ('{ALPHA}', 's1', '{BRAVO}', 3, true, false),
    ('{ALPHA}', 's2', '{ALPHA}', 2, true, false), ('{ALPHA}', 's2', '{BRAVO}', 2, true, false))
    as t(player_xuid, session_id, xuid, impact_points, is_mvp, is_weak_link);

create table main.fct_match_friend_impact as select * from (values
    ('{ALPHA}', 'm1', '{ALPHA}', true, false, false, 1), ('{ALPHA}', 'm1', '{BRAVO}', false, true, false, 2),
    ('{ALPHA}', 'm2', '{ALPHA}', false, false, true, -1), ('{ALPHA}', 'm2', '{BRAVO}', true, false, false, 1),
    ('{ALPHA}', 'm4', '{ALPHA}', true, true, false, 3))
    as t(player_xuid, match_id, xuid, first_blood, clutch_finisher, last_casualty, impact_points);

create table reference.citation_definitions as select * from (values
    ('perfection', 'Perfection', 'medal', '10|50|100'), ('killjoy', 'Killjoy', 'medal', '10|50|100'),
    ('flag_captures', 'Flag Captures', 'award', '5|25'), ('headshots', 'Headshot Kills', 'stat', '100|500'))
    as t(citation_id, display_name, kind, levels);

create table main.fct_player_citations as select * from (values
    ('{ALPHA}', 'perfection', 13, 1, 50, 7.5, 3), ('{ALPHA}', 'killjoy', 0, 0, 10, 0.0, 0),
    ('{ALPHA}', 'flag_captures', 31, 2, null, null, null), ('{ALPHA}', 'headshots', 80, 0, 100, 80.0, 5))
    as t(player_xuid, citation_id, total, level, next_target, progress_pct, last_session_gain);

create table main.fct_player_streaks as select * from (values
    ('{ALPHA}', 'loss', 'm0a', 'm0b', timestamptz '2025-01-05 19:00:00+00', timestamptz '2025-01-05 19:30:00+00', 2, false),
    ('{ALPHA}', 'win', 'm1', 'm1', timestamptz '2025-01-06 20:00:00+00', timestamptz '2025-01-06 20:12:00+00', 1, false),
    ('{ALPHA}', 'loss', 'm2', 'm2', timestamptz '2025-01-06 20:15:00+00', timestamptz '2025-01-06 20:27:00+00', 1, false),
    ('{ALPHA}', 'win', 'm3', 'm4', timestamptz '2025-01-06 20:30:00+00', timestamptz '2025-01-08 21:12:00+00', 2, true))
    as t(player_xuid, streak_kind, first_match_id, last_match_id, start_time, end_time, length, is_current);

-- Ranked Arena: 1180 -> 1210 on the 6th (two matches: the day's last is 1210), 1190 on the 8th;
-- Ranked Doubles: one placement match (no CSR yet).
create table main.fct_player_csr as select * from (values
    ('{ALPHA}', 'm1', timestamptz '2025-01-06 20:00:00+00', 'arena', 'Ranked Arena', 1170, 1180, 10,
     'Platinum 6', 'Platinum 6', 0, false, 'S1'),
    ('{ALPHA}', 'm3', timestamptz '2025-01-06 20:30:00+00', 'arena', 'Ranked Arena', 1180, 1210, 30,
     'Platinum 6', 'Diamond 1', 0, false, 'S1'),
    ('{ALPHA}', 'm4', timestamptz '2025-01-08 21:00:00+00', 'arena', 'Ranked Arena', 1210, 1190, -20,
     'Diamond 1', 'Platinum 6', 0, false, 'S1'),
    ('{ALPHA}', 'm2', timestamptz '2025-01-06 20:15:00+00', 'doubles', 'Ranked Doubles', null, null, null,
     null, null, 4, true, 'S1'))
    as t(player_xuid, match_id, start_time, playlist_id, playlist_name, pre_csr, post_csr, csr_delta,
         pre_tier, post_tier, measurement_matches_remaining, is_placement, csr_season_id);

create table main.fct_player_match_expectations as select * from (values
    ('{ALPHA}', 'm1', timestamptz '2025-01-06 20:00:00+00', 3.0, -2.0, 1.5, -1.0, 'outperformed', 'Diamond'),
    ('{ALPHA}', 'm2', timestamptz '2025-01-06 20:15:00+00', -4.0, 2.0, -2.0, 1.0, 'underperformed', 'Gold'),
    ('{ALPHA}', 'm3', timestamptz '2025-01-06 20:30:00+00', 1.0, 0.0, 0.5, 0.0, 'met', 'Diamond'),
    ('{ALPHA}', 'm4', timestamptz '2025-01-08 21:00:00+00', 2.0, -1.0, 1.0, -0.5, 'outperformed', 'Diamond'))
    as t(player_xuid, match_id, start_time, kills_minus_expected, deaths_minus_expected, kills_z, deaths_z,
         verdict, closest_tier);

-- Two maps and a mode (the mart lists every map and mode with enough matches, ranked both ways).
create table main.fct_player_map_mode_rankings as select * from (values
    ('{ALPHA}', 'map', 'Aquarius', 12, 9, 0.75, 0.4677, 0.9111, 1, 2),
    ('{ALPHA}', 'map', 'Streets', 10, 3, 0.3, 0.1078, 0.6032, 2, 1),
    ('{ALPHA}', 'mode', 'Slayer', 20, 12, 0.6, 0.3866, 0.7812, 1, 1))
    as t(player_xuid, scope, display_name, matches, wins, win_rate, win_rate_wilson_lower, win_rate_wilson_upper,
         best_rank, worst_rank);

create table main.fct_player_teammates as select * from (values
    ('{ALPHA}', '{BRAVO}', 3, 2, 0, 0), ('{ALPHA}', '{CHARLIE}', 0, 0, 2, 2))
    as t(player_xuid, xuid, matches_together, wins_together, matches_against, wins_against);
"""


def build_small_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(SCRIPT)
    finally:
        con.close()
    return path
