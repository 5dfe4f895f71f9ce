import Dispatch
import Foundation
import LLMPPLLM

/// Ctrl-C, SIGTERM and SIGHUP during a headless run: the first pauses the run after its unit
/// in flight (saved, resumable, the LLM server stopped) and says so; a second ends the
/// process at once. The default action ended the process mid-unit and left the run listed
/// as running, with no word on how to go on.
final class Interruption: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM, SIGHUP]
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var count = 0

    /// Starts listening; `first` runs on the first signal.
    init(first: @escaping @Sendable () -> Void) {
        for s in Self.signals {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler { [weak self] in self?.heard(s, first: first) }
            source.resume()
            sources.append(source)
        }
    }

    var interrupted: Bool { lock.withLock { count > 0 } }

    private func heard(_ sig: Int32, first: @Sendable () -> Void) {
        let n = lock.withLock {
            count += 1
            return count
        }
        if n == 1 {
            StandardError.line(
                "interrupted: saving the run after the unit in flight and stopping the LLM server (again quits at once)"
            )
            first()
        } else {
            // The children in groups of their own (an evaluator, the local server) first: the
            // terminal's Ctrl-C does not reach them. Then the signal's default action for the
            // whole process: raise() sent it to this dispatch thread, which blocks it, and a
            // run waiting on its evaluator went on until the evaluator's timeout.
            ChildProcess.killRunningGroups()
            signal(sig, SIG_DFL)
            kill(getpid(), sig)
        }
    }

    /// Stops listening and restores the default actions.
    func cancel() {
        for s in sources { s.cancel() }
        for s in Self.signals { signal(s, SIG_DFL) }
    }
}
