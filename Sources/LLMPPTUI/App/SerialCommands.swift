import Foundation

/// The UI's commands to one engine, delivered one at a time in the order the keys were
/// pressed. Each command used to be its own `Task`: tasks started together reach the actor in
/// no guaranteed order, so `<<<<<<<<<>>>` (clamp at 0, then +3) or Space then `n` could act
/// out of order when keys arrived faster than the actor.
final class SerialCommands: Sendable {
    typealias Operation = @Sendable () async -> Void
    private let continuation: AsyncStream<Operation>.Continuation

    /// Starts the one task that runs the commands; it ends when the stream is closed and drained.
    init() {
        let (stream, continuation) = AsyncStream.makeStream(of: Operation.self)
        self.continuation = continuation
        Task {
            for await operation in stream { await operation() }
        }
    }

    /// Queues `operation` after every one sent before it.
    func send(_ operation: @escaping Operation) { continuation.yield(operation) }

    /// Runs `operation` after every queued one and waits for it.
    func sendAndWait(_ operation: @escaping Operation) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            send {
                await operation()
                done.resume()
            }
        }
    }

    /// Accepts nothing more; the queued commands still run.
    func close() { continuation.finish() }
}
