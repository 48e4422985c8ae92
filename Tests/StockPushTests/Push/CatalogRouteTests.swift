import HTTP1
import JSON
import Market
import Testing

@testable import StockPush

/// What the board reads to offer its choices: sorted markets, strategies with their
/// active members, active stocks; 503 before the first load; revalidation by version.
@Suite struct CatalogRouteTests {
    let catalog = Catalog(
        markets: [
            MarketInfo(code: "SH", name: "Shanghai", timezone: "Asia/Shanghai", currency: "CNY"),
            MarketInfo(code: "HK", name: "Hong Kong", timezone: "Asia/Hong_Kong", currency: "HKD"),
        ],
        stocks: [
            Stock(code: "600519", name: "贵州茅台", market: "SH", referencePrice: 1700),
            Stock(code: "0700", name: "Tencent \"HK\"", market: "HK", referencePrice: 300),
            Stock(code: "600000", name: "Gone", market: "SH", referencePrice: 10, active: false),
        ],
        strategies: ["volume_wave": ["600519", "600000", "0700"], "blue_chips": []],
        strategyDescriptions: ["volume_wave": "Volume leaders"], version: 3)

    @Test func listsWhatCanBeSubscribedSortedWithActiveMembersOnly() throws {
        let response = CatalogRoute.response(catalog, cache: .init(), ifNoneMatch: nil)
        #expect(response.status == .ok && response.headers["Content-Type"] == "application/json")
        let document = try JSONParser.parse(response.body)
        #expect(document["markets"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["HK", "SH"])
        #expect(document["markets"]?.arrayValue?[0]["timezone"]?.stringValue == "Asia/Hong_Kong")
        let strategies = try #require(document["strategies"]?.arrayValue)
        #expect(strategies.compactMap { $0["name"]?.stringValue } == ["blue_chips", "volume_wave"])
        #expect(strategies[1]["stocks"]?.arrayValue?.compactMap(\.stringValue) == ["600519", "0700"])
        #expect(strategies[1]["description"]?.stringValue == "Volume leaders")
        let stocks = try #require(document["stocks"]?.arrayValue)
        #expect(stocks.compactMap { $0["code"]?.stringValue } == ["0700", "600519"], "inactive stocks are left out")
        #expect(stocks[0]["name"]?.stringValue == "Tencent \"HK\"" && stocks[1]["name"]?.stringValue == "贵州茅台")
        #expect(stocks[1]["market"]?.stringValue == "SH")
    }

    @Test func theVersionIsTheETagAndARevalidationIsA304() throws {
        let cache = CatalogRoute.Cache()
        let first = CatalogRoute.response(catalog, cache: cache, ifNoneMatch: nil)
        let etag = try #require(first.headers["ETag"])
        let again = CatalogRoute.response(catalog, cache: cache, ifNoneMatch: etag)
        #expect(again.status == .notModified && again.body.isEmpty)
        let reloaded = Catalog(markets: [], stocks: [], strategies: [:], version: 4)
        let changed = CatalogRoute.response(reloaded, cache: cache, ifNoneMatch: etag)
        #expect(changed.status == .ok && changed.headers["ETag"] != etag)
        #expect(try JSONParser.parse(changed.body)["markets"]?.arrayValue?.isEmpty == true, "a new version is encoded anew")
    }

    @Test func beforeTheFirstLoadItIsNotReady() throws {
        let response = CatalogRoute.response(.empty, cache: .init(), ifNoneMatch: nil)
        #expect(response.status == .serviceUnavailable)
        #expect(try JSONParser.parse(response.body)["error"]?.stringValue == "not_ready")
    }
}
