import Glibc

/// What `stockpush bench --churn` was asked to do: the wave schedule and the bearer
/// tokens the clients present (none, minted for `--users`, or read from `--tokens-file`).
public struct ChurnConfiguration: Sendable, Equatable {
    public var schedule: ChurnSchedule
    /// Tokens the clients present in turn (client `i` uses `tokens[i % count]`); empty: none.
    public var tokens: [String]
    /// Users the tokens stand for (minted or read), 0 without tokens.
    public var users: Int { tokens.count }

    public init(schedule: ChurnSchedule, tokens: [String] = []) {
        self.schedule = schedule
        self.tokens = tokens
    }

    /// nil unless `--churn` is on. `duration` is the run's `--duration`; `now` (epoch
    /// seconds) dates minted tokens; `readFile` returns a file's text (nil: unreadable).
    public init?(
        value: (String) -> String?, durationSeconds: Double, now: Int64, readFile: (String) -> String? = Self.readFile
    ) throws(BenchConfiguration.Error) {
        switch value("--churn")?.lowercased() {
        case nil, "0", "false", "no", "off": return nil
        case "1", "true", "yes", "on": break
        case let other?: throw .invalid(option: "--churn", value: other, expected: "true or false")
        }
        func number(_ flag: String, _ fallback: Double) throws(BenchConfiguration.Error) -> Double {
            guard let text = value(flag) else { return fallback }
            guard let parsed = Double(text), parsed.isFinite, parsed > 0 else {
                throw .invalid(option: flag, value: text, expected: "a number above 0")
            }
            return parsed
        }
        let waveSizeText = value("--wave-size") ?? "100"
        guard let waveSize = Int(waveSizeText), (1...1_000_000).contains(waveSize) else {
            throw .invalid(option: "--wave-size", value: waveSizeText, expected: "an integer in 1...1000000")
        }
        schedule = ChurnSchedule(
            waveSize: waveSize, intervalSeconds: try number("--wave-interval", 1), holdSeconds: try number("--hold", 2),
            durationSeconds: durationSeconds)
        tokens = []
        let secret = value("--jwt-secret")
        if let usersText = value("--users") {
            guard let users = Int(usersText), (1...10_000_000).contains(users) else {
                throw .invalid(option: "--users", value: usersText, expected: "an integer in 1...10000000")
            }
            guard let secret, !secret.isEmpty else {
                throw .invalid(option: "--users", value: usersText, expected: "a --jwt-secret to sign their tokens with")
            }
            guard value("--tokens-file") == nil else {
                throw .invalid(option: "--tokens-file", value: value("--tokens-file")!, expected: "no file with --users")
            }
            // Valid for the whole run and an hour more: expiry is not what a churn run tests.
            let expiresAt = now + Int64(schedule.totalSeconds.rounded(.up)) + 3600
            tokens = TokenMinter(secret: secret).tokens(users: users, expiresAt: expiresAt)
        } else if let path = value("--tokens-file") {
            guard let text = readFile(path) else {
                throw .invalid(option: "--tokens-file", value: path, expected: "a readable file of tokens, one a line")
            }
            tokens = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map { String($0) }.filter { !$0.isEmpty }
            guard !tokens.isEmpty else {
                throw .invalid(option: "--tokens-file", value: path, expected: "at least one token")
            }
        } else if let secret {
            throw .invalid(option: "--jwt-secret", value: String(repeating: "*", count: secret.count), expected: "--users N")
        }
    }

    /// The bearer token of client `index` (nil: none).
    public func token(for index: Int) -> String? {
        tokens.isEmpty ? nil : tokens[index % tokens.count]
    }

    /// A whole (small) file as text; nil when it cannot be read.
    public static func readFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return ferror(file) != 0 ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
