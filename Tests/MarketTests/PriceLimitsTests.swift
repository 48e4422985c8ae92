import Testing

@testable import Market

@Suite struct PriceLimitsTests {
    @Test func theBandIsRoundedHalfUpToThePriceStep() throws {
        // 10.05 × 1.1 = 11.055 → 11.06; × 0.9 = 9.045 → 9.05 (the exchanges' rounding).
        let band = try #require(PriceLimits(prevClose: 10.05, percent: 10, decimals: 2))
        #expect(band == PriceLimits(up: 11.06, down: 9.05))
        let etf = try #require(PriceLimits(prevClose: 4.012, percent: 10, decimals: 3))
        #expect(etf == PriceLimits(up: 4.413, down: 3.611))
        #expect(PriceLimits(prevClose: 10, percent: nil, decimals: 2) == nil, "no limits, no band")
        #expect(PriceLimits(prevClose: 0, percent: 10, decimals: 2) == nil, "no previous close, no band")
    }

    @Test func aPriceAtOrBeyondALimitSitsThere() throws {
        let band = try #require(PriceLimits(prevClose: 10.05, percent: 10, decimals: 2))
        #expect(band.position(of: 11.06, decimals: 2) == .up)
        #expect(band.position(of: 11.0600000001, decimals: 2) == .up)
        #expect(band.position(of: 11.2, decimals: 2) == .up, "a bad feed beyond the band still sits at it")
        #expect(band.position(of: 11.05, decimals: 2) == nil)
        #expect(band.position(of: 9.05, decimals: 2) == .down)
        #expect(band.position(of: 9.06, decimals: 2) == nil)
        #expect(band.clamp(12) == 11.06 && band.clamp(1) == 9.05 && band.clamp(10) == 10)
    }

    @Test func theRuleByBoardAndName() {
        func percent(_ code: String, _ name: String, own: Double? = nil, market: Double? = 10) -> Double? {
            PriceLimitRule.percent(code: code, name: name, own: own, market: market)
        }
        #expect(percent("600519", "贵州茅台") == 10)
        #expect(percent("300750", "宁德时代") == 20, "ChiNext")
        #expect(percent("301269", "华大九天") == 20, "ChiNext")
        #expect(percent("688981", "中芯国际") == 20, "STAR")
        #expect(percent("600145", "*ST新亿") == 5)
        #expect(percent("000587", "ST金洲") == 5)
        #expect(percent("300313", "*ST天山") == 20, "ChiNext keeps 20 % under risk warning")
        #expect(percent("600000", "Sterling Bank") == 10, "a word, not a warning")
        #expect(percent("600519", "贵州茅台", own: 7) == 7, "the catalog's own limit wins")
        #expect(percent("00700", "腾讯控股", market: nil) == nil, "Hong Kong moves freely")
        #expect(PriceLimitRule.isRiskWarned(" S*ST前锋") && PriceLimitRule.isRiskWarned("SST华新"))
    }
}
