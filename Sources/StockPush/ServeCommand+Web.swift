import Telemetry

extension ServeCommand {
    static let webOptions: [OptionSpec] = [
        OptionSpec(
            "--web-root", env: "WEB_ROOT", default: "web",
            help: "folder of the web pages: the live board at /, the admin dashboard at /admin"),
        OptionSpec("--sdk-dir", env: "SDK_DIR", default: "clients/js", help: "folder of the JavaScript SDK, served at /sdk/"),
    ]

    /// The pages and the SDK, read once. Without them the server still pushes prices,
    /// so a missing folder is a warning, not a failed start.
    static func loadSite(_ options: Options, logger: Logger) -> StaticSite {
        let root = options.string("--web-root") ?? "web"
        let sdk = options.string("--sdk-dir") ?? "clients/js"
        do {
            let site = try StaticSite.load(
                root: root,
                mounts: [("/sdk/stockpush.js", sdk + "/stockpush.js"), ("/sdk/stockpush.d.ts", sdk + "/stockpush.d.ts")])
            logger.info("web pages from \(root) and the SDK from \(sdk): \(site.files.count) paths")
            return site
        } catch {
            logger.warning("no web pages served (\(error)); set WEB_ROOT and SDK_DIR to the repository's web and clients/js")
            return .empty
        }
    }
}
