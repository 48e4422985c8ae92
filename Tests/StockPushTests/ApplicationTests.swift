import Testing

@testable import StockPush

@Suite struct ApplicationTests {
    @Test func readinessSaysDrainingOnceShutdownStartsEvenWithEverythingUp() {
        let health = DependencyHealth()
        health.markUp(.redis)
        health.markUp(.postgres)
        let ready = Application.readiness(health)
        #expect(ready.status.code == 200)
        #expect(String(decoding: ready.body, as: UTF8.self).contains(#""status":"ready""#))
        let draining = Application.readiness(health, draining: true)
        #expect(draining.status.code == 503)
        #expect(String(decoding: draining.body, as: UTF8.self).contains(#""status":"draining""#))
        #expect(String(decoding: draining.body, as: UTF8.self).contains(#""redis":"ok""#))
    }
}
