-- One row per player x PlayerTeamStats entry x CoreStats.Medals[] item of a /stats payload, as listed
-- (counts not yet summed over a player's entries; zero counts kept).
{{ halo_stg_match_awards('Medals', name_id_column='medal_name_id') }}
