extension RedisURL {
    /// The same credentials and database on another server: the primary a sentinel named.
    public func at(host: String, port: Int) -> RedisURL {
        RedisURL(host: host, port: port, password: password, username: username, database: database)
    }

    /// A server with no credentials and database 0 (a sentinel).
    public static func plain(host: String, port: Int) -> RedisURL {
        RedisURL(host: host, port: port, password: nil, username: nil, database: 0)
    }

    /// `host:port`, with an IPv6 host in brackets.
    public var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    init(host: String, port: Int, password: String?, username: String?, database: Int) {
        self.host = host
        self.port = port
        self.password = password
        self.username = username
        self.database = database
    }
}
