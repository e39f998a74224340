"""Deterministic name tables: synthetic gamertags and the public names of UGC assets.

Real names are used wherever the recorded fixtures give one (e.g. playlist edfef3ac-… is
"Ranked Arena"); the maps and modes of the match templates have no recorded name, so they get
plausible generated ones (fictional map names, mode names derived from the game-variant category).
"""

from __future__ import annotations

import random

# Xbox gamertags are at most 15 characters (modern ones plus a #NNNN suffix); the film record has
# room for 16 UTF-16 characters, so everything generated here stays within 15.
MAX_GAMERTAG = 15

# fmt: off
_ADJECTIVES = (
    "Silent", "Grim", "Lucky", "Rapid", "Crimson", "Frozen", "Hollow", "Iron", "Neon", "Quiet",
    "Rogue", "Swift", "Vivid", "Wild", "Amber", "Brave", "Cosmic", "Dusty", "Feral", "Golden",
)
_NOUNS = (
    "Otter", "Vector", "Falcon", "Warden", "Comet", "Badger", "Specter", "Lynx", "Raven", "Mantis",
    "Ember", "Golem", "Harrier", "Jackal", "Kraken", "Marlin", "Nomad", "Pilot", "Sparrow", "Viper",
)
# fmt: on


def gamertag_pool(
    count: int, rng: random.Random, taken: set[str], *, hash_suffix_first: bool = False
) -> list[str]:
    """``count`` distinct gamertags (case-insensitively, and distinct from ``taken``).

    About a third contain a space; with ``hash_suffix_first`` the first one carries a modern
    ``#1234`` suffix, so that clients must percent-encode it in URLs.
    """
    seen = {t.casefold() for t in taken}
    result: list[str] = []
    while len(result) < count:
        adjective, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
        style = rng.random()
        if hash_suffix_first and not result:
            tag = f"{noun}#1234"
        elif style < 0.33:
            tag = f"{adjective} {noun}"
        elif style < 0.66:
            tag = f"{adjective}{noun}{rng.randint(1, 999)}"
        else:
            tag = f"{noun} {rng.randint(10, 9999)}"
        tag = tag[:MAX_GAMERTAG].rstrip()
        if tag.casefold() in seen:
            continue
        seen.add(tag.casefold())
        result.append(tag)
    return result


# Game variant categories of the templates (the API's GameVariantCategory codes).
CATEGORY_NAMES = {
    6: "Slayer",
    8: "Elimination",
    11: "Strongholds",
    15: "CTF",
    18: "Oddball",
    19: "Stockpile",
    22: "Infection",
}

# Fictional: the recordings give no name for the template maps, so none is claimed to be real.
# fmt: off
_MAP_NAMES = (
    "Cinder Yard", "Harbor Nine", "Kestrel Ridge", "Sable Point", "Tidewater", "Vantage Deep",
    "Glassworks", "Rookery", "Meridian", "Foundry Gate", "Lanternfall", "Saltmarsh",
)
# fmt: on


def harvest_real_names(payloads: list[dict]) -> dict[str, str]:
    """AssetId -> PublicName for every asset object found in the recorded discovery payloads."""
    names: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("AssetId"), str) and isinstance(node.get("PublicName"), str):
                names.setdefault(node["AssetId"], node["PublicName"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for payload in payloads:
        walk(payload)
    return names


def generated_map_names(map_ids: list[str]) -> dict[str, str]:
    """Stable fictional names: the sorted asset ids take the table in order."""
    return {
        asset_id: _MAP_NAMES[i % len(_MAP_NAMES)] for i, asset_id in enumerate(sorted(set(map_ids)))
    }


def mode_name(category: int, ranked: bool) -> str:
    base = CATEGORY_NAMES.get(category, f"Mode {category}")
    return f"Ranked:{base}" if ranked else base
