import Foundation
import HTTP1
import Testing

@testable import StockPush

/// The pages are read once and answered from memory: paths, index pages, types, and
/// revalidation with ETags.
@Suite struct StaticSiteTests {
    /// A web folder with a page, a nested index, a script and a dot file.
    func site() throws -> (StaticSite, String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/admin", withIntermediateDirectories: true)
        try Data("<html>board</html>".utf8).write(to: URL(fileURLWithPath: root + "/index.html"))
        try Data("<html>admin</html>".utf8).write(to: URL(fileURLWithPath: root + "/admin/index.html"))
        try Data("export const x = 1;".utf8).write(to: URL(fileURLWithPath: root + "/admin/admin.js"))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: root + "/.env"))
        let sdk = root + "/sdk.js"
        try Data("export class StockPushClient {}".utf8).write(to: URL(fileURLWithPath: sdk))
        return (try StaticSite.load(root: root, mounts: [("/sdk/stockpush.js", sdk)]), root)
    }

    @Test func servesEveryFileWithItsTypeAndIndexPagesAtTheirFolders() throws {
        let (site, root) = try site()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(
            Set(site.files.keys) == [
                "/", "/index.html", "/admin", "/admin/", "/admin/index.html", "/admin/admin.js", "/sdk.js",
                "/sdk/stockpush.js",
            ])
        let page = try #require(site.response(for: "/admin", ifNoneMatch: nil))
        #expect(page.status == .ok && page.body == Array("<html>admin</html>".utf8))
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(page.headers["Cache-Control"] == "no-cache")
        #expect(
            site.response(for: "/admin/admin.js", ifNoneMatch: nil)?.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(site.response(for: "/.env", ifNoneMatch: nil) == nil, "dot files are never served")
        #expect(site.response(for: "/missing", ifNoneMatch: nil) == nil)
    }

    @Test func aMatchingETagIsA304WithoutABodyAndAChangedFileGetsANewTag() throws {
        let (site, root) = try site()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try #require(site.response(for: "/", ifNoneMatch: nil))
        let etag = try #require(first.headers["ETag"])
        for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let again = try #require(site.response(for: "/", ifNoneMatch: header))
            #expect(again.status == .notModified && again.body.isEmpty && again.headers["ETag"] == etag, "\(header)")
        }
        #expect(site.response(for: "/", ifNoneMatch: "\"other\"")?.status == .ok)
        try Data("<html>new board</html>".utf8).write(to: URL(fileURLWithPath: root + "/index.html"))
        let reloaded = try StaticSite.load(root: root)
        #expect(reloaded.response(for: "/", ifNoneMatch: etag)?.status == .ok)
    }

    @Test func pagesCarryTheSecurityHeadersAndScriptsDoNot() throws {
        let (site, root) = try site()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for path in ["/", "/admin"] {
            let page = try #require(site.response(for: path, ifNoneMatch: nil, host: "localhost:8000"))
            let policy = try #require(page.headers["Content-Security-Policy"], "\(path)")
            #expect(policy.contains("connect-src 'self' ws://localhost:8000 wss://localhost:8000"))
            #expect(page.headers["Referrer-Policy"] == "no-referrer" && page.headers["X-Content-Type-Options"] == "nosniff")
            let etag = try #require(page.headers["ETag"])
            let revalidated = try #require(site.response(for: path, ifNoneMatch: etag, host: "localhost:8000"))
            #expect(revalidated.status == .notModified && revalidated.headers["Content-Security-Policy"] == policy)
        }
        let script = try #require(site.response(for: "/admin/admin.js", ifNoneMatch: nil, host: "localhost:8000"))
        #expect(script.headers["Content-Security-Policy"] == nil && script.headers["X-Content-Type-Options"] == "nosniff")
    }

    @Test func aMissingFolderOrFileIsATypedError() throws {
        #expect(throws: StaticSiteError.missingRoot("/no/such/web")) { try StaticSite.load(root: "/no/such/web") }
        let (_, root) = try site()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: StaticSiteError.unreadable("/no/such/sdk.js")) {
            try StaticSite.load(root: root, mounts: [("/sdk/stockpush.js", "/no/such/sdk.js")])
        }
    }
}
