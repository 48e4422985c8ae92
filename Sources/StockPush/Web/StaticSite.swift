import Digest
import Foundation
import HTTP1
import Server

/// The web pages (the live board at `/`, the admin dashboard at `/admin`) and the
/// JavaScript SDK, read once at startup and served from memory: no disk read on an
/// event loop, and one `ETag` per file, so a browser's revalidation costs a 304.
/// Everything is `Cache-Control: no-cache` (always revalidated), so a new deploy is
/// seen at the next load while unchanged files never travel twice.
public struct StaticSite: Sendable {
    struct File: Sendable, Equatable {
        let body: [UInt8]
        let contentType: String
        let etag: String
    }

    /// URL path → file.
    let files: [String: File]

    public static let empty = StaticSite(files: [:])

    /// Reads every file below `root` (served at `/`; `x/index.html` also answers `x/`
    /// and `x`), and each `mounts` entry (URL path → file path). Dot files are skipped.
    public static func load(root: String, mounts: [(path: String, file: String)] = []) throws(StaticSiteError) -> StaticSite {
        var files: [String: File] = [:]
        for relative in try listFiles(root) {
            let file = try read(root + "/" + relative)
            files["/" + relative] = file
            if relative == "index.html" || relative.hasSuffix("/index.html") {
                let folder = "/" + relative.dropLast("index.html".count)
                files[folder] = file
                if folder.count > 1 { files[String(folder.dropLast())] = file }
            }
        }
        for mount in mounts { files[mount.path] = try read(mount.file) }
        return StaticSite(files: files)
    }

    /// The 200 (or 304 when `ifNoneMatch` names the current version) for `path`; HTML
    /// pages carry `PageSecurity`'s fields (on the 304 too: it refreshes the cached ones),
    /// built for the request's `host`.
    func response(for path: String, ifNoneMatch: String?, host: String? = nil) -> HTTPResponse? {
        guard let file = files[path] else { return nil }
        var headers = HTTPHeaders([
            ("ETag", file.etag), ("Cache-Control", "no-cache"), ("X-Content-Type-Options", "nosniff"),
        ])
        if file.contentType.hasPrefix("text/html") { PageSecurity.addPageHeaders(to: &headers, host: host) }
        if let ifNoneMatch, Self.matches(ifNoneMatch, file.etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        headers.add(name: "Content-Type", value: file.contentType)
        return HTTPResponse(status: .ok, headers: headers, body: file.body)
    }

    /// GET (and so HEAD) routes for every file.
    func install(into routes: inout Routes) {
        for path in files.keys.sorted() {
            let site = self
            routes.add(.get, path) { request, _ in
                site.response(for: path, ifNoneMatch: request.headers["If-None-Match"], host: request.headers["Host"])
                    ?? .text(.notFound, "not found")
            }
        }
    }

    /// `If-None-Match: *`, or a list holding the tag (weak or strong: a GET compares weakly).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    static func contentType(of path: String) -> String {
        switch path.split(separator: ".").last.map({ $0.lowercased() }) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "ts", "txt", "md": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    private static func read(_ path: String) throws(StaticSiteError) -> File {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path) }
        let body = [UInt8](data)
        let etag = "\"" + String(SHA256.hexDigest(of: body).prefix(20)) + "\""
        return File(body: body, contentType: contentType(of: path), etag: etag)
    }

    /// Paths of the regular files below `root`, relative to it, without dot files.
    private static func listFiles(_ root: String) throws(StaticSiteError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            throw .missingRoot(root)
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw .missingRoot(root) }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            guard !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) else { continue }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(relative)
            }
        }
        return found.sorted()
    }
}

/// Why the web pages could not be loaded.
public enum StaticSiteError: Error, Equatable, CustomStringConvertible {
    case missingRoot(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .missingRoot(let path): "web folder \(path) does not exist"
        case .unreadable(let path): "cannot read \(path)"
        }
    }
}
