"""Browser security basics against the real server: which pages may open the price
stream (ALLOWED_ORIGINS; a foreign Origin gets 403), CORS on the HTTP API, and the
security headers of the pages."""
import json

import pytest

from e2e_support import http_request, parse_metrics, websocket_handshake

REFUSALS = "stockpush_origin_refusals_total"


def handshake(server, headers=None, host=None):
    return websocket_handshake(server.host, server.port, headers, host_header=host)


def refusals(server):
    _, _, body = http_request(server.http, "GET", "/metrics")
    return parse_metrics(body).get(REFUSALS, 0)


def test_a_page_from_another_origin_is_refused_403_and_counted(server):
    before = refusals(server)
    status, headers, body = handshake(server, {"Origin": "http://evil.example"})
    assert status == 403, (status, body)
    message = json.loads(body)
    assert message["error"] == "origin_not_allowed" and "http://evil.example" in message["message"], message
    assert "ALLOWED_ORIGINS" in message["message"]
    # Another port of the same host is another origin.
    assert handshake(server, {"Origin": f"http://{server.host}:{server.port + 1}"})[0] == 403
    assert handshake(server, {"Origin": "null"})[0] == 403
    assert refusals(server) == before + 3


def test_no_origin_and_the_same_origin_are_accepted(server):
    assert handshake(server)[0] == 101, "tools send no Origin"
    assert handshake(server, {"Origin": server.http})[0] == 101
    assert handshake(server, {"Origin": f"http://localhost:{server.port}"}, host=f"localhost:{server.port}")[0] == 101
    # The scheme is not known without a trusted proxy: a TLS terminator may be in front.
    assert handshake(server, {"Origin": f"https://{server.host}:{server.port}"})[0] == 101


def test_configured_origins_and_the_wildcard(server_factory):
    configured = server_factory(
        "--allowed-origins", "https://app.example.com, http://localhost:3000", wait_for_quotes=False)
    assert handshake(configured, {"Origin": "https://app.example.com"})[0] == 101
    assert handshake(configured, {"Origin": "http://localhost:3000"})[0] == 101
    assert handshake(configured, {"Origin": configured.http})[0] == 101, "the own origin stays allowed"
    assert handshake(configured, {"Origin": "http://app.example.com"})[0] == 403, "scheme matters in the list"
    assert handshake(configured, {"Origin": "http://localhost:3001"})[0] == 403
    anything = server_factory(wait_for_quotes=False, env={"ALLOWED_ORIGINS": "*"})
    assert handshake(anything, {"Origin": "http://evil.example"})[0] == 101


def test_behind_a_trusted_proxy_the_forwarded_scheme_counts(server_factory):
    proxied = server_factory("--trusted-proxies", "127.0.0.1/32", wait_for_quotes=False)
    # What nginx sends for https://prices.example.com (Host $http_host, X-Forwarded-Proto $scheme).
    https = {"Origin": "https://prices.example.com", "X-Forwarded-Proto": "https"}
    assert handshake(proxied, https, host="prices.example.com")[0] == 101
    downgraded = {"Origin": "http://prices.example.com", "X-Forwarded-Proto": "https"}
    assert handshake(proxied, downgraded, host="prices.example.com")[0] == 403
    # nginx's $host drops the port: with $http_host it is kept and matches.
    local = {"Origin": "http://127.0.0.1:8080", "X-Forwarded-Proto": "http"}
    assert handshake(proxied, local, host="127.0.0.1:8080")[0] == 101
    assert handshake(proxied, local, host="127.0.0.1")[0] == 403


def test_preflight_for_an_allowed_origin_and_refusal_for_another(server_factory):
    server = server_factory("--allowed-origins", "http://dash.example:3000", admin_token="s3cret", wait_for_quotes=False)
    ask = {"Origin": "http://dash.example:3000", "Access-Control-Request-Method": "DELETE",
           "Access-Control-Request-Headers": "authorization"}
    status, headers, body = http_request(server.http, "OPTIONS", "/api/websocket/clients/c_x_1", headers=ask)
    assert status == 204 and body == b"", (status, body)
    assert headers["access-control-allow-origin"] == "http://dash.example:3000", headers
    assert "DELETE" in headers["access-control-allow-methods"]
    assert "authorization" in headers["access-control-allow-headers"].lower()
    assert "content-type" in headers["access-control-allow-headers"].lower()
    assert int(headers["access-control-max-age"]) > 0
    assert "Origin" in headers["vary"]
    # The preflight needs no token: the browser sends none with it.
    status, headers, body = http_request(
        server.http, "OPTIONS", "/api/websocket/stats",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "GET"})
    assert status == 403 and json.loads(body)["error"] == "origin_not_allowed", (status, body)
    assert not [name for name in headers if name.startswith("access-control-")], headers
    _, _, metrics = http_request(server.http, "GET", "/metrics")
    assert parse_metrics(metrics)["stockpush_cors_refusals_total"] == 1


def test_actual_responses_name_an_allowed_origin_only(server_factory):
    server = server_factory("--allowed-origins", "http://dash.example:3000", admin_token="s3cret", wait_for_quotes=False)
    auth = {"Authorization": "Bearer s3cret"}
    for origin in ["http://dash.example:3000", server.http]:
        status, headers, _ = http_request(server.http, "GET", "/api/websocket/stats", headers={"Origin": origin, **auth})
        assert status == 200 and headers["access-control-allow-origin"] == origin, headers
        assert headers["vary"] == "Origin"
    # An error answer is readable too (the page learns its token is wrong).
    status, headers, _ = http_request(
        server.http, "GET", "/api/websocket/stats", headers={"Origin": "http://dash.example:3000"})
    assert status == 401 and headers["access-control-allow-origin"] == "http://dash.example:3000"
    for path in ["/healthz", "/readyz", "/metrics", "/sdk/stockpush.js"]:
        status, headers, _ = http_request(server.http, "GET", path, headers={"Origin": "http://dash.example:3000"})
        assert status == 200 and headers["access-control-allow-origin"] == "http://dash.example:3000", (path, headers)
    status, headers, _ = http_request(
        server.http, "GET", "/api/websocket/stats", headers={"Origin": "http://evil.example", **auth})
    assert status == 200 and "access-control-allow-origin" not in headers, headers
    assert not [name for name in headers if name.startswith("access-control-")], headers
    status, headers, _ = http_request(server.http, "GET", "/healthz")
    assert "access-control-allow-origin" not in headers, "no Origin, no CORS"


@pytest.fixture(scope="module")
def web_root(tmp_path_factory):
    """A web folder with a board and a dashboard page, so the test does not depend on
    how far the real pages are."""
    root = tmp_path_factory.mktemp("web")
    (root / "index.html").write_text("<!doctype html><title>board</title>")
    (root / "admin").mkdir()
    (root / "admin" / "index.html").write_text("<!doctype html><title>dashboard</title>")
    (root / "app.js").write_text("export const x = 1;")
    return str(root)


def test_pages_carry_the_content_security_policy(server_factory, web_root):
    server = server_factory("--web-root", web_root, wait_for_quotes=False)
    host = f"{server.host}:{server.port}"
    for path in ["/", "/admin"]:
        status, headers, _ = http_request(server.http, "GET", path)
        assert status == 200 and headers["content-type"].startswith("text/html"), (path, headers)
        policy = {d.strip().split(" ", 1)[0]: d.strip() for d in headers["content-security-policy"].split(";")}
        assert policy["default-src"] == "default-src 'self'"
        assert policy["script-src"] == "script-src 'self'" and policy["style-src"] == "style-src 'self'"
        assert policy["img-src"] == "img-src 'self' data:"
        assert policy["connect-src"] == f"connect-src 'self' ws://{host} wss://{host}", policy
        assert policy["frame-ancestors"] == "frame-ancestors 'none'" and policy["base-uri"] == "base-uri 'none'"
        assert policy["form-action"] == "form-action 'self'"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    status, headers, _ = http_request(server.http, "GET", "/app.js")
    assert status == 200 and "content-security-policy" not in headers and headers["x-content-type-options"] == "nosniff"
