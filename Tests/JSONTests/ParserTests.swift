import Testing

@testable import JSON

@Suite struct ParserTests {
    @Test func rfc8259ObjectExample() throws {
        let text = """
            {
                  "Image": {
                      "Width":  800,
                      "Height": 600,
                      "Title":  "View from 15th Floor",
                      "Thumbnail": {
                          "Url":    "http://www.example.com/image/481989943",
                          "Height": 125,
                          "Width":  100
                      },
                      "Animated" : false,
                      "IDs": [116, 943, 234, 38793]
                    }
                }
            """
        let value = try JSONParser.parse(text)
        let image = try #require(value["Image"])
        #expect(image["Width"]?.intValue == 800)
        #expect(image["Title"]?.stringValue == "View from 15th Floor")
        #expect(image["Thumbnail"]?["Url"]?.stringValue == "http://www.example.com/image/481989943")
        #expect(image["Animated"]?.boolValue == false)
        #expect(image["IDs"] == .array([.number(116), .number(943), .number(234), .number(38793)]))
        #expect(image.objectValue?.map(\.key) == ["Width", "Height", "Title", "Thumbnail", "Animated", "IDs"])
    }

    @Test func rfc8259ArrayExample() throws {
        let text = """
            [
                    {
                       "precision": "zip",
                       "Latitude":  37.7668,
                       "Longitude": -122.3959,
                       "Address":   "",
                       "City":      "SAN FRANCISCO",
                       "State":     "CA",
                       "Zip":       "94107",
                       "Country":   "US"
                    },
                    {
                       "precision": "zip",
                       "Latitude":  37.371991,
                       "Longitude": -122.026020,
                       "Address":   "",
                       "City":      "SUNNYVALE",
                       "State":     "CA",
                       "Zip":       "94085",
                       "Country":   "US"
                    }
            ]
            """
        let value = try JSONParser.parse(text)
        #expect(value.arrayValue?.count == 2)
        #expect(value.arrayValue?[0]["Latitude"]?.doubleValue == 37.7668)
        #expect(value.arrayValue?[1]["Longitude"]?.doubleValue == -122.026020)
        #expect(value.arrayValue?[1]["Address"]?.stringValue == "")
    }

    @Test func rfc8259ScalarExamples() throws {
        #expect(try JSONParser.parse("\"Hello world!\"") == .string("Hello world!"))
        #expect(try JSONParser.parse("42") == .number(42))
        #expect(try JSONParser.parse("true") == .bool(true))
        #expect(try JSONParser.parse(" null ") == .null)
    }

    @Test func clientMessage() throws {
        let bytes = Array(#"{"type":"subscribe","subscription_type":"strategy","target":"volume_wave","id":7}"#.utf8)
        let message = try JSONParser.parse(bytes)
        #expect(message["type"]?.stringValue == "subscribe")
        #expect(message["target"]?.stringValue == "volume_wave")
        #expect(message["id"]?.intValue == 7)
        #expect(message["missing"] == nil)
        #expect(JSONValue.string("x")["type"] == nil)
    }

    @Test func duplicateKeysKeptFirstWins() throws {
        let value = try JSONParser.parse(#"{"a":1,"a":2}"#)
        #expect(value["a"] == .number(1))
        #expect(value.objectValue?.count == 2)
    }

    @Test func escapesDecode() throws {
        let value = try JSONParser.parse(#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20AC \ud83d\ude00""#)
        #expect(value == .string("\" \\ / \u{8} \u{C} \n \r \t A é € 😀"))
        #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSONParser.parse("\"日本語 🎉\"") == .string("日本語 🎉"))
    }

    @Test func numbers() throws {
        let cases: [(String, Double)] = [
            ("0", 0), ("-0", -0.0), ("1", 1), ("-1", -1), ("0.5", 0.5), ("1850.25", 1850.25),
            ("1e3", 1000), ("1E+3", 1000), ("1e-3", 0.001), ("-12.5e-1", -1.25),
            ("0.1", 0.1), ("0.30000000000000004", 0.30000000000000004),
            ("123456789012345678901234567890", 123456789012345678901234567890.0),
            ("1.7976931348623157e308", .greatestFiniteMagnitude), ("5e-324", .leastNonzeroMagnitude),
            ("1e-400", 0), ("9007199254740993", 9007199254740992),
            ("0.000000000000000000000000000001", 1e-30), ("2.2250738585072011e-308", Double(bitPattern: 0x000F_FFFF_FFFF_FFFF)),
        ]
        for (text, expected) in cases {
            let value = try JSONParser.parse(text)
            #expect(value == .number(expected), "\(text)")
            #expect(value.doubleValue?.sign == expected.sign, "\(text)")
        }
        #expect(try JSONParser.parse("-0").doubleValue?.sign == .minus)
    }

    @Test func intValueOnlyForIntegralInRange() {
        #expect(JSONValue.number(7).intValue == 7)
        #expect(JSONValue.number(-7).intValue == -7)
        #expect(JSONValue.number(7.5).intValue == nil)
        #expect(JSONValue.number(1e300).intValue == nil)
        #expect(JSONValue.number(9.223372036854775807e18).intValue == nil)
        #expect(JSONValue.string("7").intValue == nil)
    }

    @Test func accessorsReturnNilForOtherTypes() {
        let values: [JSONValue] = [.null, .bool(true), .number(1), .string("s"), .array([]), .object([])]
        #expect(values.filter(\.isNull).count == 1)
        #expect(values.compactMap(\.boolValue).count == 1)
        #expect(values.compactMap(\.doubleValue).count == 1)
        #expect(values.compactMap(\.stringValue).count == 1)
        #expect(values.compactMap(\.arrayValue).count == 1)
        #expect(values.compactMap(\.objectValue).count == 1)
    }

    @Test func objectEqualityIsOrdered() {
        let ab = JSONValue.object([(key: "a", value: .number(1)), (key: "b", value: .number(2))])
        let ba = JSONValue.object([(key: "b", value: .number(2)), (key: "a", value: .number(1))])
        #expect(ab == ab)
        #expect(ab != ba)
        #expect(ab != .object([(key: "a", value: .number(1))]))
        #expect(JSONValue.number(1) != .string("1"))
    }
}
