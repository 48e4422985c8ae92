"""Static checks of the deployment files (Dockerfile, docker-compose.yml with nginx in
front of two replicas).

The development machine has no Docker engine, so nothing here builds or starts a
container. Instead the files are checked against the server's own sources: every
environment variable set must be one `stockpush serve` reads (parsed from the
`OptionSpec(...)` lists, so renaming a variable breaks this test), the URLs must point
at the compose services, the ports must agree, and the health probe is run against a
local HTTP server to prove the shell snippet works.

    source scripts/lib.sh && ROOT=$PWD ensure_test_venv && .build-venv/bin/python -m pytest -q Tests/deploy
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import os
import re
import shlex
import socket
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
NGINX_CONF = ROOT / "deploy/nginx.conf"
# Files whose OptionSpec lists are not `stockpush serve`'s.
NOT_SERVE_OPTIONS = {"BenchCommand.swift", "MigrateCommand.swift"}
REPLICAS = ("stockpush-1", "stockpush-2")

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

OPTION_SPEC = re.compile(r'OptionSpec\(\s*"(--[a-z0-9-]+)"\s*,\s*env:\s*"([A-Z0-9_]+)"')
# Compose interpolation: $$ (a literal $), ${NAME...} or $NAME.
INTERPOLATION = re.compile(r"\$(?:(\$)|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
DEFAULTED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(:?-)(.*)$", re.S)


def server_env_vars() -> dict[str, str]:
    """Environment variable -> flag, for every option `stockpush serve` reads: the
    OptionSpec lists anywhere under Sources/StockPush (ServeCommand, DataConfiguration,
    PushConfiguration, the cluster's configuration ...), the other commands' excepted."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "Sources/StockPush").rglob("*.swift")):
        if path.name in NOT_SERVE_OPTIONS:
            continue
        for flag, env in OPTION_SPEC.findall(path.read_text()):
            found[env] = flag
    return found


def strings_in(value):
    """Every string inside a loaded YAML value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def interpolate(text: str) -> str:
    """What `docker compose config` makes of a string with no variables set in the
    environment: `${NAME:-default}` and `${NAME-default}` become the default, `$$` a `$`."""

    def replace(match: re.Match) -> str:
        if match.group(1):
            return "$"
        expression = match.group(2)
        if expression is None:  # bare $NAME: no default possible
            raise AssertionError(f"${match.group(3)} in {text!r} has no default; write ${{{match.group(3)}:-...}}")
        defaulted = DEFAULTED.match(expression)
        if not defaulted:
            raise AssertionError(f"${{{expression}}} in {text!r} has no default; write ${{NAME:-...}}")
        return defaulted.group(3)

    return INTERPOLATION.sub(replace, text)


def resolved(value):
    """A loaded YAML value with every string interpolated."""
    if isinstance(value, str):
        return interpolate(value)
    if isinstance(value, dict):
        return {key: resolved(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolved(item) for item in value]
    return value


def environment_of(service: dict) -> dict[str, str]:
    """A service's environment, given as a mapping or as a list of NAME=value."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) for item in env)
        env = {pair[0]: (pair[1] if len(pair) > 1 else "") for pair in pairs}
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def published_ports(service: dict) -> list[tuple[int, int]]:
    """(host, container) pairs from a service's `ports`, short or long syntax."""
    pairs = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            pairs.append((int(entry["published"]), int(entry["target"])))
            continue
        parts = str(entry).split("/")[0].split(":")
        assert len(parts) >= 2, f"port {entry!r} publishes no fixed host port"
        pairs.append((int(parts[-2]), int(parts[-1])))
    return pairs


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuations joined, comments dropped), per stage."""
    lines, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append(current + stripped)
        current = ""
    if current:
        lines.append(current)
    stages: list[list[str]] = [[]]
    for line in lines:
        if line.upper().startswith("FROM ") and stages[-1] and any(l.upper().startswith("FROM ") for l in stages[-1]):
            stages.append([])
        stages[-1].append(line)
    return stages


def instructions(stage: list[str], keyword: str) -> list[str]:
    keyword = keyword.upper() + " "
    return [line[len(keyword):].strip() for line in stage if line.upper().startswith(keyword)]


def dockerfile_env(stage: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for args in instructions(stage, "ENV"):
        for token in shlex.split(args):
            assert "=" in token, f"use ENV NAME=value, not {args!r}"
            name, value = token.split("=", 1)
            env[name] = value
    return env


def healthcheck_command(stage: list[str]) -> list[str]:
    (spec,) = instructions(stage, "HEALTHCHECK")
    _, _, command = spec.partition("CMD ")
    command = command.strip()
    assert command.startswith("["), "HEALTHCHECK should use the exec (JSON) form"
    return json.loads(command)


@pytest.fixture(scope="module")
def compose() -> dict:
    with COMPOSE_FILE.open() as f:
        document = yaml.safe_load(f)
    assert isinstance(document, dict), "docker-compose.yml is not a mapping"
    return document


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return resolved(compose["services"])


@pytest.fixture(scope="module")
def stages() -> list[list[str]]:
    return dockerfile_stages()


@pytest.fixture(scope="module")
def runtime(stages) -> list[str]:
    return stages[-1]


# ---------------------------------------------------------------------------
# docker-compose.yml
# ---------------------------------------------------------------------------


def test_option_specs_are_found():
    env = server_env_vars()
    # If the regex stops matching, every later check would pass vacuously.
    for name in ("PORT", "LOG_LEVEL", "REDIS_URL", "DATABASE_URL", "QUOTE_INTERVAL", "QUOTE_SOURCE", "MIGRATIONS_DIR",
                 "TRUSTED_PROXIES", "INSTANCE_ID", "REDIS_SENTINELS"):
        assert name in env, f"{name} not found among the OptionSpec env names {sorted(env)}"


def test_every_interpolation_has_a_default(compose):
    for text in strings_in(compose):
        interpolate(text)  # raises on ${NAME} or $NAME without a default


def test_services(services):
    for name in ("postgres", "redis", "nginx", *REPLICAS):
        assert name in services, f"service {name} is missing"
    assert "stockpush" not in services, "the single stockpush service became the replicas"


@pytest.mark.parametrize("replica", REPLICAS)
def test_replicas_wait_for_healthy_dependencies(services, replica):
    depends = services[replica].get("depends_on")
    assert isinstance(depends, dict), "depends_on must use the long form to carry a condition"
    for name in ("postgres", "redis"):
        assert name in depends, f"{replica} does not depend on {name}"
        assert depends[name].get("condition") == "service_healthy", f"{name}: condition is not service_healthy"


def test_every_service_has_a_healthcheck(services):
    for name, service in services.items():
        check = service.get("healthcheck")
        assert check and not check.get("disable") and check.get("test"), f"service {name} has no healthcheck"


def test_dependency_healthchecks(services):
    postgres = " ".join(services["postgres"]["healthcheck"]["test"])
    assert "pg_isready" in postgres
    redis = " ".join(services["redis"]["healthcheck"]["test"])
    assert "redis-cli" in redis and "ping" in redis


def test_only_the_replicas_run_stockpush(services):
    runs = sorted(name for name, service in services.items() if service.get("build") or "stockpush" in str(service.get("image")))
    assert runs == sorted(REPLICAS)


@pytest.mark.parametrize("service", REPLICAS)
def test_env_vars_of_the_app_are_read_by_the_server(services, service):
    """Every variable a service running `stockpush` gets is a real option of the server."""
    known = server_env_vars()
    env = environment_of(services[service])
    assert env, f"{service} sets no environment"
    unknown = sorted(set(env) - set(known))
    assert not unknown, f"{service} sets {unknown}, which the server does not read (known: {sorted(known)})"


def test_replicas_are_one_app_with_distinct_ids(services):
    first, second = (services[name] for name in REPLICAS)
    env = [environment_of(first), environment_of(second)]
    assert [e.get("INSTANCE_ID") for e in env] == list(REPLICAS), "each replica names itself (INSTANCE_ID)"
    strip = lambda e: {k: v for k, v in e.items() if k != "INSTANCE_ID"}  # noqa: E731
    assert strip(env[0]) == strip(env[1]), "the replicas differ in more than their INSTANCE_ID"
    assert first.get("build") == second.get("build") is not None, "the replicas are not built from the Dockerfile"
    assert first.get("image") == second.get("image")
    for name in REPLICAS:
        assert not services[name].get("ports"), f"{name} publishes a port: clients must come through nginx"


@pytest.mark.parametrize("replica", REPLICAS)
def test_replica_settings(services, replica):
    env = environment_of(services[replica])
    for name in ("PORT", "REDIS_URL", "DATABASE_URL", "QUOTE_SOURCE", "TRUSTED_PROXIES", "INSTANCE_ID"):
        assert env.get(name), f"{replica} does not set {name}"
    assert env["QUOTE_SOURCE"] in {"simulated", "http", "file"}
    assert float(env.get("QUOTE_INTERVAL", "60")) >= 0.01
    assert env.get("LOG_LEVEL", "info") in {"debug", "info", "warning", "error"}
    assert re.fullmatch(r"[A-Za-z0-9.-]{1,48}", env["INSTANCE_ID"]), "INSTANCE_ID: [A-Za-z0-9.-], 1-48 chars"


def nginx_address(services) -> str:
    networks = services["nginx"].get("networks")
    assert isinstance(networks, dict), "nginx needs a fixed address (networks: NAME: ipv4_address:)"
    ((network, settings),) = networks.items()
    return network, ipaddress.ip_address(settings["ipv4_address"])


def test_nginx_has_a_fixed_address_in_the_network_subnet(compose, services):
    network, address = nginx_address(services)
    subnets = [ipaddress.ip_network(entry["subnet"]) for entry in compose["networks"][network]["ipam"]["config"]]
    assert any(address in subnet for subnet in subnets), f"{address} is outside {subnets}"
    for name in REPLICAS:
        networks = services[name].get("networks")
        assert network in (networks if isinstance(networks, (list, dict)) else []), f"{name} is not on {network}"


@pytest.mark.parametrize("replica", REPLICAS)
def test_replicas_trust_nginx_and_nothing_else(services, replica):
    _, address = nginx_address(services)
    trusted = [ipaddress.ip_network(entry.strip()) for entry in environment_of(services[replica])["TRUSTED_PROXIES"].split(",")]
    assert any(address in net for net in trusted), f"nginx {address} is not in TRUSTED_PROXIES {trusted}"
    assert all(net.num_addresses == 1 for net in trusted), f"TRUSTED_PROXIES {trusted} trusts more than nginx"


def test_nginx_serves_the_shipped_config_in_front_of_the_replicas(services):
    nginx = services["nginx"]
    mounts = [str(v) for v in nginx.get("volumes") or []]
    assert any(m.startswith("./deploy/nginx.conf:/etc/nginx/nginx.conf") for m in mounts), mounts
    depends = nginx.get("depends_on") or {}
    for name in REPLICAS:
        assert depends.get(name, {}).get("condition") == "service_healthy", f"nginx does not wait for {name}"
    conf = NGINX_CONF.read_text()
    upstream = re.search(r"upstream\s+stockpush\s*\{(.*?)\}", conf, re.S).group(1)
    port = environment_of(services[REPLICAS[0]])["PORT"]
    servers = re.findall(r"^\s*server\s+(\S+)", upstream, re.M)
    assert servers == [f"{name}:{port}" for name in REPLICAS], f"nginx upstream {servers}"
    listen = int(re.search(r"^\s*listen\s+(?:[\d.]+:)?(\d+)", conf, re.M).group(1))
    assert [target for _, target in published_ports(nginx)] == [listen], "nginx publishes another port than it listens on"
    probe = " ".join(nginx["healthcheck"]["test"])
    assert f"/dev/tcp/127.0.0.1/{listen} " in probe and "/healthz" in probe, "nginx's health probe asks another port"


def test_redis_url_points_at_the_redis_service(services):
    url = urlsplit(environment_of(services[REPLICAS[0]])["REDIS_URL"])
    assert url.scheme == "redis"
    assert url.hostname == "redis" and "redis" in services
    assert (url.port or 6379) == 6379, "the redis image listens on 6379"
    command = " ".join(map(str, services["redis"].get("command") or []))
    assert "--port" not in command, "redis listens on a non-default port; update REDIS_URL"
    if url.path.strip("/"):
        assert url.path.strip("/").isdigit()


def test_database_url_matches_the_postgres_service(services):
    url = urlsplit(environment_of(services[REPLICAS[0]])["DATABASE_URL"])
    pg = environment_of(services["postgres"])
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "postgres"
    assert (url.port or 5432) == 5432, "the postgres image listens on 5432"
    assert url.username == pg["POSTGRES_USER"]
    assert (url.password or "") == pg.get("POSTGRES_PASSWORD", "")
    assert url.path.lstrip("/") == pg.get("POSTGRES_DB", pg["POSTGRES_USER"])
    # The image's healthcheck asks for the same user and database.
    check = services["postgres"]["healthcheck"]["test"]
    assert pg["POSTGRES_USER"] in check and pg.get("POSTGRES_DB", pg["POSTGRES_USER"]) in check


@pytest.mark.parametrize("replica", REPLICAS)
def test_exposed_port_matches_port(services, replica):
    port = environment_of(services[replica])["PORT"]
    assert port in [str(p) for p in services[replica].get("expose") or []], f"{replica} does not expose PORT={port}"


def test_named_volumes_are_declared(compose, services):
    declared = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = volume.get("source") if isinstance(volume, dict) else str(volume).split(":")[0]
            if source and not source.startswith((".", "/", "~")):
                assert source in declared, f"{name} uses volume {source}, not declared under volumes:"
    assert any(str(v).endswith("/var/lib/postgresql/data") for v in services["postgres"].get("volumes") or [])


@pytest.mark.parametrize("replica", REPLICAS)
def test_compose_probe_is_the_dockerfiles(services, runtime, replica):
    port = environment_of(services[replica])["PORT"]
    compose_probe = services[replica]["healthcheck"]["test"]
    assert compose_probe[0] in {"CMD", "CMD-SHELL"}
    docker_probe = [part.replace("${PORT:-8000}", port) for part in healthcheck_command(runtime)]
    assert compose_probe[1:] == docker_probe
    assert "/healthz" in " ".join(compose_probe)


# ---------------------------------------------------------------------------
# Dockerfile
# ---------------------------------------------------------------------------


def test_dockerfile_stages(stages):
    assert len(stages) >= 2, "the Dockerfile should be multi-stage"
    build_from = instructions(stages[0], "FROM")[-1]
    assert re.match(r"swift:(\$\{SWIFT_VERSION\}|6[.\d]*)-bookworm\b", build_from), build_from
    if "${SWIFT_VERSION}" in build_from:
        (arg,) = [a for a in instructions(stages[0], "ARG") if a.startswith("SWIFT_VERSION=")]
        assert arg.split("=", 1)[1].startswith("6."), "the project needs Swift 6"
    assert instructions(stages[-1], "FROM")[-1].startswith("debian:bookworm-slim")
    build = " ".join(instructions(stages[0], "RUN"))
    for package in ("libpq-dev", "libhiredis-dev", "pkg-config"):
        assert package in build
    assert re.search(r"swift build -c release --product stockpush --static-swift-stdlib", build)


def test_runtime_installs_the_client_libraries(runtime):
    installs = " ".join(instructions(runtime, "RUN"))
    assert re.search(r"\blibpq5\b", installs)
    assert re.search(r"\blibhiredis0\.\d+\b", installs), "the runtime stage must install libhiredis"
    assert "ca-certificates" in installs


def test_runtime_layout(runtime):
    assert "/usr/local/bin/stockpush" in " ".join(instructions(runtime, "COPY"))
    migrations = [c for c in instructions(runtime, "COPY") if re.search(r"\bmigrations\b", c)]
    assert migrations, "the runtime stage does not copy the migrations"
    destination = shlex.split(migrations[0])[-1].rstrip("/")
    workdir = instructions(runtime, "WORKDIR")[-1]
    migrations_dir = dockerfile_env(runtime).get("MIGRATIONS_DIR", "migrations")
    expected = migrations_dir if migrations_dir.startswith("/") else f"{workdir}/{migrations_dir}"
    assert destination == expected, f"migrations copied to {destination}, the server reads {expected}"
    user = instructions(runtime, "USER")
    assert user and user[-1] not in {"root", "0"}, "the image should run as a non-root user"
    assert json.loads(instructions(runtime, "ENTRYPOINT")[-1]) == ["stockpush"]
    assert json.loads(instructions(runtime, "CMD")[-1]) == ["serve", "--migrate"]


def test_dockerfile_env_vars_are_read_by_the_server(runtime):
    unknown = sorted(set(dockerfile_env(runtime)) - set(server_env_vars()))
    assert not unknown, f"the Dockerfile sets {unknown}, which the server does not read"


def test_dockerfile_exposes_the_compose_port(runtime, services):
    exposed = {int(p.split("/")[0]) for args in instructions(runtime, "EXPOSE") for p in args.split()}
    port = int(environment_of(services[REPLICAS[0]])["PORT"])
    assert port in exposed, f"the Dockerfile exposes {sorted(exposed)}, compose uses PORT={port}"
    env_port = dockerfile_env(runtime).get("PORT")
    if env_port is not None:
        assert int(env_port) in exposed


def test_dockerignore_keeps_build_outputs_out():
    patterns = (ROOT / ".dockerignore").read_text().split()
    for pattern in (".build*", ".data", ".git"):
        assert pattern in patterns


# ---------------------------------------------------------------------------
# The health probe itself, run against local HTTP servers
# ---------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 (http.server's naming)
        ok = self.path == "/healthz" and self.status == 200
        body = b'{"status":"ok"}' if ok else b"{}"
        self.send_response(200 if ok else (self.status if self.path == "/healthz" else 404))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(status: int):
    handler = type("Handler", (_Handler,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _run_probe(probe: list[str], port: int) -> int:
    env = dict(os.environ, PORT=str(port))
    return subprocess.run(probe, env=env, timeout=10, capture_output=True).returncode


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_probe_reads_the_status_line(runtime, status, healthy):
    probe = healthcheck_command(runtime)
    assert probe[0] == "bash", "the probe relies on bash's /dev/tcp"
    server = _serve(status)
    try:
        code = _run_probe(probe, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    assert (code == 0) == healthy, f"probe exited {code} for a {status} answer"


def test_probe_fails_when_nothing_listens(runtime):
    assert _run_probe(healthcheck_command(runtime), _free_port()) != 0


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------


def test_readme_documents_compose():
    readme = (ROOT / "README.md").read_text()
    assert "docker compose up" in readme
    assert "Tests/deploy" in readme
