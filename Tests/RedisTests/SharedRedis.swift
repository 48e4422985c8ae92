import Redis
import TestSupport

/// The shared test server from `REDIS_URL`. The project's test command always sets
/// it, so a missing variable is a failure with instructions, never a silent skip.
func sharedRedisURL() throws -> RedisURL {
    try RedisURL(try TestEnvironment.redisURL)
}

/// A key prefix unique to one test run, so tests can share a server in parallel.
func uniquePrefix(_ name: String) -> String {
    "test:\(name):\(UInt64.random(in: 0...UInt64.max)):"
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

extension PrivateRedisServer {
    /// The server's URL, parsed.
    func redisURL(password: String? = nil) throws -> RedisURL {
        try RedisURL(url(password: password))
    }
}
