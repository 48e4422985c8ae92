"""A structural validator for AsyncAPI 3.0 documents (docs/asyncapi.yaml).

The official JSON Schema of AsyncAPI 3.0 (asyncapi/spec-json-schemas) is not published
on PyPI or in Debian, the only registries this project's machines reach, and no PyPI
package ships it usable (checked: asyncapi-python-parser-jonaslagoni refers to schema
files its wheel lacks; the others validate payloads only). So this module is the
equivalent check, written from the AsyncAPI 3.0.0 specification:

1. `STRUCTURE`, a JSON Schema (2020-12) of the document's objects: the root, Info,
   Server, Channel, Operation, Reply, Message, Components, Security Scheme, Tag,
   External Docs and Reference, each with its fixed fields only (plus `x-` extensions),
   required fields, and the enumerations (`action`, security scheme types).
2. The rules a schema cannot say: every `$ref` is local and resolves; an operation's
   `channel` points into `#/channels`; its messages (and its reply's) are messages *of
   that channel* (spec 3.0.0, Operation Object); a channel's servers point into
   `#/servers`; every `{parameter}` of a channel address is declared; every message
   payload is a valid JSON Schema (draft-07, which AsyncAPI's Schema Object extends)
   and every example payload validates against it.

`problems(document)` lists what is wrong (empty: valid); `validate(document)` raises.
"""
import re

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

_EXT = {"^x-": {}}


def _obj(properties, required=(), **more):
    schema = {"type": "object", "properties": properties, "patternProperties": _EXT, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    schema.update(more)
    return schema


def _map(value, key_pattern=r"^[A-Za-z0-9_.\-]+$"):
    return {"type": "object", "propertyNames": {"pattern": key_pattern}, "additionalProperties": value}


def _ref_or(name):
    return {"anyOf": [{"$ref": "#/$defs/Reference"}, {"$ref": f"#/$defs/{name}"}]}


_REF = {"$ref": "#/$defs/Reference"}
_STR = {"type": "string"}
_TAGS = {"type": "array", "items": _ref_or("Tag")}
_DOCS = _ref_or("ExternalDocs")
_BINDINGS = {"anyOf": [_REF, {"type": "object"}]}  # protocol name -> binding object
_ANY_SCHEMA = {"type": ["object", "boolean"]}

STRUCTURE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "Reference": {"type": "object", "required": ["$ref"], "properties": {"$ref": _STR},
                      "additionalProperties": False},
        "Tag": _obj({"name": _STR, "description": _STR, "externalDocs": _DOCS}, ["name"]),
        "ExternalDocs": _obj({"description": _STR, "url": _STR}, ["url"]),
        "Info": _obj({
            "title": _STR, "version": _STR, "description": _STR, "termsOfService": _STR,
            "contact": _obj({"name": _STR, "url": _STR, "email": _STR}),
            "license": _obj({"name": _STR, "url": _STR}, ["name"]),
            "tags": _TAGS, "externalDocs": _DOCS,
        }, ["title", "version"]),
        "ServerVariable": _obj({"enum": {"type": "array", "items": _STR}, "default": _STR, "description": _STR,
                                "examples": {"type": "array", "items": _STR}}),
        "Server": _obj({
            "host": _STR, "protocol": _STR, "protocolVersion": _STR, "pathname": _STR, "description": _STR,
            "title": _STR, "summary": _STR, "variables": _map(_ref_or("ServerVariable")),
            "security": {"type": "array", "items": _ref_or("SecurityScheme")}, "tags": _TAGS,
            "externalDocs": _DOCS, "bindings": _BINDINGS,
        }, ["host", "protocol"]),
        "Parameter": _obj({"enum": {"type": "array", "items": _STR}, "default": _STR, "description": _STR,
                           "examples": {"type": "array", "items": _STR}, "location": _STR}),
        "Channel": _obj({
            "address": {"type": ["string", "null"]}, "messages": _map(_ref_or("Message")), "title": _STR,
            "summary": _STR, "description": _STR, "servers": {"type": "array", "items": _REF},
            "parameters": _map(_ref_or("Parameter")), "tags": _TAGS, "externalDocs": _DOCS, "bindings": _BINDINGS,
        }),
        "MessageExample": _obj({"headers": {"type": "object"}, "payload": {}, "name": _STR, "summary": _STR},
                               anyOf=[{"required": ["payload"]}, {"required": ["headers"]}]),
        "CorrelationId": _obj({"description": _STR, "location": _STR}, ["location"]),
        "MessageTrait": _obj({
            "headers": _ANY_SCHEMA, "correlationId": _ref_or("CorrelationId"), "contentType": _STR, "name": _STR,
            "title": _STR, "summary": _STR, "description": _STR, "tags": _TAGS, "externalDocs": _DOCS,
            "bindings": _BINDINGS, "examples": {"type": "array", "items": {"$ref": "#/$defs/MessageExample"}},
        }),
        "Message": _obj({
            "headers": _ANY_SCHEMA, "payload": _ANY_SCHEMA, "correlationId": _ref_or("CorrelationId"),
            "contentType": _STR, "name": _STR, "title": _STR, "summary": _STR, "description": _STR, "tags": _TAGS,
            "externalDocs": _DOCS, "bindings": _BINDINGS,
            "examples": {"type": "array", "items": {"$ref": "#/$defs/MessageExample"}},
            "traits": {"type": "array", "items": _ref_or("MessageTrait")},
        }),
        "ReplyAddress": _obj({"description": _STR, "location": _STR}, ["location"]),
        "Reply": _obj({"address": _ref_or("ReplyAddress"), "channel": _REF,
                       "messages": {"type": "array", "items": _REF}}),
        "OperationTrait": _obj({
            "title": _STR, "summary": _STR, "description": _STR,
            "security": {"type": "array", "items": _ref_or("SecurityScheme")}, "tags": _TAGS,
            "externalDocs": _DOCS, "bindings": _BINDINGS,
        }),
        "Operation": _obj({
            "action": {"enum": ["send", "receive"]}, "channel": _REF, "title": _STR, "summary": _STR,
            "description": _STR, "security": {"type": "array", "items": _ref_or("SecurityScheme")}, "tags": _TAGS,
            "externalDocs": _DOCS, "bindings": _BINDINGS, "traits": {"type": "array", "items": _ref_or("OperationTrait")},
            "messages": {"type": "array", "items": _REF}, "reply": _ref_or("Reply"),
        }, ["action", "channel"]),
        "SecurityScheme": _obj({
            "type": {"enum": ["userPassword", "apiKey", "X509", "symmetricEncryption", "asymmetricEncryption",
                              "httpApiKey", "http", "oauth2", "openIdConnect", "plain", "scramSha256",
                              "scramSha512", "gssapi"]},
            "description": _STR, "name": _STR, "in": {"enum": ["user", "password", "query", "header", "cookie"]},
            "scheme": _STR, "bearerFormat": _STR, "flows": {"type": "object"}, "openIdConnectUrl": _STR,
            "scopes": {"type": "array", "items": _STR},
        }, ["type"], allOf=[
            {"if": {"properties": {"type": {"const": "httpApiKey"}}},
             "then": {"required": ["name", "in"], "properties": {"in": {"enum": ["query", "header", "cookie"]}}}},
            {"if": {"properties": {"type": {"const": "apiKey"}}},
             "then": {"required": ["in"], "properties": {"in": {"enum": ["user", "password"]}}}},
            {"if": {"properties": {"type": {"const": "http"}}}, "then": {"required": ["scheme"]}},
        ]),
        "Components": _obj({
            "schemas": _map(_ANY_SCHEMA), "servers": _map(_ref_or("Server")), "channels": _map(_ref_or("Channel")),
            "operations": _map(_ref_or("Operation")), "messages": _map(_ref_or("Message")),
            "securitySchemes": _map(_ref_or("SecurityScheme")), "serverVariables": _map(_ref_or("ServerVariable")),
            "parameters": _map(_ref_or("Parameter")), "correlationIds": _map(_ref_or("CorrelationId")),
            "replies": _map(_ref_or("Reply")), "replyAddresses": _map(_ref_or("ReplyAddress")),
            "externalDocs": _map(_DOCS), "tags": _map(_ref_or("Tag")),
            "operationTraits": _map(_ref_or("OperationTrait")), "messageTraits": _map(_ref_or("MessageTrait")),
            "serverBindings": _map(_BINDINGS), "channelBindings": _map(_BINDINGS),
            "operationBindings": _map(_BINDINGS), "messageBindings": _map(_BINDINGS),
        }),
    },
    **_obj({
        "asyncapi": {"const": "3.0.0"}, "id": _STR, "info": {"$ref": "#/$defs/Info"},
        "servers": _map(_ref_or("Server")), "defaultContentType": _STR,
        "channels": _map(_ref_or("Channel")), "operations": _map(_ref_or("Operation")),
        "components": {"$ref": "#/$defs/Components"},
    }, ["asyncapi", "info"]),
}


class AsyncAPIError(AssertionError):
    pass


def _pointer(document, ref):
    """The object a local `#/a/b` reference names, or raises KeyError."""
    if not ref.startswith("#"):
        raise KeyError(f"{ref}: only local references are used here")
    node = document
    for part in filter(None, ref[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _walk_refs(node, path="#"):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield path, node["$ref"]
        for key, value in node.items():
            yield from _walk_refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_refs(value, f"{path}/{index}")


def _deref(document, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 16:
        node, seen = _pointer(document, node["$ref"]), seen + 1
    return node


def _channel_of(ref):
    match = re.fullmatch(r"#/channels/([^/]+)", ref)
    return match and match.group(1)


def _semantic_problems(document):
    found = []
    for where, ref in _walk_refs(document):
        try:
            _pointer(document, ref)
        except (KeyError, IndexError, ValueError) as error:
            found.append(f"{where}: $ref {ref!r} does not resolve ({error})")
    if found:
        return found
    for name, channel in (document.get("channels") or {}).items():
        channel = _deref(document, channel)
        for index, server in enumerate(channel.get("servers") or []):
            if not server["$ref"].startswith("#/servers/"):
                found.append(f"#/channels/{name}/servers/{index}: must reference #/servers/*")
        declared = set(channel.get("parameters") or {})
        for parameter in re.findall(r"\{([^}]+)\}", channel.get("address") or ""):
            if parameter not in declared:
                found.append(f"#/channels/{name}: address parameter {{{parameter}}} is not declared")
    for name, operation in (document.get("operations") or {}).items():
        operation = _deref(document, operation)
        where = f"#/operations/{name}"
        channel = _channel_of(operation["channel"]["$ref"])
        if not channel:
            found.append(f"{where}/channel: must reference #/channels/<name>")
            continue
        for index, message in enumerate(operation.get("messages") or []):
            if not message["$ref"].startswith(f"#/channels/{channel}/messages/"):
                found.append(f"{where}/messages/{index}: {message['$ref']} is not a message of channel {channel}")
        reply = _deref(document, operation.get("reply")) if operation.get("reply") else None
        if reply:
            reply_channel = _channel_of(reply["channel"]["$ref"]) if "channel" in reply else channel
            if not reply_channel:
                found.append(f"{where}/reply/channel: must reference #/channels/<name>")
                continue
            for index, message in enumerate(reply.get("messages") or []):
                if not message["$ref"].startswith(f"#/channels/{reply_channel}/messages/"):
                    found.append(f"{where}/reply/messages/{index}: {message['$ref']} is not a message of "
                                 f"channel {reply_channel}")
    registry = Registry().with_resource("urn:asyncapi", Resource(contents=document, specification=DRAFT7))
    messages = dict((document.get("components") or {}).get("messages") or {})
    for name, channel in (document.get("channels") or {}).items():
        for key, message in (_deref(document, channel).get("messages") or {}).items():
            if "$ref" not in message:
                messages[f"channels/{name}/messages/{key}"] = message
    for name, message in messages.items():
        message = _deref(document, message)
        payload = message.get("payload")
        if payload is None:
            continue
        try:
            jsonschema.Draft7Validator.check_schema(payload)
        except jsonschema.SchemaError as error:
            found.append(f"message {name}: payload is not a valid JSON Schema: {error.message}")
            continue
        validator = jsonschema.Draft7Validator({"$ref": f"urn:asyncapi#/components/messages/{name}/payload"}
                                               if "/" not in name else payload, registry=registry)
        for index, example in enumerate(message.get("examples") or []):
            if "payload" in example:
                for error in validator.iter_errors(example["payload"]):
                    found.append(f"message {name}: example {index} does not match its payload: {error.message}")
    return found


def _explain(error):
    """An `anyOf: [Reference, X]` failure says little: show why the instance is not an X."""
    while error.validator == "anyOf" and error.context:
        branches = [e for e in error.context if e.schema_path and e.schema_path[0] != 0] or error.context
        error = max(branches, key=lambda e: len(e.absolute_path))
    return f"#/{'/'.join(map(str, error.absolute_path))}: {error.message}"


def problems(document):
    """Everything wrong with `document` as an AsyncAPI 3.0 document; [] when valid."""
    validator = jsonschema.Draft202012Validator(STRUCTURE)
    found = [_explain(error)
             for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
    return found or _semantic_problems(document)


def validate(document):
    found = problems(document)
    if found:
        raise AsyncAPIError("not a valid AsyncAPI 3.0 document:\n  " + "\n  ".join(found))
