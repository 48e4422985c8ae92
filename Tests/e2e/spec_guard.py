"""The drift guard: every message a test client receives on the price stream is checked
against docs/asyncapi.yaml, and every HTTP response a test gets (admin API, health,
catalog, handshake refusals, pages) against docs/openapi.yaml, with `jsonschema`.

A mismatch raises `SpecDrift`, naming the message or route and the schema path, in the
test that saw it. It is also recorded in `DRIFTS`, which the conftest's autouse fixture
checks after every test, so a test that catches AssertionError (or reads in a
background task) still fails.

    check_message(message)                              # a server -> client message
    check_http(method, target, status, headers, body)   # an HTTP response
"""
import functools
import json
import os
import re
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OPENAPI_PATH = os.path.join(ROOT, "docs", "openapi.yaml")
ASYNCAPI_PATH = os.path.join(ROOT, "docs", "asyncapi.yaml")

# Drifts seen since the last `take_drifts()`: (summary, detail).
DRIFTS = []


class SpecDrift(AssertionError):
    """The server sent something its published spec does not describe."""


def _drift(summary, detail):
    DRIFTS.append(summary)
    raise SpecDrift(f"{summary}\n{detail}")


def take_drifts():
    drifts = list(DRIFTS)
    DRIFTS.clear()
    return drifts


@functools.lru_cache(maxsize=None)
def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _describe(errors, spec, schema_uri):
    lines = []
    for error in errors[:5]:
        where = "$" + "".join(f"[{p!r}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        schema_path = "/".join(map(str, error.absolute_schema_path))
        lines.append(f"  at {where}: {error.message[:300]}\n    schema: {spec} {schema_uri.split('#', 1)[1]} -> {schema_path}")
    return "\n".join(lines)


def _errors(validator, instance):
    return sorted(validator.iter_errors(instance), key=lambda e: (len(e.absolute_path), str(e.absolute_path)))


# MARK: AsyncAPI

@functools.lru_cache(maxsize=None)
def server_message_validators():
    """{type: (message name, validator)} for every message the server sends (the
    messages of `send` operations and of replies)."""
    doc = load(ASYNCAPI_PATH)
    registry = Registry().with_resource("urn:asyncapi", Resource(contents=doc, specification=DRAFT7))
    found = {}
    for operation in doc["operations"].values():
        refs = operation.get("messages", []) if operation["action"] == "send" else []
        refs = refs + (operation.get("reply") or {}).get("messages", [])
        for ref in refs:
            name = _resolve(doc, ref)["$ref"].rsplit("/", 1)[1]  # channel entry -> component
            type_name = message_type(doc, name)
            uri = f"urn:asyncapi#/components/messages/{name}/payload"
            found[type_name] = (name, jsonschema.Draft7Validator({"$ref": uri}, registry=registry), uri)
    return found


@functools.lru_cache(maxsize=None)
def client_message_validators():
    """{type: (message name, validator, uri)} for every request a client may send."""
    doc = load(ASYNCAPI_PATH)
    registry = Registry().with_resource("urn:asyncapi", Resource(contents=doc, specification=DRAFT7))
    found = {}
    for operation in doc["operations"].values():
        if operation["action"] == "receive":
            for ref in operation.get("messages", []):
                name = _resolve(doc, ref)["$ref"].rsplit("/", 1)[1]
                uri = f"urn:asyncapi#/components/messages/{name}/payload"
                found[message_type(doc, name)] = (name, jsonschema.Draft7Validator({"$ref": uri}, registry=registry), uri)
    return found


def client_message_types():
    return set(client_message_validators())


def check_request(message):
    """Validates a client -> server request against asyncapi.yaml (for documentation
    examples; the tests' own garbage is never checked)."""
    name, validator, uri = client_message_validators()[message["type"]]
    errors = _errors(validator, message)
    if errors:
        _drift(f"SpecDrift: request {message['type']!r} does not match docs/asyncapi.yaml "
               f"#/components/messages/{name}/payload", _describe(errors, "asyncapi", uri))
    return message


def message_type(doc, name):
    """The `type` a component message carries (its payload's `type` const)."""
    payload = doc["components"]["messages"][name]["payload"]
    for schema in [payload, *payload.get("allOf", []), *payload.get("oneOf", [])]:
        for part in [schema, *schema.get("allOf", [])]:
            const = (part.get("properties") or {}).get("type", {}).get("const")
            if const:
                return const
    raise KeyError(f"message {name} has no type const")


def _resolve(doc, ref):
    node = doc
    for part in ref["$ref"].lstrip("#/").split("/"):
        node = node[part]
    return node


# price_update bodies already found valid, with `seq` set to 1: one tick's body is the
# same for every client covering the same stocks, so hundreds of clients (the cluster
# tests) cost one validation per body, not one each (~6 ms for 56 quotes).
_VALID_UPDATES = set()


def _update_key(message):
    seq = message.get("seq")
    if type(seq) is not int or seq < 1:  # noqa: E721 - bool is not a seq
        return None
    return json.dumps({**message, "seq": 1}, ensure_ascii=False)


def check_message(message, where="the price stream"):
    """Validates one server -> client message (parsed JSON) against asyncapi.yaml."""
    validators = server_message_validators()
    kind = message.get("type") if isinstance(message, dict) else None
    if kind not in validators:
        _drift(f"SpecDrift: a message of type {kind!r} on {where} is not a server message of docs/asyncapi.yaml",
               f"  message: {json.dumps(message)[:500]}\n  known: {sorted(validators)}")
    key = _update_key(message) if kind == "price_update" else None
    if key is not None and key in _VALID_UPDATES:
        return message
    name, validator, uri = validators[kind]
    errors = _errors(validator, message)
    if key is not None and not errors:
        if len(_VALID_UPDATES) > 20000:
            _VALID_UPDATES.clear()
        _VALID_UPDATES.add(key)
    if errors:
        _drift(f"SpecDrift: server message {kind!r} on {where} does not match docs/asyncapi.yaml "
               f"#/components/messages/{name}/payload",
               f"  message: {json.dumps(message, ensure_ascii=False)[:500]}\n" + _describe(errors, "asyncapi", uri))
    return message


# MARK: OpenAPI

@functools.lru_cache(maxsize=None)
def _openapi_registry():
    return Registry().with_resource("urn:openapi", Resource(contents=load(OPENAPI_PATH), specification=DRAFT202012))


@functools.lru_cache(maxsize=None)
def _validator(pointer):
    return jsonschema.Draft202012Validator({"$ref": "urn:openapi" + pointer}, registry=_openapi_registry())


@functools.lru_cache(maxsize=None)
def path_patterns():
    """[(template, regex)]: literal paths first, then templates, catch-alls last."""
    patterns = []
    for template, item in load(OPENAPI_PATH)["paths"].items():
        multi = {op.get("x-stockpush-multi-segment") for op in item.values() if isinstance(op, dict)}
        regex = re.sub(r"\\\{(\w+)\\\}", lambda m: "(.+)" if m.group(1) in multi else "([^/]+)", re.escape(template))
        patterns.append((("{" in template) + (".+" in regex), template, re.compile(regex + r"\Z")))
    return [(template, regex) for _, template, regex in sorted(patterns, key=lambda p: p[0])]


def match_path(path):
    for template, regex in path_patterns():
        if regex.match(path):
            return template
    return None


def _media_type(headers):
    return (headers.get("content-type") or "").split(";", 1)[0].strip().lower()


def _from_gateway(status, headers):
    """A reverse proxy's own error page (nginx in front of the cluster tests): the server
    never answers 502 or 504, nor any error in HTML."""
    return status in (502, 504) or (status >= 400 and _media_type(headers) == "text/html")


def check_http(method, target, status, headers, body):
    """Validates one HTTP response against openapi.yaml: the route and status must be
    described, the Content-Type declared, and a JSON body must match its schema.
    `headers` has lower-case names; `body` is bytes."""
    if status == 101 or _from_gateway(status, headers):
        return
    path = urlsplit(target).path or "/"
    method = method.upper()
    route = f"{method} {path} -> {status}"
    doc = load(OPENAPI_PATH)
    template = match_path(path)
    operation = doc["paths"][template].get("get" if method == "HEAD" else method.lower()) if template else None
    if operation is None:
        # No such route (or not with this method): only an error of the HTTP layer is right.
        if status < 400:
            _drift(f"SpecDrift: {route}: the path or method is not in docs/openapi.yaml", f"  template: {template}")
        pointer, response = "#/components/schemas/Error", {"content": {"application/json": {}}}
    else:
        pointer = f"#/paths/{template.replace('~', '~0').replace('/', '~1')}/{method.lower().replace('head', 'get')}"
        responses = operation["responses"]
        key = str(status) if str(status) in responses else "default"
        if key not in responses:
            _drift(f"SpecDrift: {route}: status {status} is not described in docs/openapi.yaml {template}",
                   f"  described: {sorted(responses)}")
        response, pointer = responses[key], f"{pointer}/responses/{key}"
        if "$ref" in response:
            pointer = response["$ref"]
            response = _pointer(doc, pointer)
    content = response.get("content") or {}
    if not content:
        if body and method != "HEAD":
            _drift(f"SpecDrift: {route}: a body where docs/openapi.yaml {pointer} describes none", f"  body: {body[:200]!r}")
        return
    media = _media_type(headers)
    if media not in content and "*/*" not in content:
        _drift(f"SpecDrift: {route}: Content-Type {media!r} is not one of docs/openapi.yaml {pointer}/content",
               f"  described: {sorted(content)}")
    if media != "application/json" or method == "HEAD":
        return
    try:
        instance = json.loads(body)
    except ValueError:
        _drift(f"SpecDrift: {route}: the body is not JSON", f"  body: {body[:300]!r}")
    if operation is not None:
        pointer = f"{pointer}/content/application~1json/schema"
    errors = _errors(_validator(pointer), instance)
    if errors:
        _drift(f"SpecDrift: {route} does not match docs/openapi.yaml {pointer}",
               f"  body: {json.dumps(instance, ensure_ascii=False)[:500]}\n" + _describe(errors, "openapi",
                                                                                          "urn:openapi" + pointer))


def _pointer(doc, pointer):
    node = doc
    for part in pointer.lstrip("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@pytest.fixture(autouse=True)
def spec_drift_guard(request):
    """Fails a test during which the server sent a message or an HTTP response that
    docs/asyncapi.yaml or docs/openapi.yaml do not describe, even when the test caught the
    SpecDrift or a reconnecting client swallowed it in a background task. A conftest
    enables it by importing it (and sets `rep_call` with a makereport hook)."""
    take_drifts()
    yield
    drifts = take_drifts()
    call = getattr(request.node, "rep_call", None)
    if drifts and not (call and call.failed):
        pytest.fail("the server drifted from its spec:\n" + "\n".join(drifts), pytrace=False)
