import Testing

@testable import StockPush

@Suite struct ConnectionLimitsTests {
    @Test func refusesPastEachLimitAndAdmitsAgainAfterARelease() {
        let limits = ConnectionLimits(maxPerUser: 2, maxPerAddress: 3)
        #expect(limits.admit(user: "ann", authenticated: true, address: "10.0.0.1") == nil)
        #expect(limits.admit(user: "ann", authenticated: true, address: "10.0.0.2") == nil)
        #expect(limits.admit(user: "ann", authenticated: true, address: "10.0.0.3") == .user("ann"))
        #expect(limits.admit(user: "bob", authenticated: true, address: "10.0.0.1") == nil)
        #expect(limits.admit(user: "cy", authenticated: true, address: "10.0.0.1") == nil)
        #expect(limits.admit(user: "dee", authenticated: true, address: "10.0.0.1") == .address("10.0.0.1"))
        #expect(limits.users == ["ann": 2, "bob": 1, "cy": 1], "refusals count nothing")
        limits.release(user: "ann", address: "10.0.0.1")
        #expect(limits.admit(user: "ann", authenticated: true, address: "10.0.0.1") == nil)
    }

    @Test func anonymousClientsAreLimitedOnlyByAddress() {
        let limits = ConnectionLimits(maxPerUser: 1, maxPerAddress: 5)
        for _ in 0..<5 { #expect(limits.admit(user: "anonymous", authenticated: false, address: "::1") == nil) }
        #expect(limits.admit(user: "anonymous", authenticated: false, address: "::1") == .address("::1"))
        #expect(limits.users == ["anonymous": 5])
    }

    @Test func releasedUsersLeaveNoEntry() {
        let limits = ConnectionLimits(maxPerUser: 3, maxPerAddress: 3)
        _ = limits.admit(user: "ann", authenticated: true, address: "a")
        _ = limits.admit(user: "ann", authenticated: true, address: "a")
        limits.release(user: "ann", address: "a")
        #expect(limits.users == ["ann": 1])
        limits.release(user: "ann", address: "a")
        #expect(limits.users.isEmpty)
        for _ in 0..<3 { #expect(limits.admit(user: "bo", authenticated: true, address: "a") == nil) }
    }
}
