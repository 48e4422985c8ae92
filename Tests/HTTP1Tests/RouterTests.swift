import Testing

@testable import HTTP1

@Suite struct RouterTests {
    private func router() -> Router<String> {
        var router = Router<String>()
        router.add(.get, "/", "root")
        router.add(.get, "/api/stocks", "list")
        router.add(.post, "/api/stocks", "create")
        router.add(.get, "/api/stocks/{symbol}", "stock")
        router.add(.get, "/api/stocks/top", "top")
        router.add(.delete, "/api/websocket/clients/{client_id}", "kick")
        router.add(.get, "/api/{a}/x/{b}", "two")
        return router
    }

    private func found(_ match: RouteMatch<String>) -> (String, [String: String])? {
        if case .found(let handler, let parameters) = match { return (handler, parameters) }
        return nil
    }

    @Test func matchesLiteralRoutes() {
        #expect(found(router().match(method: .get, path: "/"))?.0 == "root")
        #expect(found(router().match(method: .get, path: "/api/stocks"))?.0 == "list")
        #expect(found(router().match(method: .post, path: "/api/stocks"))?.0 == "create")
    }

    @Test func extractsParameters() {
        let kick = found(router().match(method: .delete, path: "/api/websocket/clients/c-42"))
        #expect(kick?.0 == "kick")
        #expect(kick?.1 == ["client_id": "c-42"])
        let two = found(router().match(method: .get, path: "/api/p/x/q"))
        #expect(two?.1 == ["a": "p", "b": "q"])
    }

    @Test func literalSegmentsWinOverParameters() {
        #expect(found(router().match(method: .get, path: "/api/stocks/top"))?.0 == "top")
        #expect(found(router().match(method: .get, path: "/api/stocks/AAPL"))?.1 == ["symbol": "AAPL"])
    }

    @Test func fallsBackToParameterWhenLiteralBranchDoesNotMatch() {
        // "stocks" is a literal at depth 2, but "/api/stocks/x/y" only fits "/api/{a}/x/{b}".
        #expect(found(router().match(method: .get, path: "/api/stocks/x/y"))?.1 == ["a": "stocks", "b": "y"])
    }

    @Test func anExactPathWithoutTheMethodStillReachesAParameterRoute() {
        var router = Router<String>()
        router.add(.get, "/items/{id}", "item")
        router.add(.post, "/items/new", "create")
        #expect(found(router.match(method: .post, path: "/items/new"))?.0 == "create")
        #expect(found(router.match(method: .get, path: "/items/new"))?.1 == ["id": "new"])
        #expect(found(router.match(method: .head, path: "/items/new"))?.0 == "item")
        router.add(.post, "/items/new", "replaced")
        #expect(found(router.match(method: .post, path: "/items/new"))?.0 == "replaced")
        #expect(found(router.match(method: .get, path: "/items/new/")) == nil)
    }

    @Test func unknownPathsAreNotFound() {
        for path in ["/nope", "/api/stocks/AAPL/extra", "/api/stocks/", "/api/websocket/clients/", "", "*"] {
            guard case .notFound = router().match(method: .get, path: path) else {
                Issue.record("expected 404 for \(path)")
                continue
            }
        }
    }

    @Test func wrongMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allowed) = router().match(method: .delete, path: "/api/stocks") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == [.get, .post, .head])
        guard case .methodNotAllowed(let kickAllowed) = router().match(method: .get, path: "/api/websocket/clients/1") else {
            Issue.record("expected 405")
            return
        }
        #expect(kickAllowed == [.delete])
    }

    @Test func headUsesGetRoutes() {
        #expect(found(router().match(method: .head, path: "/api/stocks/MSFT"))?.0 == "stock")
        var router = self.router()
        router.add(.head, "/api/stocks", "head-list")
        #expect(found(router.match(method: .head, path: "/api/stocks"))?.0 == "head-list")
    }

    @Test func laterRegistrationReplaces() {
        var router = self.router()
        router.add(.get, "/", "new-root")
        #expect(found(router.match(method: .get, path: "/"))?.0 == "new-root")
    }
}
