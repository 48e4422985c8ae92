import Reactor
import Synchronization

/// Asks every loop for something on its own thread and calls `completion` once with
/// all the answers (in loop order). No thread blocks while it waits.
enum ClusterQuery {
    static func gather<T: Sendable>(
        _ loops: [EventLoopHandle], _ job: @escaping @Sendable (EventLoop) -> T, completion: @escaping @Sendable ([T]) -> Void
    ) {
        guard !loops.isEmpty else { return completion([]) }  // no server yet: nothing to ask
        let state = Mutex<(answers: [T?], remaining: Int)>((Array(repeating: nil, count: loops.count), loops.count))
        for (index, handle) in loops.enumerated() {
            handle.execute { loop in
                let answer = job(loop)
                let done: [T]? = state.withLock { state in
                    state.answers[index] = answer
                    state.remaining -= 1
                    return state.remaining == 0 ? state.answers.map { $0! } : nil
                }
                if let done { completion(done) }
            }
        }
    }
}
