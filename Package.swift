// swift-tools-version:6.0
// StockPush: real-time stock price push server. No package dependencies by design:
// the networking core, protocol codecs and database adapters are our own.
import PackageDescription

/// Settings every Swift target shares (Swift 6 mode makes strict concurrency the default).
let swiftSettings: [SwiftSetting] = [

]

var targets: [Target] = [
    // C shims for what Glibc does not export (epoll, eventfd, timerfd, signalfd).
    .target(name: "CLinux"),
    .systemLibrary(
        name: "CLibPQ", pkgConfig: "libpq",
        providers: [.apt(["libpq-dev"])]),
    .systemLibrary(
        name: "CHiredis", pkgConfig: "hiredis",
        providers: [.apt(["libhiredis-dev"])]),

    // Pure byte containers shared by the codecs and the reactor.
    .target(name: "Buffers"),
    // The only module that makes socket/epoll syscalls.
    .target(name: "Reactor", dependencies: ["CLinux", "Buffers"]),
    // Sans-I/O protocol modules.
    .target(name: "HTTP1", dependencies: ["Buffers"]),
    .target(name: "WebSocket", dependencies: ["Buffers"]),
    // HTTP/WebSocket server: connections that drive the protocol machines over the reactor.
    .target(name: "Server", dependencies: ["Reactor", "HTTP1", "WebSocket", "Buffers"]),
    // Application glue: configuration, routes, echo.
    .target(name: "StockPush", dependencies: ["Server", "Reactor", "HTTP1", "WebSocket", "Buffers"]),
    .executableTarget(name: "stockpush", dependencies: ["StockPush"]),

    .testTarget(name: "BuffersTests", dependencies: ["Buffers"]),
    .testTarget(name: "ReactorTests", dependencies: ["Reactor", "CLinux"]),
    .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
    .testTarget(name: "WebSocketTests", dependencies: ["WebSocket"]),
    .testTarget(name: "ServerTests", dependencies: ["Server", "StockPush"]),
]

for index in targets.indices where targets[index].type != .system {
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
