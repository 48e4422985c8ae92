"""docs/openapi.yaml and docs/asyncapi.yaml: both are valid, both say exactly what the
Swift code serves (routes, message types, error codes), and the drift guard that checks
every message and response of the e2e suites (spec_guard) does fail on a wrong one."""
import copy
import glob
import json
import os
import re

import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

import asyncapi_structure
import spec_guard
from e2e_support import Client, http_json, run_async
from spec_guard import SpecDrift, check_http, check_message

ROOT = spec_guard.ROOT
SOURCES = os.path.join(ROOT, "Sources")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON = {"content-type": "application/json"}


def openapi():
    return copy.deepcopy(spec_guard.load(spec_guard.OPENAPI_PATH))


def asyncapi():
    return copy.deepcopy(spec_guard.load(spec_guard.ASYNCAPI_PATH))


def swift(*patterns):
    """The text of the Swift files matching the globs (relative to Sources/)."""
    files = sorted({f for pattern in patterns for f in glob.glob(os.path.join(SOURCES, pattern), recursive=True)})
    assert files, patterns
    return "\n".join(open(f, encoding="utf-8").read() for f in files)


# MARK: the documents are valid

def test_openapi_is_a_valid_openapi_3_1_document():
    doc = openapi()
    assert doc["openapi"].startswith("3.1")
    validate_openapi(doc)


def test_asyncapi_is_a_valid_asyncapi_3_0_document():
    asyncapi_structure.validate(asyncapi())


@pytest.mark.parametrize("breakage", [
    lambda d: d["operations"]["sendConnected"].update(action="publish"),
    lambda d: d["channels"]["priceStream"].update(unknown_field=1),
    lambda d: d["info"].pop("version"),
    lambda d: d["operations"]["receivePing"]["messages"].append({"$ref": "#/components/messages/ping"}),
    lambda d: d["channels"]["priceStream"]["messages"].update(pong={"$ref": "#/components/messages/nope"}),
    lambda d: d["components"]["messages"]["pong"]["examples"][0]["payload"].update(timestamp="yesterday"),
    lambda d: d["components"]["messages"]["status"].update(payload={"type": "objekt"}),
], ids=["action", "unknown-field", "no-version", "foreign-message", "dangling-ref", "bad-example", "bad-schema"])
def test_the_asyncapi_validator_refuses_broken_documents(breakage):
    doc = asyncapi()
    breakage(doc)
    assert asyncapi_structure.problems(doc), "the structural validator accepted a broken document"


def test_the_openapi_validator_refuses_a_broken_document():
    doc = openapi()
    doc["paths"]["/healthz"]["get"]["responses"]["200"]["content"] = "json"
    with pytest.raises(Exception):
        validate_openapi(doc)


# MARK: the documents say what the code serves

def code_routes():
    """(METHOD, path) of every route the server registers (Sources/StockPush)."""
    text = swift("StockPush/**/*.swift")
    routes = {(m.upper(), p) for m, p in re.findall(r"\b(?:add|addAsync)\(\s*\.(\w+)\s*,\s*\"(/[^\"]*)\"", text)}
    routes |= {("GET", p) for p in re.findall(r"\bwebSocket\(\s*\"(/[^\"]*)\"", text)}
    # The SDK files mounted beside the web root: ("/sdk/stockpush.js", sdk + "/stockpush.js").
    routes |= {("GET", p) for p in re.findall(r"\(\s*\"(/[^\"]+)\"\s*,\s*\w+\s*\+\s*\"", swift("StockPush/ServeCommand+Web.swift"))}
    return routes


def spec_operations():
    for path, item in openapi()["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def test_every_route_of_the_code_is_in_openapi_and_every_openapi_path_is_served():
    routes = code_routes()
    assert ("GET", "/ws/stock/prices") in routes and ("GET", "/healthz") in routes, routes  # the parser works
    static = {(m, p): op["x-stockpush-static"] for m, p, op in spec_operations() if "x-stockpush-static" in op}
    preflights = {(m, p) for m, p, op in spec_operations() if op.get("x-stockpush-cors") == "preflight"}
    served = {(m, p) for m, p, _ in spec_operations()} - {k for k, v in static.items() if v != "mount"} - preflights
    assert sorted(routes - served) == [], "routes the code registers that docs/openapi.yaml lacks"
    assert sorted(served - routes) == [], "paths in docs/openapi.yaml that the code does not register"


def test_the_cors_preflights_in_openapi_are_the_paths_the_code_answers_them_on():
    """No route registers OPTIONS: the CORS filter answers preflights on the paths
    `BrowserOrigins.isCrossOriginPath` names (exact paths and prefixes)."""
    rule = re.search(r"func isCrossOriginPath.*?\{(.*?)\n    \}", swift("StockPush/Web/BrowserOrigins.swift"), re.S).group(1)
    prefixes = re.findall(r"path\.hasPrefix\(\"([^\"]+)\"\)", rule)
    exact = re.findall(r"path == \"([^\"]+)\"", rule)
    assert "/api/" in prefixes and "/metrics" in exact, rule  # the parser works
    cross_origin = {p for p in openapi()["paths"] if p in exact or any(p.startswith(x) for x in prefixes)}
    preflights = {p for m, p, op in spec_operations() if m == "OPTIONS"}
    assert sorted(preflights) == sorted(cross_origin)
    assert all(op.get("x-stockpush-cors") == "preflight" for m, _, op in spec_operations() if m == "OPTIONS")


def test_the_pages_in_openapi_are_files_of_the_web_root():
    """The web root's files are served at their paths (Web/StaticSite.swift), so the
    templated /{file} covers every one of them, and a named page is a file there."""
    assert "site.install(into: &routes)" in swift("StockPush/Application.swift")
    pages = [(p, op["x-stockpush-static"]) for _, p, op in spec_operations() if "x-stockpush-static" in op]
    assert ("/{file}", "web-root") in pages
    for path, source in pages:
        if source not in ("mount", "web-root"):
            assert os.path.isfile(os.path.join(ROOT, "web", source)), f"GET {path}: web/{source} is missing"


def server_message_types_in_code():
    text = swift("PushProtocol/*.swift")
    built = re.findall(r"\bmessage\(\s*\"(\w+)\"", text)  # ServerMessage.message("pong") { ... }
    literal = re.findall(r"#\"\{\"type\":\"(\w+)\"", text)  # raw literals (price_update, connected), not comments
    return set(built) | set(literal)


def test_every_message_type_of_the_code_is_in_asyncapi_and_back():
    server = server_message_types_in_code()
    assert {"connected", "price_update", "error"} <= server, server  # the parser works
    assert sorted(server) == sorted(spec_guard.server_message_validators()), "server messages: code vs asyncapi.yaml"
    parser = swift("PushProtocol/RequestParser.swift")
    client = set(re.findall(r"case\s+\"(\w+)\"\s*:", parser))
    assert {"subscribe", "ping"} <= client, client
    assert sorted(client) == sorted(spec_guard.client_message_types()), "client requests: code vs asyncapi.yaml"
    known = re.search(r"knownTypes = \"([^\"]+)\"", parser).group(1)
    assert sorted(known.split(", ")) == sorted(client)


def test_every_error_code_of_the_code_is_in_asyncapi_and_back():
    codes = set(re.findall(r"ErrorCode\(rawValue:\s*\"(\w+)\"\)", swift("PushProtocol/ErrorCode.swift")))
    assert sorted(codes) == sorted(asyncapi()["components"]["schemas"]["ErrorCode"]["enum"])


def test_every_admin_parameter_of_the_code_is_in_openapi():
    filters = swift("StockPush/Cluster/ClientFilter.swift")
    names = set(re.findall(r"case \"(\w+)\":", filters))
    declared = {p["name"] for p in openapi()["paths"]["/api/websocket/clients"]["get"]["parameters"]}
    assert names == declared
    push = {p["name"] for p in openapi()["paths"]["/api/websocket/push/prices"]["post"]["parameters"]}
    assert push == set(re.findall(r"case (\w+)$", swift("Market/SubscriptionType.swift"), re.M))


def test_the_protocol_examples_match_the_message_schemas():
    """Every complete JSON message in docs/protocol.md's examples (not those with `...`)."""
    text = open(os.path.join(ROOT, "docs", "protocol.md"), encoding="utf-8").read()
    checked = 0
    for line in re.findall(r"^(\{\"type\".*\})\s*$", text, re.M) + re.findall(r"`(\{\"type\"[^`]*\})`", text):
        if "..." in line:
            continue
        message = json.loads(line)
        if message["type"] in spec_guard.client_message_types():
            spec_guard.check_request(message)
        else:
            check_message(message, where="docs/protocol.md")
        checked += 1
    assert checked >= 10, checked


# MARK: the guard fails on a wrong message

@pytest.mark.parametrize("message", [
    {"type": "pong", "id": 1},  # no timestamp
    {"type": "pong", "timestamp": "2026-11-21T10:30:00Z"},  # five digits short
    {"type": "connected", "client_id": "c_a_1", "message": "connected", "heartbeat_interval": 30,
     "timestamp": "2026-11-21T10:30:00.123456Z", "extra": True},  # an undocumented field
    {"type": "price_update", "seq": 1, "snapshot": False, "count": 1, "timestamp": "2026-11-21T10:30:00.123456Z",
     "data": [{"code": "600519"}]},  # a quote without its fields
    {"type": "error", "code": "no_such_code", "message": "?"},
    {"type": "welcome"},
    ["not", "an", "object"],
])
def test_the_guard_refuses_a_wrong_server_message(message):
    with pytest.raises(SpecDrift, match="docs/asyncapi.yaml"):
        check_message(message)
    assert spec_guard.take_drifts(), "the drift was not recorded for the autouse fixture"


@pytest.mark.parametrize("method, path, status, body", [
    ("GET", "/api/websocket/stats", 200, {"active_connections": 1}),
    ("GET", "/healthz", 200, {"status": "fine"}),
    ("GET", "/healthz", 418, {"error": "teapot", "message": "x", "extra": 1}),
    ("GET", "/api/websocket/clients", 400, {"error": "unauthorized", "message": "x"}),
    ("GET", "/ws/stock/prices", 429, {"error": "server_busy", "message": "x"}),
    ("POST", "/api/nothing/here", 200, {}),
])
def test_the_guard_refuses_a_wrong_http_response(method, path, status, body):
    with pytest.raises(SpecDrift, match="docs/openapi.yaml"):
        check_http(method, path, status, JSON, json.dumps(body).encode())
    spec_guard.take_drifts()


@pytest.mark.parametrize("method, path, status, body", [
    ("OPTIONS", "/api/catalog", 204, None),
    ("OPTIONS", "/metrics", 403, {"error": "origin_not_allowed", "message": "x"}),
    ("OPTIONS", "/healthz", 405, {"error": "method_not_allowed", "message": "x"}),
    ("GET", "/ws/stock/prices?token=t", 403, {"error": "origin_not_allowed", "message": "x"}),
    ("GET", "/no/such/page.html", 404, {"error": "not_found", "message": "x"}),
])
def test_the_guard_accepts_what_the_spec_describes(method, path, status, body):
    headers, data = (JSON, json.dumps(body).encode()) if body is not None else ({}, b"")
    check_http(method, path, status, headers, data)


def test_the_guard_refuses_a_preflight_where_none_is_answered():
    with pytest.raises(SpecDrift, match="not in docs/openapi.yaml"):
        check_http("OPTIONS", "/", 204, {}, b"")
    spec_guard.take_drifts()


def test_the_guard_refuses_an_undeclared_content_type():
    with pytest.raises(SpecDrift, match="Content-Type"):
        check_http("GET", "/healthz", 200, {"content-type": "text/plain"}, b"ok")
    spec_guard.take_drifts()


@run_async
async def test_real_messages_and_responses_pass_and_tampered_ones_do_not(server):
    client = await Client.open(server.ws)  # `connected` was checked on arrival
    try:
        _, snapshot = await client.subscribe("market", targets=["SH", "NOPE"], id={"any": ["json"]})
        status = await client.request({"type": "get_status", "id": None}, "status")
        for message in (client.connected, snapshot, status):
            tampered = copy.deepcopy(message)
            tampered["undocumented"] = 1
            with pytest.raises(SpecDrift):
                check_message(tampered)
    finally:
        await client.close()
    code, stats = http_json(server.http, "GET", "/api/websocket/stats")  # checked on arrival
    assert code == 200
    del stats["covered"]
    with pytest.raises(SpecDrift, match="covered"):
        check_http("GET", "/api/websocket/stats", 200, JSON, json.dumps(stats).encode())
    spec_guard.take_drifts()
