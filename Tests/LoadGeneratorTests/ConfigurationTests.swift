import Testing

@testable import LoadGenerator

@Suite struct ConfigurationTests {
    func parse(_ values: [String: String], threads: Int = 4) throws -> BenchConfiguration {
        try BenchConfiguration(value: { values[$0] }, defaultThreads: threads)
    }

    @Test func templateExpansion() {
        let template = SubscribeTemplate(BenchConfiguration.defaultTemplate, topics: 10)
        #expect(template.expand(index: 13) == #"{"type":"subscribe","subscription_type":"strategy","target":"T3"}"#)
        #expect(template.expand(index: 0).hasSuffix(#""target":"T0"}"#))
        #expect(SubscribeTemplate(#"{"targets":["T{k}","S{k}"]}"#, topics: 4).expand(index: 6) == #"{"targets":["T2","S2"]}"#)
        #expect(SubscribeTemplate(#"{"type":"ping"}"#, topics: 3).expand(index: 5) == #"{"type":"ping"}"#)
    }

    @Test func defaults() throws {
        let configuration = try parse([:])
        #expect(configuration.url == WebSocketURL("ws://127.0.0.1:8000/ws/stock/prices"))
        #expect(configuration.connections == 1000)
        #expect(configuration.threads == 4)
        #expect(configuration.template.topics == 10)
        #expect(configuration.warmupSeconds == 2)
        #expect(configuration.durationSeconds == 10)
        #expect(configuration.connectRate == 0)
        #expect(configuration.sourceAddresses == 1)
        #expect(configuration.stopReadingPercent == 0)
        #expect(!configuration.json)
    }

    @Test func overrides() throws {
        let configuration = try parse([
            "--url": "ws://127.0.0.1:9100/ws/stock/prices?token=x", "--connections": "50000", "--threads": "2",
            "--subscribe": #"{"type":"subscribe","subscription_type":"stock","target":"S{k}"}"#, "--topics": "3",
            "--warmup": "0.5", "--duration": "30", "--connect-rate": "2000", "--stop-reading": "25", "--json": "true",
        ])
        #expect(configuration.url.port == 9100)
        #expect(configuration.url.path == "/ws/stock/prices?token=x")
        #expect(configuration.connections == 50000)
        #expect(configuration.sourceAddresses == 13)  // one per 4,000 connections
        #expect(configuration.sourceHost(for: 4) == "127.0.0.5" && configuration.sourceHost(for: 14) == "127.0.0.2")
        #expect(configuration.template.expand(index: 4).contains(#""target":"S1""#))
        #expect(configuration.connectRate == 2000)
        #expect(configuration.json)
        #expect((0..<1000).filter(configuration.stopsReading).count == 250)
    }

    @Test func sourceAddressesOnlyForLoopbackTargets() throws {
        #expect(try parse(["--url": "ws://10.0.0.5:8000/ws"]).sourceAddresses == 0)
        #expect(try parse(["--source-ips": "8"]).sourceAddresses == 8)
        #expect(throws: BenchConfiguration.Error.self) { try parse(["--url": "ws://10.0.0.5:8000/ws", "--source-ips": "2"]) }
    }

    @Test(arguments: [
        ("--url", "http://127.0.0.1:8000/"), ("--url", "ws://:80/"), ("--url", "ws://host:0/"), ("--connections", "0"),
        ("--connections", "many"), ("--threads", "0"), ("--topics", "0"), ("--duration", "0"), ("--warmup", "-1"),
        ("--connect-rate", "-5"), ("--stop-reading", "101"), ("--source-ips", "300"), ("--json", "maybe"),
    ])
    func invalidValuesAreRefused(flag: String, value: String) {
        #expect(throws: BenchConfiguration.Error.self) { try parse([flag: value]) }
    }

    @Test func urls() {
        #expect(WebSocketURL("ws://localhost/x") == WebSocketURL("ws://localhost:80/x"))
        let v6 = WebSocketURL("ws://[::1]:9000")
        #expect(v6?.host == "::1")
        #expect(v6?.port == 9000)
        #expect(v6?.path == "/")
        #expect(v6?.hostHeader == "[::1]:9000")
        #expect(WebSocketURL("ws://localhost:8000/ws")?.isLoopbackV4 == true)
    }

    @Test func processesDefaultToWhatTheFileLimitNeeds() throws {
        let large = try BenchConfiguration(
            value: { ["--connections": "100000"][$0] }, defaultThreads: 2, openFileLimit: 20_000)
        #expect(large.processes == 6)  // 19,936 clients per process at most
        #expect(large.threads == 1)  // the 2 threads are shared out, at least one each
        #expect(large.sourceAddresses == 25)  // from the total, not one process's share
        let small = try BenchConfiguration(value: { ["--connections": "19000"][$0] }, defaultThreads: 2, openFileLimit: 20_000)
        #expect(small.processes == 1 && small.threads == 2)
        let forced = try BenchConfiguration(
            value: { ["--connections": "10", "--processes": "3", "--threads": "2"][$0] }, defaultThreads: 2)
        #expect(forced.processes == 3 && forced.threads == 2)
        #expect(throws: BenchConfiguration.Error.self) {
            try BenchConfiguration(value: { ["--connections": "2", "--processes": "3"][$0] }, defaultThreads: 2)
        }
    }

    @Test func shardsCoverEveryClientOnceAndSplitTheRate() throws {
        let configuration = try parse([
            "--connections": "1000", "--processes": "3", "--connect-rate": "300", "--first-index": "5",
        ])
        let shards = (0..<3).map { configuration.shard($0) }
        #expect(shards.map(\.connections) == [333, 333, 334])
        #expect(shards.map(\.firstIndex) == [5, 338, 671])
        #expect(shards.allSatisfy { $0.connectRate == 100 && $0.processes == 1 && $0.json && $0.histograms })
        #expect(shards.allSatisfy { $0.sourceAddresses == configuration.sourceAddresses })
    }

    @Test func argumentsReproduceTheConfiguration() throws {
        let configuration = try parse([
            "--url": "ws://127.0.0.1:9100/ws/stock/prices?token=x", "--connections": "3000", "--threads": "3",
            "--subscribe": #"{"type":"subscribe","subscription_type":"stock","target":"S{k}"}"#, "--topics": "7",
            "--warmup": "0.5", "--duration": "4", "--connect-rate": "250", "--stop-reading": "1", "--source-ips": "3",
            "--first-index": "12", "--processes": "2",
        ])
        let shard = configuration.shard(1)
        var values: [String: String] = [:]
        var arguments = shard.arguments[...]
        while let name = arguments.popFirst() {
            if name == "--json" || name == "--histograms" {
                values[name] = "true"
            } else {
                values[name] = arguments.popFirst()
            }
        }
        #expect(try parse(values) == shard)
    }
}
