/// A `ws://host:port/path` target (no TLS: the generator talks to a local server).
public struct WebSocketURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Path and query, starting with "/".
    public var path: String

    public init?(_ text: String) {
        guard text.hasPrefix("ws://") else { return nil }
        let rest = text.dropFirst(5)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/" : String(rest[slash...])
        guard !authority.isEmpty else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                port = 80
            } else {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = Int(authority[authority.index(after: colon)...]) else { return nil }
            port = value
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
    }

    /// The Host header value.
    public var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? bracketed : "\(bracketed):\(port)"
    }

    /// Whether the target is on 127.0.0.0/8 (where source addresses can be rotated).
    public var isLoopbackV4: Bool { host == "localhost" || host.hasPrefix("127.") }
}

/// Everything `stockpush bench` was asked to do, validated.
public struct BenchConfiguration: Sendable, Equatable {
    public static let defaultURL = "ws://127.0.0.1:8000/ws/stock/prices"
    public static let defaultTemplate = #"{"type":"subscribe","subscription_type":"strategy","target":"T{k}"}"#
    /// Connections per source address that `--source-ips` defaults to. Well below the
    /// ~28,000 ephemeral ports: the kernel's search for a free port slows down as the
    /// range fills (19,000 clients on one address connected 3× slower than on five).
    public static let connectionsPerSourceAddress = 4_000

    public var url: WebSocketURL
    public var connections: Int
    public var threads: Int
    public var template: SubscribeTemplate
    public var warmupSeconds: Double
    public var durationSeconds: Double
    /// Connections started per second over all threads; 0 = as fast as possible.
    public var connectRate: Double
    /// 127.0.0.1…127.0.0.N as source addresses; 0 = let the kernel choose.
    public var sourceAddresses: Int
    /// Percentage of clients that stop reading once subscribed.
    public var stopReadingPercent: Double
    public var json: Bool
    /// Add the raw histograms to `--json` (what a parent process merges).
    public var histograms = false
    /// Offer permessage-deflate and inflate what arrives compressed (bytes on the wire).
    public var deflate = false
    /// Index of this process's first client: clients are `firstIndex ..< firstIndex +
    /// connections`, which picks their topic, source address and reading share.
    public var firstIndex = 0
    /// Generator processes to split the clients over (each has its own file limit).
    public var processes = 1

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalid(option: String, value: String, expected: String)

        public var description: String {
            switch self {
            case .invalid(let option, let value, let expected):
                "invalid value '\(value)' for \(option): expected \(expected)"
            }
        }
    }

    public init(
        url: WebSocketURL, connections: Int, threads: Int, template: SubscribeTemplate, warmupSeconds: Double,
        durationSeconds: Double, connectRate: Double, sourceAddresses: Int, stopReadingPercent: Double, json: Bool
    ) {
        self.url = url
        self.connections = connections
        self.threads = threads
        self.template = template
        self.warmupSeconds = warmupSeconds
        self.durationSeconds = durationSeconds
        self.connectRate = connectRate
        self.sourceAddresses = sourceAddresses
        self.stopReadingPercent = stopReadingPercent
        self.json = json
    }

    /// Builds the configuration from option values (flag, env or default already
    /// resolved by the caller); `value(flag)` is nil for an option not given.
    /// `openFileLimit`: what one process may open (sets the default `--processes`).
    public init(value: (String) -> String?, defaultThreads: Int, openFileLimit: Int = 20_000) throws(Error) {
        func number(_ flag: String, _ fallback: Double, minimum: Double, maximum: Double = .infinity) throws(Error) -> Double {
            guard let text = value(flag) else { return fallback }
            guard let parsed = Double(text), parsed.isFinite, parsed >= minimum, parsed <= maximum else {
                throw .invalid(option: flag, value: text, expected: "a number in \(minimum)...\(maximum)")
            }
            return parsed
        }
        func integer(_ flag: String, _ fallback: Int, in range: ClosedRange<Int>) throws(Error) -> Int {
            guard let text = value(flag) else { return fallback }
            guard let parsed = Int(text), range.contains(parsed) else {
                throw .invalid(option: flag, value: text, expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return parsed
        }
        let urlText = value("--url") ?? Self.defaultURL
        guard let url = WebSocketURL(urlText) else {
            throw .invalid(option: "--url", value: urlText, expected: "ws://host:port/path")
        }
        self.url = url
        connections = try integer("--connections", 1000, in: 1...10_000_000)
        threads = try integer("--threads", defaultThreads, in: 1...256)
        let topics = try integer("--topics", 10, in: 1...1_000_000)
        template = SubscribeTemplate(value("--subscribe") ?? Self.defaultTemplate, topics: topics)
        warmupSeconds = try number("--warmup", 2, minimum: 0)
        durationSeconds = try number("--duration", 10, minimum: 0.1)
        connectRate = try number("--connect-rate", 0, minimum: 0)
        stopReadingPercent = try number("--stop-reading", 0, minimum: 0, maximum: 100)
        let neededAddresses = Swift.max(
            1, (connections + Self.connectionsPerSourceAddress - 1) / Self.connectionsPerSourceAddress)
        if let text = value("--source-ips") {
            guard let parsed = Int(text), (0...254).contains(parsed) else {
                throw .invalid(option: "--source-ips", value: text, expected: "an integer in 0...254")
            }
            guard parsed == 0 || url.isLoopbackV4 else {
                throw .invalid(option: "--source-ips", value: text, expected: "0 unless the --url host is 127.x")
            }
            sourceAddresses = parsed
        } else {
            sourceAddresses = url.isLoopbackV4 ? Swift.min(254, neededAddresses) : 0
        }
        func flag(_ name: String) throws(Error) -> Bool {
            switch value(name)?.lowercased() {
            case nil, "0", "false", "no", "off": return false
            case "1", "true", "yes", "on": return true
            case let other?: throw .invalid(option: name, value: other, expected: "true or false")
            }
        }
        json = try flag("--json")
        histograms = try flag("--histograms")
        deflate = try flag("--deflate")
        firstIndex = try integer("--first-index", 0, in: 0...100_000_000)
        // By default, as many processes as the open-file limit makes necessary.
        let perProcess = Swift.max(1, openFileLimit - LoadGenerator.reservedDescriptors)
        processes = try integer(
            "--processes", (connections + perProcess - 1) / perProcess, in: 1...Swift.min(256, connections))
        if value("--threads") == nil && processes > 1 {
            threads = Swift.max(1, defaultThreads / processes)
        }
    }

    /// The configuration of child `child` of `processes`: an equal share of the
    /// clients, its first index, its share of the connect rate and of the threads.
    public func shard(_ child: Int) -> BenchConfiguration {
        var shard = self
        let start = connections * child / processes
        let end = connections * (child + 1) / processes
        shard.firstIndex = firstIndex + start
        shard.connections = end - start
        shard.connectRate = connectRate / Double(processes)
        shard.processes = 1
        shard.json = true
        shard.histograms = true
        return shard
    }

    /// The command-line options that reproduce this configuration in a child process.
    public var arguments: [String] {
        [
            "--url", "ws://\(url.hostHeader)\(url.path)", "--connections", String(connections), "--threads", String(threads),
            "--subscribe", template.text, "--topics", String(template.topics), "--warmup", "\(warmupSeconds)",
            "--duration", "\(durationSeconds)", "--connect-rate", "\(connectRate)", "--source-ips", String(sourceAddresses),
            "--stop-reading", "\(stopReadingPercent)", "--first-index", String(firstIndex), "--processes",
            String(processes),
        ] + (json ? ["--json"] : []) + (histograms ? ["--histograms"] : []) + (deflate ? ["--deflate"] : [])
    }

    /// The source address of client `index` (nil: unbound). Indexes are global over
    /// all processes, so `--processes` children spread over the same addresses.
    public func sourceHost(for index: Int) -> String? {
        sourceAddresses == 0 ? nil : "127.0.0.\(index % sourceAddresses + 1)"
    }

    /// Whether client `index` is one of the `--stop-reading` share (spread evenly).
    public func stopsReading(_ index: Int) -> Bool {
        guard stopReadingPercent > 0 else { return false }
        let share = stopReadingPercent / 100
        return Int(Double(index + 1) * share) > Int(Double(index) * share)
    }
}
