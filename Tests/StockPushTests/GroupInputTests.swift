import JSON
import Testing

@testable import StockPush

/// The group routes' request bodies: what is accepted, and the error code of each refusal.
@Suite struct GroupInputTests {
    private func code<T>(_ result: Result<T, AdminRoutes.GroupInputError>) -> String? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test func aNewGroupNeedsAGoodNameAndNothingElseUnknown() throws {
        let parsed = try AdminRoutes.parseNewGroup(Array(#"{"name":"desk-1","description":"Desk"}"#.utf8)).get()
        #expect(parsed.name == "desk-1" && parsed.description == "Desk")
        #expect(try AdminRoutes.parseNewGroup(Array(#"{"name":"a"}"#.utf8)).get().description == "")
        #expect(code(AdminRoutes.parseNewGroup(Array(#"{"name":"A"}"#.utf8))) == "invalid_group_name")
        #expect(code(AdminRoutes.parseNewGroup(Array(#"{"name":7}"#.utf8))) == "invalid_group_name")
        #expect(code(AdminRoutes.parseNewGroup(Array(#"{}"#.utf8))) == "invalid_group_name")
        #expect(code(AdminRoutes.parseNewGroup(Array(#"{"name":"a","x":1}"#.utf8))) == "invalid_field")
        let long = String(repeating: "d", count: 1001)
        #expect(code(AdminRoutes.parseNewGroup(Array(#"{"name":"a","description":"\#(long)"}"#.utf8))) == "invalid_description")
        #expect(code(AdminRoutes.parseNewGroup(Array("[]".utf8))) == "invalid_json")
        #expect(code(AdminRoutes.parseNewGroup([])) == "invalid_json")
    }

    @Test func usersAreOneToAThousandValidIdsCountedOnce() throws {
        #expect(try AdminRoutes.parseUsers(Array(#"{"users":["b","a","b"]}"#.utf8)).get() == ["b", "a"])
        #expect(code(AdminRoutes.parseUsers(Array(#"{"users":[]}"#.utf8))) == "invalid_users")
        #expect(code(AdminRoutes.parseUsers(Array(#"{"users":"a"}"#.utf8))) == "invalid_users")
        #expect(code(AdminRoutes.parseUsers(Array(#"{"users":["a"],"more":1}"#.utf8))) == "invalid_users")
        #expect(code(AdminRoutes.parseUsers(Array(#"{"users":["a",1]}"#.utf8))) == "invalid_user")
        #expect(code(AdminRoutes.parseUsers(Array(#"{"users":["a\u0001"]}"#.utf8))) == "invalid_user")
        let many = "[" + (0...1000).map { "\"u\($0)\"" }.joined(separator: ",") + "]"
        #expect(code(AdminRoutes.parseUsers(Array(#"{"users":\#(many)}"#.utf8))) == "invalid_users")
    }

    @Test func theArrayLiteralEscapesQuotesAndBackslashes() {
        #expect(GroupRepository.textArray([]) == "{}")
        #expect(GroupRepository.textArray(["a", #"b"c\d"#, "{x,y}"]) == #"{"a","b\"c\\d","{x,y}"}"#)
    }
}
