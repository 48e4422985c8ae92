/// The Lua of `NotificationStore`: each step that must not be seen half done is one
/// script (Redis runs a script alone), and each returns what the caller reports.
enum NotificationScripts {
    /// KEYS queue, history; ARGV body, cap, ttl ms, min id, history cap, history ttl ms.
    /// Exact MAXLEN: the cap is a promise. The queue takes the history's id; should it
    /// refuse it (a history deleted by hand), the queue's own id is used.
    static let enqueue = """
        redis.call('XTRIM', KEYS[1], 'MINID', ARGV[4])
        local id = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[5], '*', 'n', ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[6])
        local before = redis.call('XLEN', KEYS[1])
        local added = redis.pcall('XADD', KEYS[1], 'MAXLEN', ARGV[2], id, 'n', ARGV[1])
        if type(added) == 'table' and added.err then
            id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'n', ARGV[1])
        end
        local after = redis.call('XLEN', KEYS[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return {id, before + 1 - after}
        """

    /// KEYS queue, read marks, users; ARGV min id, start, count, user, now ms, seen cutoff ms.
    static let pending = """
        redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
        redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[6])
        local out = {}
        for i, e in ipairs(redis.call('XRANGE', KEYS[1], ARGV[2], '+', 'COUNT', ARGV[3])) do
            out[i] = {e[1], e[2][2], redis.call('SISMEMBER', KEYS[2], e[1])}
        end
        return out
        """

    /// KEYS queue; ARGV ids. All or nothing: the first id not queued is returned.
    static let ack = """
        for _, id in ipairs(ARGV) do
            if #redis.call('XRANGE', KEYS[1], id, id) == 0 then return {0, id} end
        end
        return {redis.call('XDEL', KEYS[1], unpack(ARGV)), ''}
        """

    /// KEYS history, read marks; ARGV start ('+' or '(id'), count. Newest first, each
    /// with its read mark, then how many of the whole history are unread and its length.
    static let history = """
        local out = {}
        for i, e in ipairs(redis.call('XREVRANGE', KEYS[1], ARGV[1], '-', 'COUNT', ARGV[2])) do
            out[i] = {e[1], e[2][2], redis.call('SISMEMBER', KEYS[2], e[1])}
        end
        local unread = 0
        for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
            if redis.call('SISMEMBER', KEYS[2], e[1]) == 0 then unread = unread + 1 end
        end
        return {out, unread, redis.call('XLEN', KEYS[1])}
        """

    /// KEYS history, read marks; ARGV id, ttl ms, history cap. -1: no such notification.
    /// Marks of entries the history no longer holds are pruned once they outnumber it.
    static let markRead = """
        if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return -1 end
        local added = redis.call('SADD', KEYS[2], ARGV[1])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        if redis.call('SCARD', KEYS[2]) > 2 * tonumber(ARGV[3]) then
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
                if #redis.call('XRANGE', KEYS[1], id, id) == 0 then redis.call('SREM', KEYS[2], id) end
            end
        end
        return added
        """
}
