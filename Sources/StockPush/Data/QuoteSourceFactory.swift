import Foundation
import Market
import Telemetry

/// Builds the configured quote source (on the scheduler thread).
enum QuoteSourceFactory {
    static func make(_ configuration: DataConfiguration, logger: Logger) throws -> any QuoteSource {
        switch configuration.source {
        case .simulated:
            return SimulatedSource(seed: configuration.simulationSeed)
        case .http:
            let fetcher = try HTTPFetcher(url: configuration.httpURL ?? "", timeout: configuration.httpTimeout)
            return HTTPQuoteSource(path: configuration.httpPath, mapping: configuration.httpFields, fetch: fetcher.get) {
                logger.warning("http source: \($0)")
            }
        case .file:
            let path = configuration.filePath ?? ""
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw QuoteSourceError.unreachable("cannot read quote file \(path)")
            }
            return try FileQuoteSource(csv: text, speed: configuration.fileSpeed, loops: true) {
                logger.warning("file source \(path): \($0)")
            }
        }
    }
}
