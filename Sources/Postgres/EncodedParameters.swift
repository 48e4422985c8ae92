import CLibPQ

/// The C arrays PQexecParams reads, owned in one place and freed when the call is done.
struct EncodedParameters: ~Copyable {
    let count: Int32
    let values: UnsafeMutablePointer<UnsafePointer<CChar>?>
    let lengths: UnsafeMutablePointer<Int32>
    let formats: UnsafeMutablePointer<Int32>
    let types: UnsafeMutablePointer<Oid>
    private let owned: [UnsafeMutablePointer<CChar>]

    /// Text parameters are NUL-terminated C strings, so an embedded NUL would silently cut the value:
    /// reject it (PostgreSQL would refuse it too, as SQLSTATE 22021).
    init(_ parameters: [PostgresValue], query: String) throws(PostgresError) {
        let encoded = parameters.map(\.wire)
        for (position, item) in encoded.enumerated() where item.format == 0 && item.bytes?.contains(0) == true {
            throw .queryFailed(
                sqlState: "22021", message: "text parameter $\(position + 1) contains a NUL byte", detail: nil,
                query: query)
        }
        let capacity = max(encoded.count, 1)
        count = Int32(encoded.count)
        values = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        formats = .allocate(capacity: capacity)
        types = .allocate(capacity: capacity)
        var owned: [UnsafeMutablePointer<CChar>] = []
        for (index, item) in encoded.enumerated() {
            lengths[index] = Int32(item.bytes?.count ?? 0)
            formats[index] = item.format
            types[index] = item.type
            guard let bytes = item.bytes else {
                values[index] = nil
                continue
            }
            let storage = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress {
                    UnsafeMutableRawPointer(storage).copyMemory(from: base, byteCount: bytes.count)
                }
            }
            storage[bytes.count] = 0
            owned.append(storage)
            values[index] = UnsafePointer(storage)
        }
        self.owned = owned
    }

    deinit {
        owned.forEach { $0.deallocate() }
        values.deallocate()
        lengths.deallocate()
        formats.deallocate()
        types.deallocate()
    }
}
