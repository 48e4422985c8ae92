import Testing

@testable import Telemetry

@Suite struct CounterTests {
    @Test func addsAndSubtracts() {
        let counter = Counter()
        #expect(counter.current == 0)
        counter.add(3)
        counter.add(-1)
        #expect(counter.current == 2)
    }

    @Test func concurrentIncrementsAreNotLost() async {
        let counter = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<10_000 { counter.add(1) } }
            }
        }
        #expect(counter.current == 80_000)
    }
}
