-- One row per player x PlayerTeamStats entry x CoreStats.PersonalScores[] item of a /stats payload,
-- as listed (counts not yet summed over a player's entries; zero counts kept).
{{ halo_stg_match_awards('PersonalScores', name_id_column='personal_score_name_id') }}
