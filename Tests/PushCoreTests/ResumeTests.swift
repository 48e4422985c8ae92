import JSON
import Market
import PushCore
import PushProtocol
import Testing

/// Session resume in the core: the token in `connected`, the writes it asks for, and a
/// resume's restore (one `resumed`, one snapshot, `seq` continuing).
@Suite struct ResumeTests {
    static let oldToken = ResumeToken(high: 1, low: 2)
    static let newToken = ResumeToken(high: 3, low: 4)

    func open(_ harness: CoreHarness, token: ResumeToken? = ResumeTests.newToken, user: String = "alice") -> ClientID {
        let info = ClientInfo(
            instance: "t", connection: token?.low ?? 0, user: user, authenticated: true, remoteAddress: "a",
            connectedAt: harness.now.wallMicros, resumeToken: token)
        let id = harness.core.open(info, now: harness.now, into: &harness.actions)
        harness.take()
        return id
    }

    func saves(_ actions: [PushAction]) -> [(ResumeToken, SessionRecord, Bool)] {
        actions.compactMap {
            if case .saveSession(let token, let record, let final) = $0 { return (token, record, final) }
            return nil
        }
    }

    func loads(_ actions: [PushAction]) -> [ResumeRequest] {
        actions.compactMap {
            if case .loadSession(_, let request) = $0 { return request }
            return nil
        }
    }

    func resume(
        _ harness: CoreHarness, _ client: ClientID, record: SessionLookup, lastSeq: UInt64?, id: JSONValue? = nil
    ) -> [PushAction] {
        let request = ResumeRequest(token: Self.oldToken, user: "alice", lastSeq: lastSeq, id: id)
        let full = harness.full
        harness.core.resumeLoaded(
            client, request, record, now: harness.now, queueFull: { full.contains($0) }, into: &harness.actions)
        return harness.take()
    }

    static func record(_ keys: [SubscriptionKey], seq: UInt64, user: String = "alice") -> SessionLookup {
        .found(SessionRecord(user: user, subscriptions: keys, seq: seq, instance: "node-1"))
    }

    @Test func connectedCarriesTheTokenOnlyWhenSessionsAreKept() {
        let harness = CoreHarness()
        let info = ClientInfo(
            instance: "t", connection: 1, user: "u", authenticated: false, remoteAddress: "a", connectedAt: 0,
            resumeToken: Self.newToken)
        let withToken = harness.core.open(info, now: harness.now, into: &harness.actions)
        #expect(harness.take().messages(to: withToken).first?.json["resume_token"] == .string(Self.newToken.description))
        let without = harness.open()
        _ = without
        let plain = ClientInfo(
            instance: "t", connection: 2, user: "u", authenticated: false, remoteAddress: "a", connectedAt: 0)
        let id = harness.core.open(plain, now: harness.now, into: &harness.actions)
        #expect(harness.take().messages(to: id).first?.json["resume_token"] == nil)
    }

    @Test func aChangeOfSubscriptionsWritesTheRecordOnce() throws {
        let harness = CoreHarness()
        let client = open(harness)
        let first = saves(harness.send(client, #"{"type":"subscribe","subscription_type":"stock","targets":["600519","00700"]}"#))
        #expect(first.count == 1)
        let (token, record, final) = try #require(first.first)
        #expect(token == Self.newToken && !final)
        #expect(
            record
                == SessionRecord(
                    user: "alice", subscriptions: [.init(.stock, "600519"), .init(.stock, "00700")], seq: 0, instance: "local"))
        #expect(
            saves(harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)).isEmpty,
            "nothing changed")
        #expect(saves(harness.send(client, #"{"type":"unsubscribe","subscription_type":"stock","target":"00700"}"#)).count == 1)
        #expect(saves(harness.send(client, #"{"type":"unsubscribe","all":true}"#)).first?.1.subscriptions == [])
    }

    @Test func withoutATokenNothingIsWrittenAndResumeIsUnavailable() {
        let harness = CoreHarness()
        let client = open(harness, token: nil)
        let actions = harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        #expect(saves(actions).isEmpty)
        let reply = harness.send(client, #"{"type":"resume","token":"\#(Self.oldToken)","id":1}"#)
        #expect(loads(reply).isEmpty)
        #expect(reply.messages(to: client).first?.json["code"] == .string("resume_unavailable"))
        #expect(harness.core.finalSessionSave(of: client) == nil)
    }

    @Test func aResumeAsksTheShellToLoadTheRecordForThisUser() {
        let harness = CoreHarness()
        let client = open(harness)
        let actions = harness.send(client, #"{"type":"resume","token":"\#(Self.oldToken)","last_seq":7,"id":"r"}"#)
        #expect(loads(actions) == [ResumeRequest(token: Self.oldToken, user: "alice", lastSeq: 7, id: .string("r"))])
        #expect(actions.messages(to: client).isEmpty, "the answer waits for the record")
    }

    @Test func aTokenTheServerCannotHaveIssuedFailsWithoutALookup() {
        let harness = CoreHarness()
        let client = open(harness)
        let actions = harness.send(client, #"{"type":"resume","token":"not-a-token","id":4}"#)
        #expect(loads(actions).isEmpty)
        let error = actions.messages(to: client).first
        #expect(error?.json["code"] == .string("resume_failed"))
        #expect(error?.json["id"] == .number(4))
        #expect(harness.core.stats.resumesFailed == 1)
    }

    @Test func beforeTheCatalogAResumeIsNotReadyAndTheRecordIsNotTaken() {
        let harness = CoreHarness(catalogLoaded: false)
        let client = open(harness)
        let actions = harness.send(client, #"{"type":"resume","token":"\#(Self.oldToken)"}"#)
        #expect(loads(actions).isEmpty)
        #expect(actions.messages(to: client).first?.json["code"] == .string("not_ready"))
    }

    @Test func aRecordRestoresTheSubscriptionsWithOneSnapshotAndSeqContinues() throws {
        let harness = CoreHarness()
        let client = open(harness)
        let keys: [SubscriptionKey] = [.init(.stock, "600519"), .init(.strategy, "blue_chips")]
        let actions = resume(harness, client, record: Self.record(keys, seq: 40), lastSeq: 38, id: .number(9))
        let messages = actions.messages(to: client)
        #expect(messages.map(\.type) == ["resumed", "price_update"])
        #expect(messages[0].json["id"] == .number(9))
        #expect(messages[0].json["seq"] == .number(40))
        let listed = messages[0].json["subscriptions"]?.arrayValue?.compactMap { $0["target"]?.stringValue }
        #expect(listed == ["600519", "blue_chips"])
        #expect(messages[1].json["snapshot"] == .bool(true))
        #expect(messages[1].codes == ["00700", "600519"], "every restored stock, once")
        #expect(messages[1].seq == 41)
        // The new token's record holds what was restored.
        let save = try #require(saves(actions).first)
        #expect(save.0 == Self.newToken && !save.2)
        #expect(save.1.subscriptions == keys)
        #expect(harness.core.stats.resumesSucceeded == 1)
        // Live updates follow the snapshot without a gap.
        let tick = harness.publish(["00700": 301]).updates(to: client)
        #expect(tick.map(\.seq) == [42])
    }

    @Test func seqContinuesAfterTheLargerOfLastSeqAndTheStoredSeq() {
        let harness = CoreHarness()
        let client = open(harness)
        let ahead = resume(harness, client, record: Self.record([.init(.stock, "600519")], seq: 5), lastSeq: 90)
        #expect(ahead.updates(to: client).map(\.seq) == [91], "a crashed instance's record lags; the client knows better")
        let other = open(harness, token: ResumeToken(high: 9, low: 9))
        let behind = resume(harness, other, record: Self.record([.init(.stock, "600519")], seq: 12), lastSeq: nil)
        #expect(behind.updates(to: other).map(\.seq) == [13])
    }

    @Test func refusalsLeaveAnOrdinaryConnection() {
        let harness = CoreHarness()
        let client = open(harness)
        let cases: [(SessionLookup, String)] = [
            (.missing, "resume_failed"),
            (Self.record([.init(.stock, "600519")], seq: 3, user: "mallory"), "resume_failed"),
            (.unavailable, "resume_unavailable"),
        ]
        for (lookup, code) in cases {
            let messages = resume(harness, client, record: lookup, lastSeq: 1, id: .string("x")).messages(to: client)
            #expect(messages.count == 1)
            #expect(messages.first?.json["code"] == .string(code))
            #expect(messages.first?.json["id"] == .string("x"))
        }
        #expect(harness.core.stats.resumesFailed == 3)
        let other = resume(harness, client, record: Self.record([.init(.stock, "600519")], seq: 3, user: "mallory"), lastSeq: nil)
        #expect(
            other.messages(to: client).first?.json["message"]
                == resume(harness, client, record: .missing, lastSeq: nil).messages(to: client).first?.json["message"],
            "another user's token is answered like a missing one")
        let subscribed = harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        #expect(subscribed.messages(to: client).map(\.type) == ["subscribed", "price_update"])
        #expect(subscribed.updates(to: client).first?.seq == 1)
    }

    @Test func aResumeAfterSubscribingMergesAndDropsWhatTheCatalogLost() {
        let harness = CoreHarness()
        let client = open(harness)
        harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        let keys: [SubscriptionKey] = [.init(.stock, "600519"), .init(.stock, "GONE"), .init(.market, "HK")]
        let messages = resume(harness, client, record: Self.record(keys, seq: 0), lastSeq: 0).messages(to: client)
        #expect(messages.map(\.type) == ["resumed", "price_update"])
        let held = messages[0].json["subscriptions"]?.arrayValue?.compactMap { $0["target"]?.stringValue }
        #expect(held == ["600519", "HK"])
        #expect(messages[0].json["dropped"]?.arrayValue?.compactMap { $0["target"]?.stringValue } == ["GONE"])
        #expect(messages[0].json["seq"] == .number(1), "this connection already sent seq 1")
        #expect(messages[1].seq == 2)
        #expect(messages[1].codes == ["00700", "09988", "600519"])
    }

    @Test func theLastWriteComesWithTheCloseAndCarriesTheSeq() throws {
        let harness = CoreHarness()
        let idle = open(harness, token: ResumeToken(high: 7, low: 7))
        #expect(harness.core.finalSessionSave(of: idle) == nil, "never subscribed: nothing to resume")
        let client = open(harness)
        harness.send(client, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        harness.publish(["600519": 1501])
        guard case .saveSession(let token, let record, let final) = try #require(harness.core.finalSessionSave(of: client))
        else {
            Issue.record("not a save")
            return
        }
        #expect(token == Self.newToken && final)
        #expect(record.seq == 2)
        // A close the core makes itself (admin, flood) writes it too.
        let other = open(harness, token: ResumeToken(high: 8, low: 8))
        harness.send(other, #"{"type":"subscribe","subscription_type":"stock","target":"600519"}"#)
        _ = harness.core.disconnect(other, into: &harness.actions)
        #expect(saves(harness.take()).map(\.2) == [true])
    }

    @Test func notificationsAreRecordedAndComeBackWithTheSession() throws {
        let harness = CoreHarness()
        let client = open(harness)
        let subscribed = harness.send(client, #"{"type":"subscribe","subscription_type":"notifications"}"#)
        #expect(saves(subscribed).map(\.1.notifications) == [true])
        #expect(saves(harness.send(client, #"{"type":"subscribe","subscription_type":"notifications"}"#)).isEmpty)
        let other = open(harness, token: ResumeToken(high: 5, low: 5))
        let record = SessionRecord(
            user: "alice", subscriptions: [.init(.stock, "600519")], seq: 4, instance: "n", notifications: true)
        let actions = resume(harness, other, record: .found(record), lastSeq: 4)
        let asked = actions.compactMap { action -> Bool? in
            if case .notifications(let id, let subscribe, nil) = action, id == other { return subscribe }
            return nil
        }
        #expect(asked == [true], "the shell starts the user's notifications (queued ones first)")
        #expect(saves(actions).first?.1.notifications == true)
        #expect(actions.messages(to: other).map(\.type) == ["resumed", "price_update"])
    }
}
