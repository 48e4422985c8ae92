import Deflate

/// What a server and client agreed for permessage-deflate (RFC 7692 7.1), and the
/// server's side of the negotiation.
///
/// The server compresses every message with a fresh context and a 2^9 window
/// (`MessageDeflater`), so it always answers `server_no_context_takeover` (a server may,
/// unasked: 7.1.1.1) and accepts any `server_max_window_bits` it can honour: 9 to 15.
/// An offer asking for 8 is declined (zlib's raw deflate has no 256-byte window).
public struct DeflateAgreement: Sendable, Equatable {
    /// The window the client compresses with, so the one to inflate with.
    public let clientMaxWindowBits: UInt8
    /// The client starts each message with an empty window: its inflater need not outlive a message.
    public let clientNoContextTakeover: Bool
    /// The offer named `server_max_window_bits`: the response must give ours.
    let serverWindowAsked: Bool
    /// The offer named `client_max_window_bits`: the response may choose the client's window.
    let clientWindowOffered: Bool

    public init(
        clientMaxWindowBits: UInt8, clientNoContextTakeover: Bool, serverWindowAsked: Bool, clientWindowOffered: Bool
    ) {
        self.clientMaxWindowBits = clientMaxWindowBits
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverWindowAsked = serverWindowAsked
        self.clientWindowOffered = clientWindowOffered
    }

    /// The `Sec-WebSocket-Extensions` value of the 101 response (built when sent, so an
    /// open connection does not keep it).
    public var response: String {
        var response = PerMessageDeflate.extensionName + "; server_no_context_takeover"
        if clientNoContextTakeover { response += "; client_no_context_takeover" }
        // Only when asked: Firefox fails a response naming a window its offer did not.
        if serverWindowAsked { response += "; server_max_window_bits=\(MessageDeflater.windowBits)" }
        if clientWindowOffered { response += "; client_max_window_bits=\(clientMaxWindowBits)" }
        return response
    }
}

public enum PerMessageDeflate {
    public static let extensionName = "permessage-deflate"
    /// The window asked of a client that lets the server choose (`client_max_window_bits`
    /// in its offer): a client's requests are small, and its inflater, kept per connection
    /// for context takeover, is ~7 KiB plus this window.
    public static let preferredClientWindowBits: UInt8 = 9

    /// The agreement for the first acceptable permessage-deflate offer among the
    /// `Sec-WebSocket-Extensions` field values, or nil (the extension is not used).
    /// Other extensions, and offers we cannot accept, are declined (RFC 7692 5).
    public static func negotiate(_ fieldValues: [String]) -> DeflateAgreement? {
        for offer in ExtensionOffer.parse(fieldValues) {
            guard let offer, offer.name == extensionName else { continue }
            if let agreement = accept(offer) { return agreement }
        }
        return nil
    }

    /// The agreement for one offer, or nil when it has an unknown, repeated or badly
    /// valued parameter (7.1: such an offer is declined) or asks for what we cannot do.
    public static func accept(_ offer: ExtensionOffer) -> DeflateAgreement? {
        var seen: Set<String> = []
        var clientNoContextTakeover = false
        var serverWindowAsked = false
        var clientWindow: UInt8?  // nil: not offered
        for parameter in offer.parameters {
            guard seen.insert(parameter.name).inserted else { return nil }
            switch parameter.name {
            case "server_no_context_takeover", "client_no_context_takeover":
                guard parameter.value == nil else { return nil }
                if parameter.name == "client_no_context_takeover" { clientNoContextTakeover = true }
            case "server_max_window_bits":
                guard let bits = parameter.value.flatMap(windowBits), Int(bits) >= MessageDeflater.windowBits else { return nil }
                serverWindowAsked = true
            case "client_max_window_bits":
                if let value = parameter.value {
                    guard let bits = windowBits(value) else { return nil }
                    clientWindow = min(bits, preferredClientWindowBits)
                } else {
                    clientWindow = preferredClientWindowBits
                }
            default:
                return nil
            }
        }
        return DeflateAgreement(
            clientMaxWindowBits: clientWindow ?? 15, clientNoContextTakeover: clientNoContextTakeover,
            serverWindowAsked: serverWindowAsked, clientWindowOffered: clientWindow != nil)
    }

    /// A window-bits value: exactly "8" to "15" (RFC 7692 7.1.2: no leading zeros or signs).
    static func windowBits(_ value: String) -> UInt8? {
        let digits = Array(value.utf8)
        guard (1...2).contains(digits.count), digits[0] != UInt8(ascii: "0"), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let bits = UInt8(value), (8...15).contains(bits)
        else { return nil }
        return bits
    }
}
