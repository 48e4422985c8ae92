/// Valid documents shared by the round-trip and Foundation comparison tests.
/// No duplicate keys and no integers beyond 2^53, so Foundation's dictionaries and
/// number types can represent every one exactly.
enum Corpus {
    static let documents: [String] = [
        #"{"type":"subscribe","subscription_type":"strategy","target":"volume_wave","id":7}"#,
        #"{"type":"unsubscribe","subscription_type":"symbol","target":"AAPL","id":8}"#,
        #"{"type":"ping"}"#,
        #"{"type":"price_update","seq":1042,"quotes":[{"symbol":"600519.SH","price":1850.5,"change":-0.25,"volume":1203000},{"symbol":"AAPL","price":189.98,"change":1.5,"volume":55000000}]}"#,
        "[]", "{}", "[[]]", "[{}]", #"{"a":{}}"#, #"{"a":[]}"#,
        "0", "-0", "1", "-1", "3.141592653589793", "-2.5e-3", "1E10", "1e+2", "6.02214076e23", "1.7976931348623157e308",
        "5e-324", "0.1", "123456789012", "9007199254740991",
        "true", "false", "null",
        #""""#, #""plain""#, #""\u00e9t\u00E9 \ud83d\ude80 \/ \\ \"""#, "\"日本語 テキスト 🎉 Zürich\"",
        #""\b\f\n\r\t\u0001\u001f""#,
        #"[1, "two", 3.0, true, false, null, {"k": "v"}, [4, [5, [6]]]]"#,
        " \t\n\r {\n  \"spaced\" : [ 1 , 2 ] ,\n  \"x\" : null\n}\r\n ",
        #"{"nested":{"deeper":{"deepest":{"value":[1,2,{"end":true}]}}}}"#,
        #"{"empty_string":"","zero":0,"neg":-123.456,"big":1e300,"small":1e-300}"#,
        #"{"unicode_key_é":"v","emoji_🎉":1,"cjk_股票":[]}"#,
        #"[0.5,0.25,0.125,100,1000000,-0.0001,2.2250738585072014e-308]"#,
        "[" + (0..<200).map(String.init).joined(separator: ",") + "]",
        #"{"long":""# + String(repeating: "abcdefghij", count: 100) + #""}"#,
    ]
}
