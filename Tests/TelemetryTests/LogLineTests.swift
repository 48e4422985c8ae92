import JSON
import Testing

@testable import Telemetry

@Suite struct LogLineTests {
    let time: Int64 = 1_709_296_496_789_012  // 2024-03-01T12:34:56.789012Z

    @Test func textFieldsFollowTheMessageAsKeyValuePairs() {
        let line = LogLine.text(
            time: time, level: .info, component: "push", message: "connection closed",
            fields: [
                LogField("client_id", "c_a_1"), LogField("messages", 12), LogField("reason", "heartbeat timeout"),
                LogField("user", ""), LogField("rtt_ms", value: .null), LogField("ok", true),
            ])
        #expect(
            line
                == "2024-03-01T12:34:56.789012Z INFO [push] connection closed client_id=c_a_1 messages=12 reason=\"heartbeat timeout\" user=\"\" rtt_ms=- ok=true\n"
        )
    }

    @Test func textValuesThatCouldBreakTheLineAreQuotedAndEscaped() {
        #expect(LogLine.textValue(.string("a=b")) == "\"a=b\"")
        #expect(LogLine.textValue(.string("say \"hi\"\n")) == "\"say \\\"hi\\\"\\n\"")
        #expect(LogLine.textValue(.string("back\\slash")) == "\"back\\\\slash\"")
        #expect(LogLine.textValue(.string("bell\u{7}")) == "\"bell\\u{7}\"")
        #expect(LogLine.textValue(.string("ünïcode")) == "ünïcode")
    }

    @Test func jsonLinesAreOneParseableObjectWithTypedFields() throws {
        let line = LogLine.json(
            time: time, level: .warning, component: "admin", message: "say \"hi\"\n",
            fields: [
                LogField("targets", "c_a_1"), LogField("reached", 3), LogField("duration_ms", 1.5),
                LogField("rtt_ms", value: .null),
            ])
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let value = try JSONParser.parse(Array(line.dropLast().utf8))
        #expect(value["ts"]?.stringValue == "2024-03-01T12:34:56.789012Z")
        #expect(value["level"]?.stringValue == "warning")
        #expect(value["component"]?.stringValue == "admin")
        #expect(value["msg"]?.stringValue == "say \"hi\"\n")
        #expect(value["targets"]?.stringValue == "c_a_1")
        #expect(value["reached"]?.intValue == 3)
        #expect(value["duration_ms"]?.doubleValue == 1.5)
        #expect(value["rtt_ms"] == .null)
    }

    @Test func theLoggerWritesItsFormatAndSkipsFieldsBelowItsLevel() throws {
        let lines = LoggerTests.Lines()
        var built = 0
        let logger = Logger(label: "push", minimumLevel: .info, format: .json, sink: lines.append, clock: { 0 })
        func fields() -> [LogField] {
            built += 1
            return [LogField("n", 1)]
        }
        logger.debug("tick", fields())
        logger.info("opened", fields())
        #expect(built == 1)
        #expect(lines.all.count == 1)
        #expect(try JSONParser.parse(Array(lines.all[0].utf8))["msg"]?.stringValue == "opened")
        #expect(!logger.isEnabled(.debug) && logger.isEnabled(.info))
        let cluster = logger.component("cluster", minimumLevel: .debug)
        cluster.debug("heard")
        #expect(try JSONParser.parse(Array(lines.all[1].utf8))["component"]?.stringValue == "cluster")
    }
}

@Suite struct LogLevelsTests {
    let components = ["main", "push", "cluster"]

    @Test func aDefaultAndPerComponentOverrides() throws {
        let levels = try LogLevels(parsing: "info, push=debug,CLUSTER=warn", components: components)
        #expect(levels.level(for: "push") == .debug)
        #expect(levels.level(for: "cluster") == .warning)
        #expect(levels.level(for: "main") == .info)
        #expect(try LogLevels(parsing: "error", components: components) == LogLevels(defaultLevel: .error))
        #expect(try LogLevels(parsing: "push=debug", components: components).level(for: "main") == .info)
    }

    @Test func mistakesAreRefusedNamingWhatIsWrong() {
        #expect(throws: LogLevelsError.unknownLevel("loud")) { try LogLevels(parsing: "loud", components: components) }
        #expect(throws: LogLevelsError.unknownComponent("pusher", known: components)) {
            try LogLevels(parsing: "info,pusher=debug", components: components)
        }
        #expect(throws: LogLevelsError.unknownLevel("")) { try LogLevels(parsing: "push=", components: components) }
        #expect(throws: LogLevelsError.repeatedComponent("push")) {
            try LogLevels(parsing: "push=debug,push=info", components: components)
        }
        #expect(throws: LogLevelsError.twoDefaults("info,debug")) { try LogLevels(parsing: "info,debug", components: components) }
        #expect(throws: LogLevelsError.emptyItem("info,,push=debug")) {
            try LogLevels(parsing: "info,,push=debug", components: components)
        }
        #expect(
            LogLevelsError.unknownComponent("x", known: components).description
                == "unknown component 'x' (components: main, push, cluster)")
    }
}
