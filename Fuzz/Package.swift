// swift-tools-version:6.0
// libFuzzer harnesses for StockPush's sans-I/O codecs. A separate package so the
// root build never sees -sanitize=fuzzer; build and run through scripts/fuzz.sh.
import PackageDescription

/// SwiftPM names a path dependency after its directory, so the root package's identity is
/// whatever the checkout is called (stockpush, wt-fuzz, ...): derive it instead of guessing.
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "stockpush").lowercased()

let package = Package(
    name: "StockPushFuzz",
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        // Declares libFuzzer's LLVMFuzzerRunDriver for the harnesses' entry points.
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "FuzzHTTPParser",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "HTTP1", package: root),
                .product(name: "WebSocket", package: root),
                .product(name: "Buffers", package: root),
            ]),
        .executableTarget(
            name: "FuzzWebSocketFrames",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "WebSocket", package: root),
                .product(name: "Buffers", package: root),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
