// swift-tools-version:6.0
// StockPush: real-time stock price push server. No package dependencies by design:
// the networking core, protocol codecs and database adapters are our own.
import PackageDescription

/// Settings every Swift target shares (Swift 6 mode makes strict concurrency the default).
let swiftSettings: [SwiftSetting] = [
    // Release builds drop the runtime exclusivity checks on class properties and globals, as
    // the standard library's own build does: ~30 of them per WebSocket handshake cost ~12 % of
    // its user-space instructions (callgrind, docs/benchmarks.md). Debug builds, in which every
    // test runs, keep them, so an overlapping access still traps there.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

var targets: [Target] = [
    // C shims for what Glibc does not export (epoll, eventfd, timerfd, signalfd).
    .target(name: "CLinux"),
    .systemLibrary(
        name: "CLibPQ", pkgConfig: "libpq",
        providers: [.apt(["libpq-dev"])]),
    // No pkgConfig: hiredis.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM rejects with a
    // warning; the headers live in /usr/include/hiredis and are included by that path.
    .systemLibrary(
        name: "CHiredis",
        providers: [.apt(["libhiredis-dev"])]),
    .systemLibrary(
        name: "CZlib", pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev"])]),

    // Pure byte containers shared by the codecs and the reactor.
    .target(name: "Buffers"),
    // The only module that makes socket/epoll syscalls.
    .target(name: "Reactor", dependencies: ["CLinux", "Buffers"]),
    // Sans-I/O protocol modules, sharing the byte grammar of RFC 9110.
    .target(name: "HTTPGrammar"),
    .target(name: "HTTP1", dependencies: ["Buffers", "HTTPGrammar", "JSON"]),
    // permessage-deflate's compression over zlib (RFC 7692): whole messages, no I/O.
    .target(name: "Deflate", dependencies: ["CZlib"]),
    .target(name: "WebSocket", dependencies: ["Buffers", "HTTPGrammar", "Deflate"]),
    // ISO 8601 timestamps of the wire format, without Foundation.
    .target(name: "Time"),
    // SHA-256 and HMAC (migration checksums, JWT signatures); the toolchain has no crypto.
    .target(name: "Digest"),
    // Logger, counters and histograms: what every layer reports through, below the server.
    .target(name: "Telemetry", dependencies: ["Time", "JSON", "Buffers"]),
    // Reconnect policy shared by the database adapters.
    .target(name: "Retry"),
    // Dependency-free JSON: a parser for inputs and a writer for the wire.
    .target(name: "JSON", dependencies: ["Buffers"]),
    // Thin adapters over libpq and hiredis; blocking, for use off the event loops.
    .target(name: "Postgres", dependencies: ["CLibPQ", "Retry", "Time"]),
    .target(name: "Redis", dependencies: ["CHiredis", "Retry"]),
    // Pure domain: quotes, catalog, sources, the quote-store layout, the scheduler's logic.
    .target(name: "Market", dependencies: ["JSON", "Retry", "Time"]),
    // The WebSocket wire protocol: client requests, server messages, price-update framing, JWT, flood control.
    .target(name: "PushProtocol", dependencies: ["JSON", "Market", "Time", "Buffers", "Digest", "WebSocket", "Deflate"]),
    // The price stream of one loop as a pure state machine: inputs with the time passed
    // in, actions out; no sockets, no clocks.
    .target(name: "PushCore", dependencies: ["Buffers", "JSON", "Market", "PushProtocol", "WebSocket", "Deflate"]),
    // HTTP/WebSocket server: connections that drive the protocol machines over the reactor.
    .target(name: "Server", dependencies: ["Reactor", "HTTP1", "WebSocket", "Deflate", "Buffers", "Time", "Telemetry"]),
    // `stockpush bench`: WebSocket clients on the same event loop, measuring the push path.
    .target(
        name: "LoadGenerator",
        dependencies: ["Reactor", "Buffers", "WebSocket", "Deflate", "Time", "HTTP1", "JSON", "Retry", "Digest"]),
    // Application glue: configuration, routes, echo.
    .target(
        name: "StockPush",
        dependencies: [
            "Server", "Reactor", "HTTP1", "WebSocket", "Buffers", "JSON", "Postgres", "Redis", "Market", "Retry",
            "Digest", "Time", "PushProtocol", "PushCore", "LoadGenerator", "Telemetry",
        ]),
    .executableTarget(name: "stockpush", dependencies: ["StockPush"]),

    // Helpers the test targets share: private Redis/PostgreSQL servers, reserved ports, a manual clock.
    .target(name: "TestSupport", dependencies: ["Reactor"], path: "Tests/TestSupport"),
    .testTarget(name: "BuffersTests", dependencies: ["Buffers"]),
    .testTarget(name: "ReactorTests", dependencies: ["Reactor", "CLinux", "TestSupport"]),
    .testTarget(name: "HTTPGrammarTests", dependencies: ["HTTPGrammar"]),
    .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
    .testTarget(name: "WebSocketTests", dependencies: ["WebSocket", "Deflate"]),
    .testTarget(name: "DeflateTests", dependencies: ["Deflate", "CZlib"]),
    .testTarget(
        name: "ServerTests",
        dependencies: ["Server", "HTTP1", "WebSocket", "Deflate", "Reactor", "Buffers", "Telemetry", "TestSupport"]),
    .testTarget(name: "StockPushTests", dependencies: ["StockPush", "TestSupport"]),
    .testTarget(name: "RetryTests", dependencies: ["Retry", "TestSupport"]),
    .testTarget(name: "TelemetryTests", dependencies: ["Telemetry", "JSON"]),
    .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
    .testTarget(name: "TimeTests", dependencies: ["Time"]),
    .testTarget(name: "DigestTests", dependencies: ["Digest"]),
    .testTarget(name: "JSONTests", dependencies: ["JSON"]),
    .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
    .testTarget(name: "RedisTests", dependencies: ["Redis", "Retry", "TestSupport"]),
    .testTarget(name: "MarketTests", dependencies: ["Market", "Time"]),
    .testTarget(name: "PushProtocolTests", dependencies: ["PushProtocol", "Deflate"]),
    .testTarget(
        name: "PushCoreTests", dependencies: ["PushCore", "PushProtocol", "Market", "JSON", "Buffers", "Time", "Deflate"]),
    .testTarget(name: "LoadGeneratorTests", dependencies: ["LoadGenerator", "Retry", "PushProtocol", "Deflate"]),
]

for index in targets.indices where targets[index].type != .system && targets[index].type != .test {
    targets[index].swiftSettings = (targets[index].swiftSettings ?? []) + swiftSettings
}

let package = Package(
    name: "StockPush",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "stockpush", targets: ["stockpush"]),
        // Libraries so the fuzzing package in Fuzz/ can link the codecs.
        .library(name: "HTTP1", targets: ["HTTP1"]),
        .library(name: "WebSocket", targets: ["WebSocket"]),
        .library(name: "Buffers", targets: ["Buffers"]),
    ],
    targets: targets,
    swiftLanguageModes: [.v6]
)
