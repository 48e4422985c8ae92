# StockPush container image.
#
#   docker build -t stockpush .
#   docker run -p 8000:8000 -e REDIS_URL=... -e DATABASE_URL=... stockpush
#
# or, with Redis and PostgreSQL alongside: docker compose up --build
# (see docker-compose.yml). The image runs `stockpush serve --migrate`, which applies
# the migrations in /app/migrations at start (retrying while PostgreSQL comes up).

ARG SWIFT_VERSION=6.0

# ---- build ------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-bookworm AS build

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq-dev libhiredis-dev zlib1g-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# The package has no dependencies, so there is nothing to resolve before the sources.
COPY Package.swift ./
COPY Sources ./Sources
# The manifest names the test-helper target Tests/TestSupport by path, so loading the
# package needs Tests/ (all of it: with Tests/ present, SwiftPM checks every test target).
COPY Tests ./Tests
# The Swift runtime and Foundation are linked in statically; libpq, hiredis and the
# C/C++ runtime stay dynamic and come from the runtime stage's packages.
RUN swift build -c release --product stockpush --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/stockpush" /out/stockpush

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpq5 libhiredis0.14 ca-certificates libstdc++6 libgcc-s1 zlib1g tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system stockpush \
    && useradd --system --gid stockpush --home-dir /app --no-create-home --shell /usr/sbin/nologin stockpush

COPY --from=build /out/stockpush /usr/local/bin/stockpush
# Migrations come straight from the build context (the build stage does not need them,
# so editing one does not invalidate the compiled binary's cache layer).
COPY migrations /app/migrations
# The pages (the board at /, the dashboard at /admin) and the JS SDK they use (/sdk/).
COPY web /app/web
COPY clients/js/stockpush.js clients/js/stockpush.d.ts /app/clients/js/

WORKDIR /app
ENV PORT=8000 \
    MIGRATIONS_DIR=/app/migrations

USER stockpush
EXPOSE 8000

# No curl in bookworm-slim: bash's /dev/tcp sends GET /healthz and checks the status line.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8000} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r status <&3 && [[ $status == *' 200 '* ]]"]

ENTRYPOINT ["stockpush"]
CMD ["serve", "--migrate"]
