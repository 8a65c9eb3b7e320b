"""Mini App sessions, CSRF tokens and signed open links: genuine tokens are read back, anything altered,
expired or of the other kind is not, and nothing personal is inside."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr

from cdht.bot.web.security import ConfigurationError, OpenLinks, SessionClaims, Sessions, miniapp_secret
from cdht.config import Settings

SECRET = b"0123456789abcdef-mini-app-secret"
START = 1_764_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(clock: Clock) -> Sessions:
    return Sessions(SECRET, minutes=30, clock=clock)


@pytest.fixture
def links(clock: Clock) -> OpenLinks:
    return OpenLinks("https://bot.example.vn/", SECRET, ttl_seconds=15 * 60, clock=clock)


def payload_of(token: str) -> object:
    body = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def reseal_body(token: str, payload: object) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).rstrip(b"=").decode()
    return f"{body}.{token.split('.')[1]}"


def test_a_session_reads_back_with_its_person_channel_and_expiry(sessions: Sessions) -> None:
    claims = sessions.read(sessions.issue(42, "telegram"))

    assert claims is not None
    assert (claims.person_id, claims.channel, claims.expires) == (42, "telegram", int(START + 1800))


def test_two_sessions_of_one_person_have_different_nonces(sessions: Sessions) -> None:
    first, second = sessions.read(sessions.issue(42, "zalo")), sessions.read(sessions.issue(42, "zalo"))

    assert first is not None and second is not None and first.nonce != second.nonce


def test_a_session_token_holds_only_ids_times_and_nonce(sessions: Sessions, clock: Clock) -> None:
    token = sessions.issue(42, "telegram")
    claims = sessions.read(token)

    assert claims is not None
    assert payload_of(token) == [42, "telegram", claims.expires, claims.nonce, int(clock.now)]


def test_a_session_expires(sessions: Sessions, clock: Clock) -> None:
    token = sessions.issue(42, "telegram")
    clock.now += 1799
    assert sessions.read(token) is not None
    clock.now += 1
    assert sessions.read(token) is None


def test_a_session_from_another_secret_is_refused(sessions: Sessions, clock: Clock) -> None:
    other = Sessions(b"another-secret-of-16-bytes-or-more", minutes=30, clock=clock)

    assert sessions.read(other.issue(42, "telegram")) is None


def test_a_tampered_payload_is_refused(sessions: Sessions) -> None:
    token = sessions.issue(42, "telegram")
    claims = sessions.read(token)
    assert claims is not None

    assert sessions.read(reseal_body(token, [1, "telegram", claims.expires, claims.nonce])) is None
    assert sessions.read(reseal_body(token, [42, "telegram", claims.expires + 86400, claims.nonce])) is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace(".", ".="),
        lambda token: token + ".x",
        lambda token: token.split(".")[0],
        lambda token: "." + token.split(".")[1],
        lambda token: token[:5] + "!" + token[5:],
        lambda token: token + "x" * 2000,
    ],
)
def test_a_mangled_token_is_refused(sessions: Sessions, mangle: object) -> None:
    assert callable(mangle)
    assert sessions.read(mangle(sessions.issue(42, "telegram"))) is None


@pytest.mark.parametrize("token", [None, "", ".", "abc", "a.b", "é.é", "\udcff.x"])
def test_missing_or_malformed_sessions_read_as_none(sessions: Sessions, token: str | None) -> None:
    assert sessions.read(token) is None


def test_a_session_is_renewed_only_after_half_its_lifetime(sessions: Sessions, clock: Clock) -> None:
    claims = sessions.read(sessions.issue(42, "telegram"))
    assert claims is not None
    clock.now += 900
    assert sessions.renewed(claims) is None
    clock.now += 1

    renewed = sessions.renewed(claims)

    assert renewed is not None
    fresh = sessions.read(renewed)
    assert fresh == SessionClaims(42, "telegram", int(clock.now + 1800), claims.nonce, claims.started)
    assert sessions.csrf_ok(fresh, sessions.csrf_token(claims))
    clock.now += 1799
    assert sessions.read(renewed) is not None


def test_a_session_used_all_day_ends_a_working_day_after_sign_in(sessions: Sessions, clock: Clock) -> None:
    token = sessions.issue(42, "telegram")
    signed_in = clock.now
    while (claims := sessions.read(token)) is not None:  # used every ten minutes
        token = sessions.renewed(claims) or token
        clock.now += 600
    assert 12 * 3600 <= clock.now - signed_in <= 12 * 3600 + 1800


def test_an_ended_session_is_not_renewed(sessions: Sessions, clock: Clock) -> None:
    claims = sessions.read(sessions.issue(42, "telegram"))
    assert claims is not None
    clock.now += 1800

    assert sessions.renewed(claims) is None


def test_csrf_token_of_the_session_is_accepted_and_others_are_not(sessions: Sessions) -> None:
    mine, theirs = (
        sessions.read(sessions.issue(42, "telegram")),
        sessions.read(sessions.issue(43, "telegram")),
    )
    again = sessions.read(sessions.issue(42, "telegram"))
    assert mine is not None and theirs is not None and again is not None
    token = sessions.csrf_token(mine)

    assert sessions.csrf_ok(mine, token)
    assert not sessions.csrf_ok(theirs, token)
    assert not sessions.csrf_ok(again, token)  # the same person's other session
    assert not sessions.csrf_ok(mine, sessions.csrf_token(theirs))
    for wrong in (None, "", token[:-1], token + "A", "é" * len(token)):
        assert not sessions.csrf_ok(mine, wrong)


def test_a_csrf_token_is_not_a_session_token(sessions: Sessions) -> None:
    claims = sessions.read(sessions.issue(42, "telegram"))
    assert claims is not None

    assert sessions.read(sessions.csrf_token(claims)) is None


def test_an_open_link_reads_back_until_it_expires(links: OpenLinks, clock: Clock) -> None:
    signed = links.link(42, "zalo", "/app/review/XA01")

    parts = urlsplit(signed.url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "bot.example.vn", "/app/open")
    assert signed.expires_at == datetime.fromtimestamp(START + 900, UTC)
    token = parse_qs(parts.query)["t"][0]
    assert links.read(token) == (42, "zalo", "/app/review/XA01")
    clock.now += 899
    assert links.read(token) is not None
    clock.now += 1
    assert links.read(token) is None


def test_a_tampered_open_link_is_refused(links: OpenLinks) -> None:
    token = parse_qs(urlsplit(links.link(42, "zalo", "/app/progress").url).query)["t"][0]
    payload = payload_of(token)
    assert isinstance(payload, list)

    assert links.read(reseal_body(token, [7, *payload[1:]])) is None
    assert links.read(reseal_body(token, [*payload[:3], "/app/dossier/XA01"])) is None
    assert links.read(token[:-2]) is None


@pytest.mark.parametrize(
    "path",
    [
        "/files/abc",
        "/app",
        "app/progress",
        "https://evil.example/app/",
        "//evil.example/app/",
        "/app/../files/x",
        "/app/./x",
        "/app/\\evil",
        "/app//evil",
        "/app/a b",
        "/app/\nx",
    ],
)
def test_an_open_link_outside_the_app_is_not_made(links: OpenLinks, path: str) -> None:
    with pytest.raises(ValueError):
        links.link(42, "zalo", path)


def test_a_session_token_is_not_an_open_link_and_back(links: OpenLinks, sessions: Sessions) -> None:
    session = sessions.issue(42, "telegram")
    link = parse_qs(urlsplit(links.link(42, "zalo", "/app/progress").url).query)["t"][0]

    assert links.read(session) is None
    assert sessions.read(link) is None


def test_an_open_link_from_another_secret_is_refused(links: OpenLinks, clock: Clock) -> None:
    other = OpenLinks("https://bot.example.vn", b"another-secret-of-16-bytes", ttl_seconds=900, clock=clock)
    token = parse_qs(urlsplit(other.link(42, "zalo", "/app/progress").url).query)["t"][0]

    assert links.read(token) is None


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError):
        Sessions(b"short", minutes=30)
    with pytest.raises(ValueError):
        OpenLinks("https://bot.example.vn", b"short", ttl_seconds=60)


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)


def test_the_mini_app_secret_is_the_configured_one_or_derived_from_another() -> None:
    assert miniapp_secret(settings(miniapp_secret=SecretStr("s" * 16))) == b"s" * 16
    from_file_secret = miniapp_secret(
        settings(file_url_secret=SecretStr("f" * 20), zalo_token=SecretStr("z" * 30))
    )
    from_telegram = miniapp_secret(
        settings(telegram_token=SecretStr("t" * 40), zalo_token=SecretStr("z" * 30))
    )
    from_zalo = miniapp_secret(settings(zalo_token=SecretStr("z" * 30)))

    assert len({from_file_secret, from_telegram, from_zalo}) == 3
    assert all(len(secret) == 32 for secret in (from_file_secret, from_telegram, from_zalo))
    assert b"f" * 20 not in from_file_secret and from_telegram != b"t" * 40


@pytest.mark.parametrize(
    "values", [{}, {"miniapp_secret": SecretStr("short")}, {"zalo_token": SecretStr("z" * 8)}]
)
def test_no_secret_or_a_short_one_is_a_configuration_error(values: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError, match="ít nhất 16 ký tự"):
        miniapp_secret(settings(**values))
