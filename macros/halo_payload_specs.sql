{#- Typed json_transform specs, one per payload part, each written once, and the stats catalogue
    (halo_stats_fields) from which the Stats spec, the staging columns, the per-player totals and
    the mart columns are all generated (documented in macros/_macros.yml). -#}

{% macro halo_json_spec(spec) -%}
    '{{ tojson(spec) }}'
{%- endmacro %}


{#- An asset reference inside MatchInfo (MapVariant, UgcGameVariant, Playlist, PlaylistMapModePair). -#}
{% macro halo_asset_ref_spec() %}
    {{ return({"AssetKind": "INTEGER", "AssetId": "VARCHAR", "VersionId": "VARCHAR"}) }}
{% endmacro %}


{#- MatchInfo, shared by the /stats payload and every match-history item. -#}
{% macro halo_match_info_spec() %}
    {% set ref = halo_asset_ref_spec() %}
    {{ return({
        "StartTime": "TIMESTAMPTZ",
        "EndTime": "TIMESTAMPTZ",
        "Duration": "VARCHAR",
        "PlayableDuration": "VARCHAR",
        "LifecycleMode": "INTEGER",
        "GameVariantCategory": "INTEGER",
        "LevelId": "VARCHAR",
        "MapVariant": ref,
        "UgcGameVariant": ref,
        "ClearanceId": "VARCHAR",
        "Playlist": ref,
        "PlaylistExperience": "INTEGER",
        "PlaylistMapModePair": ref,
        "SeasonId": "VARCHAR",
        "TeamsEnabled": "BOOLEAN",
        "TeamScoringEnabled": "BOOLEAN",
        "GameplayInteraction": "INTEGER"
    }) }}
{% endmacro %}


{#- The stats catalogue, one line per field: block|JSON key|column|kind (int, double,
    duration)|aggregation over a player's entries (sum, max, none). After editing it, run
    `python -m tests.support.stats_catalogue --write` to regenerate the columns' YAML docs. -#}
{% macro halo_stats_fields() %}
    {% set lines = [
        "CoreStats|Score|score|int|sum",
        "CoreStats|PersonalScore|personal_score|int|sum",
        "CoreStats|RoundsWon|rounds_won|int|sum",
        "CoreStats|RoundsLost|rounds_lost|int|sum",
        "CoreStats|RoundsTied|rounds_tied|int|sum",
        "CoreStats|Kills|kills|int|sum",
        "CoreStats|Deaths|deaths|int|sum",
        "CoreStats|Assists|assists|int|sum",
        "CoreStats|KDA|api_kda|double|none",
        "CoreStats|Suicides|suicides|int|sum",
        "CoreStats|Betrayals|betrayals|int|sum",
        "CoreStats|AverageLifeDuration|api_avg_life_seconds|duration|none",
        "CoreStats|GrenadeKills|grenade_kills|int|sum",
        "CoreStats|HeadshotKills|headshot_kills|int|sum",
        "CoreStats|MeleeKills|melee_kills|int|sum",
        "CoreStats|PowerWeaponKills|power_weapon_kills|int|sum",
        "CoreStats|ShotsFired|shots_fired|int|sum",
        "CoreStats|ShotsHit|shots_hit|int|sum",
        "CoreStats|Accuracy|api_accuracy|double|none",
        "CoreStats|DamageDealt|damage_dealt|int|sum",
        "CoreStats|DamageTaken|damage_taken|int|sum",
        "CoreStats|CalloutAssists|callout_assists|int|sum",
        "CoreStats|VehicleDestroys|vehicle_destroys|int|sum",
        "CoreStats|DriverAssists|driver_assists|int|sum",
        "CoreStats|Hijacks|hijacks|int|sum",
        "CoreStats|EmpAssists|emp_assists|int|sum",
        "CoreStats|MaxKillingSpree|max_killing_spree|int|max",
        "CoreStats|DeprecatedDamageDealt|deprecated_damage_dealt|double|none",
        "CoreStats|DeprecatedDamageTaken|deprecated_damage_taken|double|none",
        "CoreStats|Spawns|spawns|int|sum",
        "CoreStats|ObjectivesCompleted|objectives_completed|int|sum",

        "PvpStats|Kills|pvp_kills|int|sum",
        "PvpStats|Deaths|pvp_deaths|int|sum",
        "PvpStats|Assists|pvp_assists|int|sum",
        "PvpStats|KDA|pvp_api_kda|double|none",

        "PveStats|Kills|pve_kills|int|sum",
        "PveStats|Deaths|pve_deaths|int|sum",
        "PveStats|Assists|pve_assists|int|sum",
        "PveStats|KDA|pve_api_kda|double|none",
        "PveStats|MarineKills|pve_marine_kills|int|sum",
        "PveStats|GruntKills|pve_grunt_kills|int|sum",
        "PveStats|JackalKills|pve_jackal_kills|int|sum",
        "PveStats|EliteKills|pve_elite_kills|int|sum",
        "PveStats|BruteKills|pve_brute_kills|int|sum",
        "PveStats|HunterKills|pve_hunter_kills|int|sum",
        "PveStats|SkimmerKills|pve_skimmer_kills|int|sum",
        "PveStats|SentinelKills|pve_sentinel_kills|int|sum",
        "PveStats|BossKills|pve_boss_kills|int|sum",

        "CaptureTheFlagStats|FlagCaptureAssists|ctf_flag_capture_assists|int|sum",
        "CaptureTheFlagStats|FlagCaptures|ctf_flag_captures|int|sum",
        "CaptureTheFlagStats|FlagCarriersKilled|ctf_flag_carriers_killed|int|sum",
        "CaptureTheFlagStats|FlagGrabs|ctf_flag_grabs|int|sum",
        "CaptureTheFlagStats|FlagReturnersKilled|ctf_flag_returners_killed|int|sum",
        "CaptureTheFlagStats|FlagReturns|ctf_flag_returns|int|sum",
        "CaptureTheFlagStats|FlagSecures|ctf_flag_secures|int|sum",
        "CaptureTheFlagStats|FlagSteals|ctf_flag_steals|int|sum",
        "CaptureTheFlagStats|KillsAsFlagCarrier|ctf_kills_as_flag_carrier|int|sum",
        "CaptureTheFlagStats|KillsAsFlagReturner|ctf_kills_as_flag_returner|int|sum",
        "CaptureTheFlagStats|TimeAsFlagCarrier|ctf_time_as_flag_carrier_seconds|duration|sum",

        "OddballStats|KillsAsSkullCarrier|oddball_kills_as_skull_carrier|int|sum",
        "OddballStats|LongestTimeAsSkullCarrier|oddball_longest_time_as_skull_carrier_seconds|duration|max",
        "OddballStats|SkullCarriersKilled|oddball_skull_carriers_killed|int|sum",
        "OddballStats|SkullGrabs|oddball_skull_grabs|int|sum",
        "OddballStats|TimeAsSkullCarrier|oddball_time_as_skull_carrier_seconds|duration|sum",
        "OddballStats|SkullScoringTicks|oddball_skull_scoring_ticks|int|sum",

        "ZonesStats|StrongholdCaptures|zones_stronghold_captures|int|sum",
        "ZonesStats|StrongholdDefensiveKills|zones_stronghold_defensive_kills|int|sum",
        "ZonesStats|StrongholdOffensiveKills|zones_stronghold_offensive_kills|int|sum",
        "ZonesStats|StrongholdSecures|zones_stronghold_secures|int|sum",
        "ZonesStats|StrongholdOccupationTime|zones_stronghold_occupation_time_seconds|duration|sum",
        "ZonesStats|StrongholdScoringTicks|zones_stronghold_scoring_ticks|int|sum",

        "EliminationStats|AlliesRevived|elimination_allies_revived|int|sum",
        "EliminationStats|EliminationAssists|elimination_assists|int|sum",
        "EliminationStats|Eliminations|elimination_eliminations|int|sum",
        "EliminationStats|EnemyRevivesDenied|elimination_enemy_revives_denied|int|sum",
        "EliminationStats|Executions|elimination_executions|int|sum",
        "EliminationStats|KillsAsLastPlayerStanding|elimination_kills_as_last_player_standing|int|sum",
        "EliminationStats|LastPlayersStandingKilled|elimination_last_players_standing_killed|int|sum",
        "EliminationStats|RoundsSurvived|elimination_rounds_survived|int|sum",
        "EliminationStats|TimesRevivedByAlly|elimination_times_revived_by_ally|int|sum",
        "EliminationStats|LivesRemaining|elimination_lives_remaining|int|max",
        "EliminationStats|EliminationOrder|elimination_order|int|max",

        "ExtractionStats|SuccessfulExtractions|extraction_successful_extractions|int|sum",
        "ExtractionStats|ExtractionConversionsDenied|extraction_conversions_denied|int|sum",
        "ExtractionStats|ExtractionConversionsCompleted|extraction_conversions_completed|int|sum",
        "ExtractionStats|ExtractionInitiationsDenied|extraction_initiations_denied|int|sum",
        "ExtractionStats|ExtractionInitiationsCompleted|extraction_initiations_completed|int|sum",

        "InfectionStats|AlphasKilled|infection_alphas_killed|int|sum",
        "InfectionStats|SpartansInfected|infection_spartans_infected|int|sum",
        "InfectionStats|SpartansInfectedAsAlpha|infection_spartans_infected_as_alpha|int|sum",
        "InfectionStats|KillsAsLastSpartanStanding|infection_kills_as_last_spartan_standing|int|sum",
        "InfectionStats|LastSpartansStandingInfected|infection_last_spartans_standing_infected|int|sum",
        "InfectionStats|RoundsAsAlpha|infection_rounds_as_alpha|int|sum",
        "InfectionStats|RoundsAsLastSpartanStanding|infection_rounds_as_last_spartan_standing|int|sum",
        "InfectionStats|RoundsFinishedAsInfected|infection_rounds_finished_as_infected|int|sum",
        "InfectionStats|RoundsSurvivedAsSpartan|infection_rounds_survived_as_spartan|int|sum",
        "InfectionStats|RoundsSurvivedAsLastSpartanStanding|infection_rounds_survived_as_last_spartan_standing|int|sum",
        "InfectionStats|TimeAsLastSpartanStanding|infection_time_as_last_spartan_standing_seconds|duration|sum",
        "InfectionStats|InfectedKilled|infection_infected_killed|int|sum",

        "StockpileStats|KillsAsPowerSeedCarrier|stockpile_kills_as_power_seed_carrier|int|sum",
        "StockpileStats|PowerSeedsDeposited|stockpile_power_seeds_deposited|int|sum",
        "StockpileStats|PowerSeedsStolen|stockpile_power_seeds_stolen|int|sum",
        "StockpileStats|PowerSeedCarriersKilled|stockpile_power_seed_carriers_killed|int|sum",
        "StockpileStats|TimeAsPowerSeedCarrier|stockpile_time_as_power_seed_carrier_seconds|duration|sum",
        "StockpileStats|TimeAsPowerSeedDriver|stockpile_time_as_power_seed_driver_seconds|duration|sum",

        "VipStats|VipKills|vip_kills|int|sum",
        "VipStats|VipAssists|vip_assists|int|sum",
        "VipStats|KillsAsVip|vip_kills_as_vip|int|sum",
        "VipStats|TimesSelectedAsVip|vip_times_selected_as_vip|int|sum",
        "VipStats|MaxKillingSpreeAsVip|vip_max_killing_spree_as_vip|int|max",
        "VipStats|LongestTimeAsVip|vip_longest_time_as_vip_seconds|duration|max",
        "VipStats|TimeAsVip|vip_time_as_vip_seconds|duration|sum",

        "BombStats|BombCarriersKilled|bomb_carriers_killed|int|sum",
        "BombStats|BombDefusals|bomb_defusals|int|sum",
        "BombStats|BombDefusersKilled|bomb_defusers_killed|int|sum",
        "BombStats|BombDetonations|bomb_detonations|int|sum",
        "BombStats|BombPickUps|bomb_pick_ups|int|sum",
        "BombStats|BombPlants|bomb_plants|int|sum",
        "BombStats|BombReturns|bomb_returns|int|sum",
        "BombStats|KillsAsBombCarrier|bomb_kills_as_bomb_carrier|int|sum",
        "BombStats|TimeAsBombCarrier|bomb_time_as_bomb_carrier_seconds|duration|sum"
    ] %}
    {% set fields = [] %}
    {% for line in lines %}
        {% set parts = line.split("|") %}
        {% do fields.append({
            "block": parts[0], "key": parts[1], "column": parts[2], "kind": parts[3], "agg": parts[4]
        }) %}
    {% endfor %}
    {{ return(fields) }}
{% endmacro %}


{#- The spec of one `Stats` object (team or player-team entry), from the catalogue. -#}
{% macro halo_stats_spec() %}
    {% set json_types = {"int": "INTEGER", "double": "DOUBLE", "duration": "VARCHAR"} %}
    {% set spec = {} %}
    {% for field in halo_stats_fields() %}
        {% if field.block not in spec %}
            {% do spec.update({field.block: {}}) %}
        {% endif %}
        {% do spec[field.block].update({field.key: json_types[field.kind]}) %}
    {% endfor %}
    {{ return(spec) }}
{% endmacro %}


{#- Staging columns of every catalogued field, read from a `Stats` struct expression. -#}
{% macro halo_stats_columns(stats_expr) -%}
    {%- for field in halo_stats_fields() %}
        {%- set path = stats_expr ~ "." ~ field.block ~ "." ~ field.key %}
        {%- if field.kind == "duration" %}
        {{ iso8601_duration_seconds(path) }} as {{ field.column }}{{ "," if not loop.last }}
        {%- else %}
        {{ path }} as {{ field.column }}{{ "," if not loop.last }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- The names of the fields carried past staging (agg sum or max), in catalogue order. -#}
{% macro halo_summed_stat_columns() %}
    {% set columns = [] %}
    {% for field in halo_stats_fields() if field.agg in ("sum", "max") %}
        {% do columns.append(field.column) %}
    {% endfor %}
    {{ return(columns) }}
{% endmacro %}


{#- One player's totals over all of their PlayerTeamStats entries (sum, or max for records).
    `over_one_entry`: the same columns, same types, for a player with exactly one entry, as plain
    expressions (no aggregate: int_match_players_summed sends ~99.9% of players that way). -#}
{% macro halo_stats_aggregates(over_one_entry=false) -%}
    {%- for field in halo_stats_fields() if field.agg in ("sum", "max") %}
        {%- set value = field.column if over_one_entry else (field.agg ~ "(" ~ field.column ~ ")") %}
        {%- if field.agg == "max" %}
        {{ value }} as {{ field.column }}{{ "," if not loop.last }}
        {%- elif field.kind == "duration" %}
        cast({{ value }} as decimal(18, 7)) as {{ field.column }}{{ "," if not loop.last }}
        {%- else %}
        cast({{ value }} as bigint) as {{ field.column }}{{ "," if not loop.last }}
        {%- endif %}
    {%- endfor %}
{%- endmacro %}


{#- /stats: the match-level part. -#}
{% macro halo_match_stats_spec() %}
    {{ return({"MatchId": "VARCHAR", "MatchInfo": halo_match_info_spec()}) }}
{% endmacro %}


{#- /stats: Players[] with their participation and their PlayerTeamStats entries. -#}
{% macro halo_match_players_spec() %}
    {{ return({"Players": [{
        "PlayerId": "VARCHAR",
        "PlayerType": "INTEGER",
        "BotAttributes": {"Difficulty": "INTEGER"},
        "LastTeamId": "INTEGER",
        "Outcome": "INTEGER",
        "Rank": "INTEGER",
        "ParticipationInfo": {
            "FirstJoinedTime": "TIMESTAMPTZ",
            "LastLeaveTime": "TIMESTAMPTZ",
            "PresentAtBeginning": "BOOLEAN",
            "JoinedInProgress": "BOOLEAN",
            "LeftInProgress": "BOOLEAN",
            "PresentAtCompletion": "BOOLEAN",
            "TimePlayed": "VARCHAR",
            "ConfirmedParticipation": "BOOLEAN"
        },
        "PlayerTeamStats": [{"TeamId": "INTEGER", "Stats": halo_stats_spec()}]
    }]}) }}
{% endmacro %}


{#- /stats: Teams[] (empty when TeamsEnabled is false). -#}
{% macro halo_match_teams_spec() %}
    {{ return({"Teams": [{
        "TeamId": "INTEGER", "Outcome": "INTEGER", "Rank": "INTEGER", "Stats": halo_stats_spec()
    }]}) }}
{% endmacro %}


{#- /stats: both per-entry award lists, CoreStats.Medals[] and CoreStats.PersonalScores[] (same shape). -#}
{% macro halo_match_awards_spec() %}
    {% set awards = [{"NameId": "BIGINT", "Count": "INTEGER", "TotalPersonalScoreAwarded": "INTEGER"}] %}
    {{ return({"Players": [{
        "PlayerId": "VARCHAR",
        "PlayerTeamStats": [{
            "TeamId": "INTEGER",
            "Stats": {"CoreStats": {"Medals": awards, "PersonalScores": awards}}
        }]
    }]}) }}
{% endmacro %}


{#- /skill: one CSR container (RankRecap.PreMatchCsr / PostMatchCsr). -#}
{% macro halo_csr_spec() %}
    {{ return({
        "Value": "INTEGER",
        "MeasurementMatchesRemaining": "INTEGER",
        "Tier": "VARCHAR",
        "TierStart": "INTEGER",
        "SubTier": "INTEGER",
        "NextTier": "VARCHAR",
        "NextTierStart": "INTEGER",
        "NextSubTier": "INTEGER",
        "InitialMeasurementMatches": "INTEGER"
    }) }}
{% endmacro %}


{#- /skill: Value[]; every key of Result is optional. TeamMmrs keeps the payload's key order. -#}
{% macro halo_match_skill_spec() %}
    {% set stat = {"Count": "INTEGER", "Expected": "DOUBLE", "StdDev": "DOUBLE"} %}
    {% set kd = {"Kills": "DOUBLE", "Deaths": "DOUBLE"} %}
    {{ return({"Value": [{
        "Id": "VARCHAR",
        "ResultCode": "INTEGER",
        "Result": {
            "TeamId": "INTEGER",
            "TeamMmr": "DOUBLE",
            "TeamMmrs": "MAP(VARCHAR, DOUBLE)",
            "RankRecap": {"PreMatchCsr": halo_csr_spec(), "PostMatchCsr": halo_csr_spec()},
            "StatPerformances": {"Kills": stat, "Deaths": stat, "Assists": stat},
            "Counterfactuals": {
                "SelfCounterfactuals": kd,
                "TierCounterfactuals": {
                    "Bronze": kd, "Silver": kd, "Gold": kd, "Platinum": kd, "Diamond": kd, "Onyx": kd
                }
            }
        }
    }]}) }}
{% endmacro %}


{#- A match-history item (Results[] of /matches). -#}
{% macro halo_history_item_spec() %}
    {{ return({
        "MatchId": "VARCHAR",
        "MatchInfo": halo_match_info_spec(),
        "LastTeamId": "INTEGER",
        "Outcome": "INTEGER",
        "Rank": "INTEGER",
        "PresentAtEndOfMatch": "BOOLEAN"
    }) }}
{% endmacro %}


{#- A Discovery UGC asset version (maps, ugcGameVariants, playlists, mapModePairs). -#}
{% macro halo_ugc_asset_spec() %}
    {% set link = {"AssetId": "VARCHAR", "VersionId": "VARCHAR", "PublicName": "VARCHAR"} %}
    {{ return({
        "AssetId": "VARCHAR",
        "VersionId": "VARCHAR",
        "PublicName": "VARCHAR",
        "Description": "VARCHAR",
        "Tags": ["VARCHAR"],
        "MapLink": link,
        "UgcGameVariantLink": link
    }) }}
{% endmacro %}


{#- gamecms medals/metadata.json (camelCase). -#}
{% macro halo_medal_metadata_spec() %}
    {{ return({
        "difficulties": ["VARCHAR"],
        "types": ["VARCHAR"],
        "medals": [{
            "nameId": "BIGINT",
            "name": {"value": "VARCHAR"},
            "description": {"value": "VARCHAR"},
            "spriteIndex": "INTEGER",
            "sortingWeight": "INTEGER",
            "difficultyIndex": "INTEGER",
            "typeIndex": "INTEGER",
            "personalScore": "INTEGER"
        }]
    }) }}
{% endmacro %}


{#- gamecms Csr/Calendars/CsrSeasonCalendar.json (PascalCase). -#}
{% macro halo_csr_season_calendar_spec() %}
    {% set date = {"ISO8601Date": "TIMESTAMPTZ"} %}
    {{ return({"Seasons": [{"CsrSeasonFilePath": "VARCHAR", "StartDate": date, "EndDate": date}]}) }}
{% endmacro %}


{#- A profile user object (lowercase keys). -#}
{% macro halo_profile_spec() %}
    {{ return({"xuid": "VARCHAR", "gamertag": "VARCHAR"}) }}
{% endmacro %}
