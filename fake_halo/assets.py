"""Discovery UGC assets (maps, modes, playlists, map-mode pairs) referenced by the templates.

Only the (AssetId, VersionId) pairs that career matches actually reference are served; anything
else is a 404, as an unknown version would be on the real service. Each payload is the recorded
payload of that kind with its ids swapped and a ``PublicName`` from ``names``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

from ingest.vocabulary import ASSET_KINDS

from .names import generated_map_names, harvest_real_names, mode_name
from .templates import Fixtures

GENERATED_DESCRIPTION = "Synthetic asset served by the halo-warehouse fake Halo API."


@dataclass(frozen=True)
class ServedAsset:
    kind: str
    asset_id: str
    version_id: str
    name: str
    category: int  # game variant category of the templates using it
    ranked: bool
    map_ref: tuple[str, str] | None = None  # mapModePairs: (asset, version) of its map
    mode_ref: tuple[str, str] | None = None  # mapModePairs: (asset, version) of its mode


class AssetCatalog:
    def __init__(self, fixtures: Fixtures) -> None:
        self.fixtures = fixtures
        real = harvest_real_names(list(fixtures.discovery.values()))
        infos = [t.match_info for t in fixtures.templates]
        maps = generated_map_names([i["MapVariant"]["AssetId"] for i in infos])
        self.refs: dict[tuple[str, str], ServedAsset] = {}
        for template in fixtures.templates:
            info = template.match_info
            category, ranked = info["GameVariantCategory"], template.ranked
            refs = {k: info[k] for k in ASSET_KINDS if info.get(k)}
            for key, ref in refs.items():
                asset_id, version_id = ref["AssetId"], ref["VersionId"]
                if key == "MapVariant":
                    name = maps[asset_id]
                elif key == "UgcGameVariant":
                    name = mode_name(category, ranked)
                elif key == "Playlist":
                    name = mode_name(category, False)  # e.g. an "Infection" playlist
                else:
                    name = f"{mode_name(category, ranked)} on {maps[info['MapVariant']['AssetId']]}"
                map_ref = mode_ref = None
                if key == "PlaylistMapModePair":
                    map_ref = (info["MapVariant"]["AssetId"], info["MapVariant"]["VersionId"])
                    mode_ref = (
                        info["UgcGameVariant"]["AssetId"],
                        info["UgcGameVariant"]["VersionId"],
                    )
                kind = ASSET_KINDS[key]
                self.refs.setdefault(
                    (kind, asset_id),
                    ServedAsset(
                        kind,
                        asset_id,
                        version_id,
                        real.get(asset_id, name),
                        category,
                        ranked,
                        map_ref,
                        mode_ref,
                    ),
                )

    def find(self, kind: str, asset_id: str, version_id: str) -> ServedAsset | None:
        ref = self.refs.get((kind, asset_id.lower()))
        if ref is None or ref.version_id != version_id.lower():
            return None
        return ref

    def render(self, ref: ServedAsset) -> dict:
        recorded = self.fixtures.discovery[ref.kind]
        if recorded["AssetId"] == ref.asset_id:
            # The recording *is* this asset (Ranked Arena): serve it as is, at this version.
            return self._swap(recorded, [(recorded["VersionId"], ref.version_id)], ref.name)
        swaps = [(recorded["AssetId"], ref.asset_id), (recorded["VersionId"], ref.version_id)]
        if ref.kind == "mapModePairs" and ref.map_ref and ref.mode_ref:
            swaps += [
                (recorded["MapLink"]["AssetId"], ref.map_ref[0]),
                (recorded["MapLink"]["VersionId"], ref.map_ref[1]),
                (recorded["UgcGameVariantLink"]["AssetId"], ref.mode_ref[0]),
                (recorded["UgcGameVariantLink"]["VersionId"], ref.mode_ref[1]),
            ]
        payload = self._swap(recorded, swaps, ref.name)
        payload["Description"] = GENERATED_DESCRIPTION
        if ref.kind == "mapModePairs" and ref.map_ref and ref.mode_ref:
            payload["MapLink"]["PublicName"] = self.refs[("maps", ref.map_ref[0])].name
            payload["UgcGameVariantLink"]["PublicName"] = self.refs[
                ("ugcGameVariants", ref.mode_ref[0])
            ].name
        elif ref.kind == "ugcGameVariants":
            payload["Tags"] = ["343i", *(["Ranked"] if ref.ranked else []), ref.name.split(":")[-1]]
            payload["EngineGameVariantLink"]["PublicName"] = ref.name.split(":")[-1]
        elif ref.kind == "playlists":
            payload["CustomData"]["PlaylistEntries"] = [
                {"MapModePairAssetId": pair.asset_id, "Metadata": {"Weight": 1.0}}
                for pair in self.pairs_of_playlist(ref.asset_id)
            ]
            payload["RotationEntries"] = []
        return payload

    def pairs_of_playlist(self, playlist_id: str) -> list[ServedAsset]:
        pairs: list[ServedAsset] = []
        for template in self.fixtures.templates:
            info = template.match_info
            if info.get("Playlist") and info["Playlist"]["AssetId"] == playlist_id:
                pair = info["PlaylistMapModePair"]["AssetId"]
                ref = self.refs[("mapModePairs", pair)]
                if ref not in pairs:
                    pairs.append(ref)
        return pairs

    @staticmethod
    def _swap(recorded: dict, swaps: list[tuple[str, str]], name: str) -> dict:
        # Ids recur inside blob prefixes and endpoint paths; replacing them in the text keeps every
        # occurrence consistent without knowing each field.
        text = json.dumps(recorded)
        for old, new in swaps:
            text = text.replace(old, new)
        payload = json.loads(text) if swaps else copy.deepcopy(recorded)
        payload["PublicName"] = name
        return payload
