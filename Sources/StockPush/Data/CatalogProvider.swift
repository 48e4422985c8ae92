import Market

/// Where the scheduler and the publisher read the current catalog: the PostgreSQL-backed
/// `CatalogService` in production, a fixed synthetic one in benchmark mode.
public protocol CatalogProvider: Sendable {
    var catalog: Catalog { get }
}

extension CatalogService: CatalogProvider {}

/// A catalog that never changes (`serve --bench S:Q --bench-redis`).
public struct FixedCatalog: CatalogProvider {
    public let catalog: Catalog

    public init(_ catalog: Catalog) {
        self.catalog = catalog
    }
}
