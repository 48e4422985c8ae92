import HTTP1
import JSON
import Market
import Server
import Synchronization

/// `GET /api/catalog`: the markets, strategies and active stocks a client can subscribe
/// to, so a front-end (the live board) can offer them without hard-coding a list.
/// Public like the stream's `unknown_target` answers, which already tell what exists.
/// The document is written once per catalog version and shared; its `ETag` is the
/// version, so a poller's revalidation costs a 304.
enum CatalogRoute {
    static func install(into routes: inout Routes, shared: PushShared) {
        let cache = Cache()
        routes.add(.get, "/api/catalog") { request, _ in
            response(shared.catalog, cache: cache, ifNoneMatch: request.headers["If-None-Match"])
        }
    }

    static func response(_ catalog: Catalog, cache: Cache, ifNoneMatch: String?) -> HTTPResponse {
        guard catalog.isLoaded else {
            return .json(.serviceUnavailable, #"{"error":"not_ready","message":"the catalog has not loaded yet"}"#)
        }
        let etag = "\"catalog-\(catalog.version)\""
        var headers = HTTPHeaders([("ETag", etag), ("Cache-Control", "no-cache")])
        if let ifNoneMatch, StaticSite.matches(ifNoneMatch, etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: .ok, headers: headers, body: cache.body(for: catalog))
    }

    /// The encoded document of the newest catalog version seen.
    final class Cache: Sendable {
        private let latest = Mutex<(version: Int, body: [UInt8])>((-1, []))

        func body(for catalog: Catalog) -> [UInt8] {
            if let hit = latest.withLock({ $0.version == catalog.version ? $0.body : nil }) { return hit }
            let body = CatalogRoute.encode(catalog)
            latest.withLock { $0 = (catalog.version, body) }
            return body
        }
    }

    /// Markets, strategies and stocks, each sorted by key; a strategy lists its active
    /// members (what subscribing to it covers); inactive stocks are left out.
    static func encode(_ catalog: Catalog) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("markets")
        writer.beginArray()
        for market in catalog.markets.values.sorted(by: { $0.code < $1.code }) {
            writer.beginObject()
            writer.key("code")
            writer.string(market.code)
            writer.key("name")
            writer.string(market.name)
            writer.key("timezone")
            writer.string(market.timezone)
            writer.key("currency")
            writer.string(market.currency)
            writer.endObject()
        }
        writer.endArray()
        writer.key("strategies")
        writer.beginArray()
        for name in catalog.strategies.keys.sorted() {
            writer.beginObject()
            writer.key("name")
            writer.string(name)
            writer.key("description")
            writer.string(catalog.strategyDescriptions[name] ?? "")
            writer.key("stocks")
            writer.beginArray()
            for code in (try? catalog.resolve(SubscriptionKey(.strategy, name))) ?? [] { writer.string(code) }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("stocks")
        writer.beginArray()
        for stock in catalog.activeStocks {
            writer.beginObject()
            writer.key("code")
            writer.string(stock.code)
            writer.key("name")
            writer.string(stock.name)
            writer.key("market")
            writer.string(stock.market)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.buffer.readableBytesArray
    }
}
