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
        #expect(configuration.sourceAddresses == 3)  // one per 20,000 connections
        #expect(configuration.sourceHost(for: 4) == "127.0.0.2")
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
}
