import Testing

@testable import WebSocket

@Suite struct PerMessageDeflateTests {
    func agreement(_ values: String...) -> DeflateAgreement? { PerMessageDeflate.negotiate(values) }

    @Test func aPlainOfferGetsServerNoContextTakeoverAndAFullClientWindow() throws {
        let agreed = try #require(agreement("permessage-deflate"))
        #expect(agreed.response == "permessage-deflate; server_no_context_takeover")
        #expect(agreed.clientMaxWindowBits == 15)
        #expect(!agreed.clientNoContextTakeover)
    }

    @Test func theClientWindowIsCutWhereTheOfferAllows() throws {
        // What browsers and Python websockets send.
        let browser = try #require(agreement("permessage-deflate; client_max_window_bits"))
        #expect(browser.response == "permessage-deflate; server_no_context_takeover; client_max_window_bits=9")
        #expect(browser.clientMaxWindowBits == 9)
        #expect(try #require(agreement("permessage-deflate; client_max_window_bits=12")).clientMaxWindowBits == 9)
        #expect(try #require(agreement("permessage-deflate; client_max_window_bits=8")).clientMaxWindowBits == 8)
        #expect(try #require(agreement(#"permessage-deflate; client_max_window_bits="10""#)).clientMaxWindowBits == 9)
    }

    @Test func serverWindowAndContextTakeoverParameters() throws {
        let agreed = try #require(
            agreement(
                "permessage-deflate;client_no_context_takeover; server_no_context_takeover ;server_max_window_bits=10 ; client_max_window_bits=15"
            ))
        #expect(
            agreed.response
                == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9"
        )
        #expect(agreed.clientNoContextTakeover)
    }

    @Test func anOfferAskingForAWindowWeCannotServeIsDeclinedForTheNext() throws {
        // zlib's raw deflate has no 2^8 window: that offer goes, the fallback is taken.
        let agreed = try #require(
            agreement("permessage-deflate; server_max_window_bits=8, permessage-deflate; client_no_context_takeover"))
        #expect(agreed.response == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        #expect(agreement("permessage-deflate; server_max_window_bits=8") == nil)
    }

    @Test(arguments: [
        "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
        "permessage-deflate; server_max_window_bits=10; server_max_window_bits=12",
        "permessage-deflate; server_max_window_bits",
        "permessage-deflate; server_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=09",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=abc",
        "permessage-deflate; client_max_window_bits=\"\"",
        "permessage-deflate; server_no_context_takeover=1",
        "permessage-deflate; mystery",
        "permessage-deflate; client_max_window_bits=\"10",
        "permessage-deflate;",
        "permessage-deflate; =5",
        "x-webkit-deflate-frame",
        "",
    ])
    func invalidOrForeignOffersAreDeclined(_ value: String) {
        #expect(agreement(value) == nil)
    }

    @Test func otherExtensionsAndBadElementsAreSkipped() throws {
        #expect(agreement("x-webkit-deflate-frame, permessage-deflate") != nil)
        #expect(agreement("permessage-deflate; bogus", "Permessage-Deflate; Client_Max_Window_Bits") != nil)
        #expect(agreement("foo; a=\"x,y\", permessage-deflate") != nil)
        #expect(agreement("foo; a=\"x, permessage-deflate") == nil)  // the quote swallows the rest
    }

    @Test func theListGrammar() {
        let offers = ExtensionOffer.parse([#"a; b=1; c="two", , d"#, "e"])
        #expect(
            offers == [
                ExtensionOffer(name: "a", parameters: [.init(name: "b", value: "1"), .init(name: "c", value: "two")]),
                ExtensionOffer(name: "d", parameters: []), ExtensionOffer(name: "e", parameters: []),
            ])
        #expect(ExtensionOffer.parse(["a b"]) == [nil])
    }
}
