import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One process per run: an exclusive `flock` on `<data dir>/locks/<run>.lock`, held while any
/// engine of this process has the run open and released by the kernel when the process dies
/// (kill -9 included), so a second `--resume` of a running run is refused instead of paying
/// every call twice. Engines of one process share the lock (a resumed engine may be created
/// before the dropped one is gone).
public final class RunLock: Sendable {
    let key: String
    private static let held = Mutex<[String: (fd: Int32, count: Int)]>([:])

    init(runID: String, dataDirectory: String) throws {
        let dir = (dataDirectory as NSString).appendingPathComponent("locks")
        let path = (dir as NSString).appendingPathComponent("\(runID).lock")
        key = path
        try Self.held.withLock { held in
            if let h = held[path] {
                held[path] = (h.fd, h.count + 1)
                return
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw EngineError.lockUnavailable(path: path, reason: String(cString: strerror(errno)))
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let holder =
                    (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(
                        in: .whitespacesAndNewlines) ?? ""
                close(fd)
                throw EngineError.runInUse(id: runID, holder: holder.isEmpty ? nil : holder)
            }
            ftruncate(fd, 0)
            let pid = "\(getpid())\n"
            _ = pid.withCString { write(fd, $0, strlen($0)) }
            held[path] = (fd, 1)
        }
    }

    /// Whether a live process holds run `runID` now: a run saved as running whose process died
    /// (kill -9, a closed terminal) holds no lock, and `runs` says it stopped.
    public static func isHeld(runID: String, dataDirectory: String) -> Bool {
        let path = ((dataDirectory as NSString).appendingPathComponent("locks") as NSString)
            .appendingPathComponent("\(runID).lock")
        if held.withLock({ $0[path] != nil }) { return true }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(fd, LOCK_UN)
        return false
    }

    deinit {
        Self.held.withLock { held in
            guard let h = held[key] else { return }
            if h.count > 1 {
                held[key] = (h.fd, h.count - 1)
                return
            }
            flock(h.fd, LOCK_UN)
            close(h.fd)
            held[key] = nil
        }
    }
}
