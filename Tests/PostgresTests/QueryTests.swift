import Postgres
import TestSupport
import Testing

@Suite struct QueryTests {
    @Test func everyValueTypeRoundTrips() throws {
        let connection = try connectToTestDatabase()
        let bytes: [UInt8] = [0, 1, 2, 0x27, 0x5C, 0xFF]
        let rows = try connection.query(
            "SELECT $1::text AS name, $2::int8 AS big, $3::float8 AS price, $4::bool AS open, $5::bytea AS raw,"
                + " $6::text AS missing, $7::int4 AS small",
            ["贵州茅台", .int(Int64.min), 1234.5678, true, .bytes(bytes), nil, 7])
        #expect(rows.count == 1)
        #expect(rows.columns == ["name", "big", "price", "open", "raw", "missing", "small"])
        let row = rows[0]
        #expect(try row.decode("name") == "贵州茅台")
        #expect(try row.decode("big") == Int64.min)
        #expect(try row.decode("price") == 1234.5678)
        #expect(try row.decode("open") == true)
        #expect(try row.decode("raw", as: [UInt8].self) == bytes)
        #expect(try row.decode("missing", as: String?.self) == nil)
        #expect(row["missing"] == nil)
        #expect(try row.decode("small", as: Int32.self) == 7)
        #expect(try row.decode("small", as: Int?.self) == 7)
    }

    @Test func specialValuesRoundTrip() throws {
        let connection = try connectToTestDatabase()
        let row = try connection.query(
            "SELECT $1::float8 AS inf, $2::float8 AS nan, $3::bytea AS empty, $4::text AS blank, $5::float8 AS tiny",
            [.double(-.infinity), .double(.nan), .bytes([]), "", 1e-300])[0]
        #expect(try row.decode("inf") == -Double.infinity)
        #expect(try row.decode("nan", as: Double.self).isNaN)
        #expect(try row.decode("empty", as: [UInt8].self) == [])
        #expect(try row.decode("blank") == "")
        #expect(try row.decode("tiny") == 1e-300)
    }

    @Test func timestampsAreUTC() throws {
        let connection = try connectToTestDatabase()
        let row = try connection.query(
            "SELECT '2024-05-06 09:30:00.25+08'::timestamptz AS t, $1::timestamptz AS echoed",
            [.timestamp(PostgresTimestamp(microsecondsSinceEpoch: 1_700_000_000_123_456))])[0]
        #expect(row["t"] == "2024-05-06 01:30:00.25+00")
        #expect(try row.decode("t", as: PostgresTimestamp.self).microsecondsSinceEpoch == 1_714_959_000_250_000)
        #expect(try row.decode("echoed", as: PostgresTimestamp.self).microsecondsSinceEpoch == 1_700_000_000_123_456)
    }

    @Test func parametersAreNeverSQL() throws {
        let connection = try connectToTestDatabase()
        let table = TestEnvironment.uniqueName("injection")
        try connection.execute("CREATE TABLE \(table) (name text)")
        defer { _ = try? connection.execute("DROP TABLE IF EXISTS \(table)") }
        let hostile = "x'; DROP TABLE \(table); --"
        #expect(try connection.execute("INSERT INTO \(table) (name) VALUES ($1)", [.text(hostile)]) == 1)
        let rows = try connection.query("SELECT name FROM \(table) WHERE name = $1", [.text(hostile)])
        #expect(rows.count == 1)
        #expect(rows[0]["name"] == hostile)
        #expect(try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n") == 1)
    }

    @Test func executeCountsRowsAndRowsIterate() throws {
        let connection = try connectToTestDatabase()
        let table = TestEnvironment.uniqueName("counts")
        try connection.execute("CREATE TEMP TABLE \(table) (id int PRIMARY KEY, symbol text NOT NULL)")
        #expect(try connection.execute("INSERT INTO \(table) VALUES (1, 'AAPL'), (2, 'MSFT'), (3, '600519')") == 3)
        #expect(try connection.execute("UPDATE \(table) SET symbol = lower(symbol) WHERE id < $1", [3]) == 2)
        #expect(try connection.execute("CREATE INDEX ON \(table) (symbol)") == 0)
        let symbols = try connection.query("SELECT symbol FROM \(table) ORDER BY id").map { $0["symbol"] }
        #expect(symbols == ["aapl", "msft", "600519"])
    }

    @Test func decodeErrorsNameTheColumn() throws {
        let connection = try connectToTestDatabase()
        let row = try connection.query("SELECT 'abc' AS word, NULL::int AS nothing")[0]
        #expect(throws: PostgresError.decodeFailed(column: "word", expected: "Int", value: "abc")) {
            try row.decode("word", as: Int.self)
        }
        #expect(throws: PostgresError.decodeFailed(column: "nothing", expected: "Int", value: nil)) {
            try row.decode("nothing", as: Int.self)
        }
        #expect(throws: PostgresError.columnNotFound("nope")) {
            try row.decode("nope", as: String.self)
        }
    }

    @Test(arguments: [
        ("SELEC 1", "42601"),
        ("SELECT * FROM no_such_table_for_sure", "42P01"),
        ("SELECT 1/0", "22012"),
    ])
    func errorsCarrySQLState(_ sql: String, _ sqlState: String) throws {
        let connection = try connectToTestDatabase()
        do {
            _ = try connection.query(sql)
            Issue.record("expected \(sqlState)")
        } catch {
            guard case .queryFailed(let state, let message, _, let query) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(state == sqlState)
            #expect(!message.isEmpty)
            #expect(query == sql)
        }
        #expect(try connection.query("SELECT 1 AS one")[0]["one"] == "1", "the connection stays usable")
    }

    @Test func uniqueViolationHasDetail() throws {
        let connection = try connectToTestDatabase()
        let table = TestEnvironment.uniqueName("uniq")
        try connection.execute("CREATE TEMP TABLE \(table) (symbol text PRIMARY KEY)")
        try connection.execute("INSERT INTO \(table) VALUES ($1)", ["AAPL"])
        do {
            try connection.execute("INSERT INTO \(table) VALUES ($1)", ["AAPL"])
            Issue.record("expected a unique violation")
        } catch {
            guard case .queryFailed(let state, _, let detail, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(state == "23505")
            #expect(detail?.contains("AAPL") == true)
        }
    }

    @Test func scriptsRunSeveralStatements() throws {
        let connection = try connectToTestDatabase()
        let table = TestEnvironment.uniqueName("script")
        var notices: [String] = []
        connection.noticeHandler = { notices.append($0) }
        try connection.executeScript(
            """
            CREATE TEMP TABLE \(table) (id int);
            CREATE TEMP TABLE IF NOT EXISTS \(table) (id int);
            INSERT INTO \(table) VALUES (1), (2);
            """)
        #expect(try connection.query("SELECT count(*) AS n FROM \(table)")[0].decode("n") == 2)
        #expect(notices.contains { $0.contains("already exists") })
        #expect(throws: PostgresError.self) { try connection.executeScript("SELECT 1; SELEC 2") }
    }

    @Test func textWithNULIsRejectedNotTruncated() throws {
        let connection = try connectToTestDatabase()
        #expect {
            try connection.query("SELECT $1::text", ["a\u{0}b"])
        } throws: { error in
            if case .queryFailed("22021", _, _, _) = error as? PostgresError { return true }
            return false
        }
    }

    @Test func closedConnectionThrowsConnectionLost() throws {
        let connection = try connectToTestDatabase()
        #expect(connection.isConnected)
        connection.close()
        #expect(!connection.isConnected)
        #expect(throws: PostgresError.connectionLost(message: "the connection was closed")) {
            try connection.query("SELECT 1")
        }
    }
}
