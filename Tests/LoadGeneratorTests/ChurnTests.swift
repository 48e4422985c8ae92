import PushProtocol
import Testing

@testable import LoadGenerator

@Suite struct ChurnTests {
    @Test func mintedTokensPassTheServersVerifier() throws {
        let minter = TokenMinter(secret: "churn-secret")
        let token = minter.token(subject: "churn-7", expiresAt: 2_000_000_000)
        let claims = try JWTVerifier(secret: Array("churn-secret".utf8)).verify(token, now: 1_900_000_000).get()
        #expect(claims.subject == "churn-7")
        #expect(claims.expiresAt == 2_000_000_000)
        // Another secret's verifier refuses it, and so does this one after expiry.
        #expect(throws: JWTError.self) { try JWTVerifier(secret: Array("other".utf8)).verify(token, now: 0).get() }
        #expect(throws: JWTError.self) {
            try JWTVerifier(secret: Array("churn-secret".utf8)).verify(token, now: 2_000_000_000).get()
        }
    }

    @Test func base64URLHasNoPaddingNorURLUnsafeCharacters() {
        // 0xfb 0xff encodes to "+/8=" in standard Base64.
        #expect(TokenMinter.base64URL([0xfb, 0xff]) == "-_8")
        #expect(TokenMinter.base64URL([]) == "")
    }

    @Test func oneTokenPerUser() throws {
        let tokens = TokenMinter(secret: "s").tokens(users: 3, expiresAt: 2_000_000_000)
        let verifier = JWTVerifier(secret: Array("s".utf8))
        #expect(try tokens.map { try verifier.verify($0, now: 0).get().subject } == ["churn-0", "churn-1", "churn-2"])
    }

    @Test func waveSchedule() {
        let schedule = ChurnSchedule(waveSize: 10, intervalSeconds: 1, holdSeconds: 2.5, durationSeconds: 5)
        #expect(schedule.waves == 5)  // starts at 0, 1, 2, 3, 4
        #expect(schedule.start(of: 3) == 3 && schedule.end(of: 3) == 5.5)
        #expect(schedule.totalSeconds == 6.5)
        #expect(schedule.peakConnections == 30)  // waves 0, 1 and 2 overlap at 2.0–2.5 s
        #expect(ChurnSchedule(waveSize: 10, intervalSeconds: 0.1, holdSeconds: 1, durationSeconds: 0.3).waves == 3)
        #expect(ChurnSchedule(waveSize: 10, intervalSeconds: 5, holdSeconds: 1, durationSeconds: 1).waves == 1)
        #expect(ChurnSchedule(waveSize: 4, intervalSeconds: 5, holdSeconds: 1, durationSeconds: 60).peakConnections == 4)
    }

    @Test func threadsShareEachWaveWithoutOverlap() {
        let schedule = ChurnSchedule(waveSize: 5, intervalSeconds: 1, holdSeconds: 1, durationSeconds: 3)
        #expect(schedule.clients(ofWave: 1, thread: 0, threads: 2) == [5, 7, 9])
        #expect(schedule.clients(ofWave: 1, thread: 1, threads: 2) == [6, 8])
        #expect(schedule.clients(ofWave: 0, thread: 6, threads: 8) == [])
    }

    func parse(_ values: [String: String], files: [String: String] = [:]) throws -> ChurnConfiguration? {
        try ChurnConfiguration(value: { values[$0] }, durationSeconds: 60, now: 1_000, readFile: { files[$0] })
    }

    @Test func options() throws {
        #expect(try parse([:]) == nil)
        let plain = try #require(try parse(["--churn": "true"]))
        #expect(plain.schedule == ChurnSchedule(waveSize: 100, intervalSeconds: 1, holdSeconds: 2, durationSeconds: 60))
        #expect(plain.token(for: 3) == nil)
        let users = try #require(try parse(["--churn": "1", "--users": "4", "--jwt-secret": "k", "--wave-size": "8"]))
        #expect(users.users == 4 && users.schedule.waveSize == 8)
        #expect(users.token(for: 5) == users.token(for: 1))
        let claims = try JWTVerifier(secret: Array("k".utf8)).verify(users.token(for: 2)!, now: 1_000).get()
        #expect(claims.subject == "churn-2")
        #expect(claims.expiresAt! > 1_000 + 62)  // valid through the run
        let file = try #require(try parse(["--churn": "1", "--tokens-file": "t"], files: ["t": "a.b.c\n\nd.e.f\n"]))
        #expect(file.tokens == ["a.b.c", "d.e.f"])
    }

    @Test(arguments: [
        ["--wave-size": "0"], ["--hold": "0"], ["--wave-interval": "-1"], ["--users": "3"],
        ["--users": "3", "--jwt-secret": "k", "--tokens-file": "t"], ["--tokens-file": "missing"], ["--jwt-secret": "k"],
        ["--tokens-file": "empty"],
    ])
    func badOptionsAreRefused(values: [String: String]) {
        #expect(throws: BenchConfiguration.Error.self) {
            try parse(values.merging(["--churn": "true"]) { a, _ in a }, files: ["t": "x", "empty": "\n"])
        }
    }

    @Test func reportSaysWhetherEveryWaveSucceeded() {
        let schedule = ChurnSchedule(waveSize: 2, intervalSeconds: 1, holdSeconds: 1, durationSeconds: 2)
        var report = ChurnReport(
            schedule: schedule, users: 2, tally: ChurnTally(), counts: ConnectionCounts(), stats: ReceiveStats(),
            handshakes: LatencyHistogram(), seconds: 3)
        report.tally.waves = 2
        report.tally.attempted = 4
        report.counts.opened = 4
        report.stats.subscribedAcks = 4
        #expect(report.succeeded)
        #expect(report.json().contains(#""connects":{"attempted":4,"ok":4,"refused":0,"failed":0"#))
        report.counts.opened = 3
        report.counts.failed = 1
        report.counts.failures["HTTP 429"] = 1
        #expect(!report.succeeded && report.refused == 1 && report.failedOtherwise == 0)
        #expect(report.table().contains("4 attempted, 3 ok, 1 refused, 0 failed"))
    }
}

@Suite struct BearerHandshakeTests {
    @Test func theTokenGoesInAnAuthorizationHeader() throws {
        let proto = ClientProtocol(nonce: [UInt8](repeating: 1, count: 16), maskSeed: 1)
        let url = try #require(WebSocketURL("ws://127.0.0.1:8000/ws/stock/prices"))
        let head = String(decoding: proto.handshakeRequest(url: url, bearer: "a.b.c"), as: UTF8.self)
        #expect(head.contains("\r\nAuthorization: Bearer a.b.c\r\n"))
        #expect(head.hasSuffix("\r\n\r\n"))
        #expect(!String(decoding: proto.handshakeRequest(url: url), as: UTF8.self).contains("Authorization"))
    }
}
