import Postgres
import Testing

@Suite struct PostgresURLTests {
    @Test(arguments: [
        "postgres://stockpush@127.0.0.1:5432/stockpush",
        "postgresql://user:pw@db.example.com/app?sslmode=disable",
        "host=127.0.0.1 port=5432 dbname=stockpush user=stockpush",
    ])
    func acceptsURIsAndKeyValueStrings(_ string: String) throws {
        _ = try PostgresURL(string)
    }

    @Test(arguments: [
        "", "   ", "not a url", "mysql://root@localhost/db", "postgres://host/db?nosuchoption=1", "host='unterminated",
    ])
    func rejectsMalformedStrings(_ string: String) {
        #expect {
            try PostgresURL(string)
        } throws: { error in
            guard case .invalidURL(let reason) = error as? PostgresError else { return false }
            return !reason.isEmpty
        }
    }

    @Test func invalidURLNamesTheProblem() {
        #expect(throws: PostgresError.invalidURL("unsupported scheme \"mysql\"; expected postgres:// or postgresql://")) {
            try PostgresURL("mysql://root@localhost/db")
        }
        do {
            _ = try PostgresURL("postgres://host/db?nosuchoption=1")
            Issue.record("expected invalidURL")
        } catch {
            #expect(error.description.contains("nosuchoption"))
        }
    }

    @Test func redactsPasswords() throws {
        #expect(try PostgresURL("postgres://app:s3cret@db:5432/stock").redacted == "postgres://app:***@db:5432/stock")
        #expect(
            try PostgresURL("postgresql://app@db/stock?password=s3cret&sslmode=disable").redacted
                == "postgresql://app@db/stock?password=***&sslmode=disable")
        #expect(try PostgresURL("postgres://app@db/stock").redacted == "postgres://app@db/stock")
        #expect(try PostgresURL("host=db password='s3 cret' user=app").redacted == "host=db password=*** user=app")
        #expect(try PostgresURL("  password = s3cret host=db").redacted == "  password = *** host=db")
        #expect(try PostgresURL("postgres://app:s3cret@db/stock").description.contains("s3cret") == false)
    }
}
