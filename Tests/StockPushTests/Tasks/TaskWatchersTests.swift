import Testing
import WebSocket

@testable import StockPush

/// The task streams of one loop on explicit inputs: ownership, the order of states, the
/// close after the final one, heartbeats and client messages.
@Suite struct TaskWatchersTests {
    typealias Action = TaskWatchers.Action

    func event(_ seq: Int, _ status: TaskStatus = .running, owner: String = "alice", task: String = "t1") -> TaskEvent {
        TaskEvent(taskID: task, owner: owner, status: status, seq: seq, message: Array("m\(seq)".utf8))
    }

    @Test func theOwnerGetsTheRetainedStateThenNewerOnesInOrder() {
        var core = TaskWatchers()
        let id = core.open(user: "alice", taskID: "t1")
        var actions: [Action] = []
        core.retained(event(2), for: id, into: &actions)
        core.deliver(event(2), into: &actions)  // the same state again, live: dropped
        core.deliver(event(3), into: &actions)
        #expect(actions == [.send(id, Array("m2".utf8)), .send(id, Array("m3".utf8))])
    }

    @Test func aRetainedStateOlderThanALiveOneIsDropped() {
        var core = TaskWatchers()
        let id = core.open(user: "alice", taskID: "t1")
        var actions: [Action] = []
        core.deliver(event(5), into: &actions)
        core.retained(event(4), for: id, into: &actions)
        #expect(actions == [.send(id, Array("m5".utf8))])
    }

    @Test func aStreamOfATaskNotReportedYetWaitsForItsFirstState() {
        var core = TaskWatchers()
        let id = core.open(user: "alice", taskID: "t1")
        var actions: [Action] = []
        core.retained(nil, for: id, into: &actions)
        #expect(actions.isEmpty)
        core.deliver(event(1, task: "other"), into: &actions)
        #expect(actions.isEmpty, "another task's state")
        core.deliver(event(1), into: &actions)
        #expect(actions == [.send(id, Array("m1".utf8))])
    }

    @Test func anotherUsersStreamIsClosedForbiddenWithNothingSent() {
        var core = TaskWatchers()
        let owner = core.open(user: "alice", taskID: "t1")
        let intruder = core.open(user: "mallory", taskID: "t1")
        var actions: [Action] = []
        core.retained(event(1), for: intruder, into: &actions)
        #expect(actions == [.close(intruder, .policyViolation, "forbidden")])
        actions.removeAll()
        core.deliver(event(2), into: &actions)
        #expect(actions == [.send(owner, Array("m2".utf8))], "the intruder is forgotten")
        #expect(core.count == 1)
    }

    @Test func aWaitingStreamOfAnotherUserIsClosedWhenTheTaskAppears() {
        var core = TaskWatchers()
        let intruder = core.open(user: "mallory", taskID: "t1")
        var actions: [Action] = []
        core.deliver(event(1), into: &actions)
        #expect(actions == [.close(intruder, .policyViolation, "forbidden")])
    }

    @Test func theFinalStateIsSentThenTheStreamClosesNormally() {
        var core = TaskWatchers()
        let done = core.open(user: "alice", taskID: "t1")
        let failed = core.open(user: "alice", taskID: "t2")
        var actions: [Action] = []
        core.deliver(event(3, .completed), into: &actions)
        core.deliver(event(1, .error, task: "t2"), into: &actions)
        core.deliver(event(4), into: &actions)
        #expect(
            actions == [
                .send(done, Array("m3".utf8)), .close(done, .normalClosure, "task completed"),
                .send(failed, Array("m1".utf8)), .close(failed, .normalClosure, "task failed"),
            ])
        #expect(core.count == 0)
    }

    @Test func aFreedSlotIsReusedAndALateRetainedStateDoesNotReachItsNewWatcher() {
        var core = TaskWatchers()
        let first = core.open(user: "alice", taskID: "t1")
        core.close(first)
        let second = core.open(user: "bob", taskID: "t9")
        #expect(second == first)
        var actions: [Action] = []
        core.retained(event(1), for: second, into: &actions)
        #expect(actions.isEmpty, "the state of t1 is not t9's")
    }

    @Test func heartbeatsGoToEveryWatcher() {
        var core = TaskWatchers()
        var actions: [Action] = []
        core.heartbeat(timestamp: 0, into: &actions)
        #expect(actions.isEmpty)
        let a = core.open(user: "alice", taskID: "t1")
        let b = core.open(user: "bob", taskID: "t2")
        core.heartbeat(timestamp: 0, into: &actions)
        let beat = Array(#"{"type":"heartbeat","data":{"timestamp":"1970-01-01T00:00:00.000000Z"}}"#.utf8)
        #expect(actions == [.send(a, beat), .send(b, beat)])
    }

    @Test func pingIsAnsweredAndAnythingElseGetsAnError() {
        var core = TaskWatchers()
        let id = core.open(user: "alice", taskID: "t1")
        var actions: [Action] = []
        core.receive(Array(#"{"type":"ping","id":7}"#.utf8), from: id, timestamp: 0, into: &actions)
        core.receive(Array(#"{"type":"subscribe","id":8}"#.utf8), from: id, timestamp: 0, into: &actions)
        core.receive(Array("nope".utf8), from: id, timestamp: 0, into: &actions)
        core.receive(Array("[1]".utf8), from: id, timestamp: 0, into: &actions)
        let texts = actions.map { action -> String in
            guard case .send(_, let bytes) = action else { return "not a send" }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(texts[0] == #"{"type":"pong","timestamp":"1970-01-01T00:00:00.000000Z","id":7}"#)
        #expect(texts[1].hasPrefix(#"{"type":"error","code":"unknown_type""#) && texts[1].hasSuffix(#""id":8}"#))
        #expect(texts[2].hasPrefix(#"{"type":"error","code":"invalid_json""#))
        #expect(texts[3].hasPrefix(#"{"type":"error","code":"invalid_message""#))
    }
}
