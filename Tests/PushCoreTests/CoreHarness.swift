import Buffers
import JSON
import Market
import PushCore
import PushProtocol

/// A core with a small catalog, a manual clock and a fake queue table: drives inputs and
/// decodes the actions they return into the JSON each client would receive.
final class CoreHarness {
    static let catalog = Catalog(
        markets: [
            MarketInfo(code: "SH", name: "Shanghai", timezone: "Asia/Shanghai", currency: "CNY"),
            MarketInfo(code: "HK", name: "Hong Kong", timezone: "Asia/Hong_Kong", currency: "HKD"),
        ],
        stocks: [
            Stock(code: "600519", name: "Moutai", market: "SH", referencePrice: 1500),
            Stock(code: "601318", name: "Ping An", market: "SH", referencePrice: 50),
            Stock(code: "00700", name: "Tencent", market: "HK", tickPrecision: 1, referencePrice: 300),
            Stock(code: "09988", name: "Alibaba", market: "HK", referencePrice: 80),
        ],
        strategies: ["blue_chips": ["600519", "00700"], "empty": []], version: 1)

    let core: PushCore
    var now = PushTime(monotonic: 1_000_000_000, wallMicros: 1_763_700_000_000_000)
    /// Clients whose queue is over the limit.
    var full: Set<ClientID> = []
    var actions: [PushAction] = []
    private var tickNumber: Int64 = 0
    private var writer = JSONWriter()

    init(
        configuration: PushCoreConfiguration = PushCoreConfiguration(), catalogLoaded: Bool = true,
        catalog: Catalog = CoreHarness.catalog
    ) {
        core = PushCore(configuration: configuration, catalog: catalogLoaded ? catalog : .empty, board: .empty)
        publish(["600519": 1500, "601318": 50, "00700": 300, "09988": 80])
        actions.removeAll()
    }

    func advance(seconds: Double) {
        now.monotonic += UInt64(seconds * 1e9)
        now.wallMicros += Int64(seconds * 1e6)
        now.marketMicros += Int64(seconds * 1e6)
    }

    /// Inputs return the actions they produced (and clear the list for the next one).
    @discardableResult
    func take() -> [PushAction] {
        defer { actions.removeAll() }
        return actions
    }

    /// Opens a client of instance `t`: connection `connection` is client id `c_t_<hex>`.
    /// `compressed`: the client's connection agreed permessage-deflate.
    func open(_ connection: UInt64 = 0, compressed: Bool = false) -> ClientID {
        let info = ClientInfo(
            instance: "t", connection: connection, user: "u", authenticated: false, remoteAddress: "127.0.0.1",
            connectedAt: now.wallMicros)
        let id = core.open(info, compressed: compressed, now: now, into: &actions)
        take()
        return id
    }

    @discardableResult
    func send(_ id: ClientID, _ json: String) -> [PushAction] {
        let full = self.full
        core.receive(Array(json.utf8), from: id, now: now, queueFull: { full.contains($0) }, into: &actions)
        return take()
    }

    /// A tick in which the given quotes changed (prices by code). `sameTick`: hands the
    /// last tick number over again, as a resync or a staleness flip does.
    @discardableResult
    func publish(_ prices: [String: Double], sameTick: Bool = false) -> [PushAction] {
        if !sameTick { tickNumber += 1 }
        var quotes = core.board.quotes
        var fragments = core.board.fragments
        for (code, price) in prices {
            let stock = Self.catalog.stocks[code]!
            let quote = Quote(
                code: code, price: price, prevClose: stock.referencePrice, volume: 100, turnover: price * 100,
                quoteTime: now.wallMicros / 1000)
            quotes[code] = quote
            fragments[code] = QuoteFragmentEncoder.encode(quote, stock: stock, writer: &writer)
        }
        let board = QuoteBoard(tick: tickNumber, quotes: quotes, fragments: fragments)
        let update = TickUpdate(
            tick: tickNumber, timestamp: now.wallMicros, changed: prices.keys.sorted(), board: board,
            startedAt: now.monotonic)
        let full = self.full
        core.publish(update, now: now, queueFull: { full.contains($0) }, into: &actions)
        return take()
    }

    func push(_ codes: Set<String>) -> (reached: Int, actions: [PushAction]) {
        let full = self.full
        let reached = core.push(codes: codes, timestamp: now.wallMicros, queueFull: { full.contains($0) }, into: &actions)
        return (reached, take())
    }
}

/// What one client receives, decoded.
struct Received {
    let json: JSONValue

    var type: String? { json["type"]?.stringValue }
    var seq: Int? { json["seq"]?.intValue }
    var codes: [String] { json["data"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? [] }
    var prices: [String: Double] {
        var result: [String: Double] = [:]
        for item in json["data"]?.arrayValue ?? [] {
            if let code = item["code"]?.stringValue, let price = item["price"]?.doubleValue { result[code] = price }
        }
        return result
    }
}

extension Array where Element == PushAction {
    /// The messages the actions send to `client`, in order.
    func messages(to client: ClientID) -> [Received] {
        flatMap(\.perClient).compactMap { action -> Received? in
            switch action {
            case .sendUpdate(let id, let heads, let offset, let count, let body) where id == client:
                let frame = [UInt8](heads.bytes[offset..<(offset + count)]) + body.array
                return Received(json: try! JSONParser.parse(payload(of: frame)))
            case .sendFrame(let id, let frame) where id == client:
                return Received(json: try! JSONParser.parse(payload(of: frame.array)))
            case .sendText(let id, let json) where id == client:
                return Received(json: try! JSONParser.parse(json))
            default:
                return nil
            }
        }
    }

    func updates(to client: ClientID) -> [Received] { messages(to: client).filter { $0.type == "price_update" } }
}

/// The payload of an unmasked server frame.
func payload(of frame: [UInt8]) -> [UInt8] {
    let length = frame[1] & 0x7F
    let start = length == 126 ? 4 : length == 127 ? 10 : 2
    return Array(frame[start...])
}

extension PushAction {
    /// A group's `sendUpdates` as the per-client `sendUpdate`s it stands for.
    var perClient: [PushAction] {
        guard case .sendUpdates(let heads, let body, let deliveries) = self else { return [self] }
        return deliveries.map { .sendUpdate($0.client, heads: heads, offset: $0.offset, count: $0.count, body: body) }
    }
}
