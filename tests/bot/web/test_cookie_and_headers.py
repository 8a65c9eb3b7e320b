"""The session cookie's attributes and the headers every /app response carries, errors included, read from
real responses of a tiny aiohttp app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDictProxy

from cdht.bot.web.security import (
    CONTENT_SECURITY_POLICY,
    COOKIE,
    clear_session_cookie,
    security_headers,
    set_session_cookie,
)


def parse_set_cookie(header: str) -> tuple[str, str, dict[str, str]]:
    """(name, value, attributes with lower-case names; flags map to "")."""
    first, *rest = (part.strip() for part in header.split(";"))
    name, value = first.split("=", 1)
    attributes = {}
    for part in rest:
        key, _, attribute = part.partition("=")
        attributes[key.lower()] = attribute
    return name, value, attributes


def cookie_of(response: web.StreamResponse) -> tuple[str, str, dict[str, str]]:
    (header,) = response.headers.getall("Set-Cookie")
    return parse_set_cookie(header)


@pytest.mark.parametrize(("samesite", "secure"), [("Lax", True), ("Strict", True), ("Lax", False)])
def test_the_session_cookie_is_http_only_under_app(samesite: str, secure: bool) -> None:
    response = web.Response()

    set_session_cookie(response, "body.mac", secure=secure, samesite=samesite, max_age=1800)

    name, value, attributes = cookie_of(response)
    assert (name, value) == (COOKIE, "body.mac")
    assert attributes["path"] == "/app"
    assert attributes["max-age"] == "1800"
    assert attributes["samesite"] == samesite
    assert "httponly" in attributes
    assert ("secure" in attributes) is secure
    assert "partitioned" not in attributes
    assert "domain" not in attributes


def test_a_cross_site_cookie_is_secure_and_partitioned_even_on_plain_http() -> None:
    response = web.Response()

    set_session_cookie(response, "body.mac", secure=False, samesite="None", max_age=1800)

    _, _, attributes = cookie_of(response)
    assert attributes["samesite"] == "None"
    assert "secure" in attributes and "partitioned" in attributes and "httponly" in attributes


def test_clearing_replaces_the_cookie_with_an_expired_one_of_the_same_kind() -> None:
    response = web.Response()
    response.set_cookie("other", "kept")
    set_session_cookie(response, "body.mac", secure=True, samesite="None", max_age=1800)

    clear_session_cookie(response, secure=True, samesite="None")

    headers = response.headers.getall("Set-Cookie")
    assert len(headers) == 1
    name, value, attributes = parse_set_cookie(headers[0])
    assert name == COOKIE and value in ("", '""')
    assert attributes["max-age"] == "0" and "1970" in attributes["expires"]
    assert attributes["path"] == "/app" and "partitioned" in attributes
    assert response.cookies["other"].value == "kept"


def test_an_unknown_samesite_is_refused() -> None:
    with pytest.raises(ValueError):
        set_session_cookie(web.Response(), "t", secure=True, samesite="lax", max_age=60)


async def page(request: web.Request) -> web.Response:
    return web.Response(text="trang")


async def static(request: web.Request) -> web.Response:
    return web.Response(
        text="body{}", headers={"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    )


async def forbidden(request: web.Request) -> web.Response:
    raise web.HTTPForbidden(text="cấm")


async def redirect(request: web.Request) -> web.Response:
    response = web.HTTPSeeOther("/app/progress")
    set_session_cookie(response, "body.mac", secure=True, samesite="None", max_age=1800)
    raise response


@pytest.fixture
async def client() -> AsyncIterator[TestClient[web.Request, web.Application]]:
    app = web.Application(middlewares=[security_headers])
    app.router.add_get("/app/", page)
    app.router.add_get("/app/static/app.css", static)
    app.router.add_get("/app/forbidden", forbidden)
    app.router.add_get("/app/open", redirect)
    app.router.add_get("/files/x", page)
    async with TestClient(TestServer(app)) as client:
        yield client


def assert_protected(headers: CIMultiDictProxy[str], *, cache: str = "no-store") -> None:
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self' https://web.telegram.org" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == cache
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Cookie" in [part.strip() for part in headers["Vary"].split(",")]


async def test_a_page_is_protected_and_not_cached(client: TestClient[web.Request, web.Application]) -> None:
    async with client.get("/app/") as response:
        assert response.status == 200
        assert_protected(response.headers)


async def test_a_static_file_keeps_its_own_caching(client: TestClient[web.Request, web.Application]) -> None:
    async with client.get("/app/static/app.css") as response:
        assert_protected(response.headers, cache="public, max-age=86400")
        assert response.headers["Vary"] == "Accept-Encoding, Cookie"


@pytest.mark.parametrize(("path", "status"), [("/app/forbidden", 403), ("/app/nowhere", 404)])
async def test_errors_are_protected_too(
    client: TestClient[web.Request, web.Application], path: str, status: int
) -> None:
    async with client.get(path) as response:
        assert response.status == status
        assert_protected(response.headers)


async def test_a_raised_redirect_keeps_its_cookie_and_is_protected(
    client: TestClient[web.Request, web.Application],
) -> None:
    async with client.get("/app/open", allow_redirects=False) as response:
        assert response.status == 303
        assert_protected(response.headers)
        name, _, attributes = parse_set_cookie(response.headers["Set-Cookie"])
        assert name == COOKIE and "partitioned" in attributes


async def test_responses_outside_app_are_left_alone(client: TestClient[web.Request, web.Application]) -> None:
    async with client.get("/files/x") as response:
        assert response.status == 200
        assert "Content-Security-Policy" not in response.headers
        assert "Cache-Control" not in response.headers
