import Digest

/// One numbered SQL file of `migrations/`, e.g. `0002_seed_catalog.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file: an applied migration must never change.
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        checksum = SHA256.hexDigest(of: Array(sql.utf8))
    }

    /// Parses `NNNN_name.sql`; nil for files that are not migrations.
    public static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else { return nil }
        let name = String(stem[stem.index(after: underscore)...])
        guard !name.isEmpty else { return nil }
        return (version, name)
    }
}

/// A migration recorded in `schema_migrations`.
public struct AppliedMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let checksum: String

    public init(version: Int, name: String, checksum: String) {
        self.version = version
        self.name = name
        self.checksum = checksum
    }
}

public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    case edited(version: Int, name: String)
    case missing(version: Int, name: String)
    case duplicateVersion(Int)
    case unreadable(String)
    /// The migrations folder is not there (typically: run outside the project folder).
    case folderNotFound(absolutePath: String)
    case failed(version: Int, name: String, reason: String)

    public var description: String {
        switch self {
        case .edited(let version, let name):
            "migration \(version)_\(name) was edited after it was applied (checksum differs); refusing to run. Restore the file, or add a new migration instead."
        case .missing(let version, let name):
            "migration \(version)_\(name) is recorded as applied but its file is missing; refusing to run."
        case .duplicateVersion(let version):
            "two migration files share version \(version)"
        case .unreadable(let reason):
            "cannot read migrations: \(reason)"
        case .folderNotFound(let path):
            "no migrations folder at '\(path)': run from the project folder, or name the folder with --migrations-dir (or MIGRATIONS_DIR)"
        case .failed(let version, let name, let reason):
            "migration \(version)_\(name) failed and was rolled back: \(reason)"
        }
    }
}

/// Decides what to apply: every file newer than what is recorded, in order, after
/// checking that nothing applied was edited or removed.
public enum MigrationPlan {
    public static func pending(files: [Migration], applied: [AppliedMigration]) throws(MigrationError) -> [Migration] {
        var byVersion: [Int: Migration] = [:]
        for file in files {
            if byVersion[file.version] != nil { throw .duplicateVersion(file.version) }
            byVersion[file.version] = file
        }
        for record in applied {
            guard let file = byVersion[record.version] else { throw .missing(version: record.version, name: record.name) }
            if file.checksum != record.checksum { throw .edited(version: record.version, name: record.name) }
        }
        let done = Set(applied.map(\.version))
        return files.filter { !done.contains($0.version) }.sorted { $0.version < $1.version }
    }
}
