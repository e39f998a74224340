"""Local input handling: the base-URL override, token parsing/redaction, player specs."""

from __future__ import annotations

import pytest

from ingest.api import urls
from ingest.api.credentials import Redactor, parse_clearance, parse_spartan_token
from ingest.api.urls import UrlMapper
from ingest.errors import UsageError
from ingest.player_input import parse_player_spec


def test_override_maps_every_host_to_its_first_label() -> None:
    mapper = UrlMapper.from_setting("http://127.0.0.1:8080/")
    assert mapper.map(urls.match_stats("abc")) == "http://127.0.0.1:8080/halostats/hi/matches/abc/stats"
    assert mapper.map(urls.users_me()) == "http://127.0.0.1:8080/profile/users/me"
    assert (
        mapper.map("https://blobs-infiniteugc.svc.halowaypoint.com/ugcstorage/film/a/b/filmChunk26")
        == "http://127.0.0.1:8080/blobs-infiniteugc/ugcstorage/film/a/b/filmChunk26"
    )
    assert mapper.map(urls.clearance()).startswith("http://127.0.0.1:8080/settings/oban/")


def test_override_keeps_query_strings_and_base_paths() -> None:
    mapper = UrlMapper.from_setting("http://localhost:9/prefix")
    assert mapper.map("https://skill.svc.halowaypoint.com/hi/x?players=xuid(1)") == (
        "http://localhost:9/prefix/skill/hi/x?players=xuid(1)"
    )


def test_no_override_sends_to_the_real_address() -> None:
    assert UrlMapper.from_setting(None).map(urls.match_stats("m")) == (
        "https://halostats.svc.halowaypoint.com/hi/matches/m/stats"
    )
    assert UrlMapper.from_setting("  ").base_url is None


@pytest.mark.parametrize("bad", ["127.0.0.1:8080", "ftp://x", "http://", "http://h:99999", "http://h/?q=1", "not a url"])
def test_malformed_base_url_is_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError, match="HALO_API_BASE_URL"):
        UrlMapper.from_setting(bad)


def test_urls_outside_the_halo_services_are_refused() -> None:
    with pytest.raises(ValueError, match="not a Halo service URL"):
        urls.film_chunk_url("https://evil.example.com/film/", "/filmChunk1")
    with pytest.raises(ValueError):
        urls.film_chunk_url("http://blobs-infiniteugc.svc.halowaypoint.com/x/", "c")  # not https
    assert urls.film_chunk_url(
        "https://blobs-infiniteugc.svc.halowaypoint.com/ugcstorage/film/a/b/", "/filmChunk3"
    ) == "https://blobs-infiniteugc.svc.halowaypoint.com/ugcstorage/film/a/b/filmChunk3"


def test_gamertags_are_percent_encoded_in_paths() -> None:
    assert urls.user_by_gamertag("aCurtis X89").endswith("/users/gt(aCurtis%20X89)")
    assert urls.user_by_gamertag("Name#1234").endswith("/users/gt(Name%231234)")


def test_token_accepts_a_pasted_header_line() -> None:
    assert parse_spartan_token("x-343-authorization-spartan: v4=abc.def-GHI") == "v4=abc.def-GHI"
    assert parse_spartan_token("  X-343-Authorization-Spartan:v4=abcdefgh  ") == "v4=abcdefgh"
    assert parse_spartan_token("v4=abcdefgh") == "v4=abcdefgh"


@pytest.mark.parametrize("bad", [None, "", "   ", "x-343-authorization-spartan:", "two words token", "short", "tok\x00en-long"])
def test_empty_or_garbage_tokens_are_refused(bad: str | None) -> None:
    with pytest.raises(UsageError):
        parse_spartan_token(bad)


def test_clearance_is_optional() -> None:
    assert parse_clearance(None) is None
    assert parse_clearance("343-clearance: abc-123") == "abc-123"


def test_redactor_hides_every_registered_secret() -> None:
    redact = Redactor()
    redact.register("v4=SECRET-TOKEN-1234")
    redact.register("abc")  # too short to be a secret worth redacting: ignored
    assert redact("bad token v4=SECRET-TOKEN-1234 here") == "bad token [redacted] here"
    assert redact("abc stays") == "abc stays"


def test_player_specs() -> None:
    assert parse_player_spec("2535445291321133").xuid == "2535445291321133"
    assert parse_player_spec("xuid(2535445291321133)").xuid == "2535445291321133"
    assert parse_player_spec(" aCurtis X89 ").gamertag == "aCurtis X89"
    assert parse_player_spec("Spartan#1234").gamertag == "Spartan#1234"


@pytest.mark.parametrize("bad", ["", "12345", "253544529132113300", "xuid(12)", "a/b", "bad_name", "x" * 30, "a#b"])
def test_bad_player_specs_name_the_problem(bad: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_player_spec(bad)
    assert "xuid" in str(info.value) or "gamertag" in str(info.value) or "empty" in str(info.value)
