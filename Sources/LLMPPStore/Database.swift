import CSQLite
import Foundation
import Synchronization

/// A thin, owned SQLite connection: WAL journal, busy timeout, prepared statements,
/// transactions. Not thread-safe by itself; owners serialise access (the stores are actors).
public final class Database {
    private var handle: OpaquePointer?
    public let path: String

    public struct Error: Swift.Error, CustomStringConvertible {
        public let code: Int32
        public let message: String
        /// The database file: an error that names no file leaves the user guessing which.
        public var path: String? = nil
        public var description: String {
            "SQLite error \(code)\(path.map { " in \($0)" } ?? ""): \(message)\(hint)"
        }

        /// What the code most often means here.
        var hint: String {
            switch code & 0xff {
            // SQLITE_IOERR (10) and SQLITE_FULL (13): most often space or a file-size limit.
            case 10, 13: return " (is the disk full, or a file-size limit reached?)"
            // SQLITE_BUSY (5), SQLITE_LOCKED (6): another process holds a write transaction.
            case 5, 6: return " (another process is writing to it: wait for it to finish, or stop it)"
            // SQLITE_READONLY (8): the file, or the folder its journal is written in.
            case 8:
                return
                    " (llmpp writes the file and, beside it, its journal: check the file's and its folder's permissions)"
            default: return ""
            }
        }

        /// Disk full or I/O failure: the caller should stop and keep what is already stored.
        public var isStorageFailure: Bool {
            [SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN].contains(code & 0xff)
        }
    }

    /// `create: false` (read-only commands) refuses a missing file instead of creating it
    /// and its folder wherever a mistyped --data-dir points.
    public init(path: String, create: Bool = true) throws {
        self.path = path
        if path != ":memory:" {
            if !create && !FileManager.default.fileExists(atPath: path) { throw MissingDatabase(path: path) }
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(
            path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw Error(code: rc, message: msg, path: path)
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        try quickCheck()
        // A store that will write checks now that it can: with another process holding a
        // write transaction, predict asked (and paid) the LLM for every answer, then could
        // store none of them.
        if create {
            try execute("BEGIN IMMEDIATE")
            try execute("COMMIT")
        }
    }

    /// Databases up to this size get `PRAGMA quick_check` when this process first opens
    /// them: a corrupted page is reported at once, naming the file, not as a decoding error
    /// in a checkpoint much later. It reads every page, so larger files skip it.
    public static let quickCheckMaxBytes: Int64 = 64 << 20
    private static let checked = Mutex<Set<String>>([])

    /// Once per version of the file: the run store and the transcript store open the same
    /// database together, and the check need not run twice.
    private func quickCheck() throws {
        guard path != ":memory:", let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            return
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let version = "\(path)|\(size)|\((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        guard size <= Self.quickCheckMaxBytes, !Self.checked.withLock({ $0.contains(version) }) else { return }
        let problems = try query("PRAGMA quick_check(5)").compactMap { $0.first?.text }.filter { $0 != "ok" }
        guard problems.isEmpty else {
            throw Error(
                code: SQLITE_CORRUPT,
                message: "the database is corrupted (quick_check: \(problems.joined(separator: "; "))): "
                    + "restore a backup, or move the file aside to start afresh (its runs and transcripts are lost)",
                path: path)
        }
        Self.checked.withLock { _ = $0.insert(version) }
    }

    deinit { sqlite3_close_v2(handle) }

    private func error(_ rc: Int32) -> Error {
        Error(code: rc, message: String(cString: sqlite3_errmsg(handle)), path: path)
    }

    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? "?"
            sqlite3_free(err)
            throw Error(code: rc, message: msg, path: path)
        }
    }

    public enum Value: Equatable, Sendable {
        case null
        case int(Int64)
        case double(Double)
        case text(String)
        case blob(Data)
    }

    /// Runs a statement with bound parameters; returns its rows.
    @discardableResult
    public func query(_ sql: String, _ params: [Value] = []) throws -> [[Value]] {
        var stmt: OpaquePointer?
        var rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK else { throw error(rc) }
        defer { sqlite3_finalize(stmt) }
        for (i, p) in params.enumerated() {
            let idx = Int32(i + 1)
            switch p {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case .int(let v): rc = sqlite3_bind_int64(stmt, idx, v)
            case .double(let v): rc = sqlite3_bind_double(stmt, idx, v)
            // With its byte length: -1 meant "up to the first NUL", and a server's answer holding
            // one was stored cut there.
            case .text(let v):
                let bytes = v.utf8CString  // the bytes, interior NULs kept, and a final NUL
                rc = bytes.withUnsafeBufferPointer {
                    sqlite3_bind_text(stmt, idx, $0.baseAddress, Int32(bytes.count - 1), llmpp_sqlite_transient())
                }
            case .blob(let v):
                rc = v.withUnsafeBytes {
                    sqlite3_bind_blob(stmt, idx, $0.baseAddress, Int32($0.count), llmpp_sqlite_transient())
                }
            }
            guard rc == SQLITE_OK else { throw error(rc) }
        }
        var rows: [[Value]] = []
        while true {
            rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(rc) }
            let n = sqlite3_column_count(stmt)
            rows.append(
                (0..<n).map { c in
                    switch sqlite3_column_type(stmt, c) {
                    case SQLITE_INTEGER: return .int(sqlite3_column_int64(stmt, c))
                    case SQLITE_FLOAT: return .double(sqlite3_column_double(stmt, c))
                    case SQLITE_TEXT:
                        let n = Int(sqlite3_column_bytes(stmt, c))
                        guard n > 0, let p = sqlite3_column_text(stmt, c) else { return .text("") }
                        return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
                    case SQLITE_BLOB:
                        let n = Int(sqlite3_column_bytes(stmt, c))
                        return .blob(n == 0 ? Data() : Data(bytes: sqlite3_column_blob(stmt, c), count: n))
                    default: return .null
                    }
                })
        }
        return rows
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let r = try body()
            try execute("COMMIT")
            return r
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A read-only command pointed at a data directory where nothing was ever recorded.
public struct MissingDatabase: Swift.Error, CustomStringConvertible {
    public let path: String
    public var description: String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return
            "no database at \(path)\(absolute == path ? "" : " (\(absolute))"): nothing has been recorded in this data directory; check --data-dir"
    }
}

extension Database.Value {
    public var int: Int64? {
        if case .int(let v) = self { return v }
        return nil
    }
    public var double: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public var text: String? {
        if case .text(let v) = self { return v }
        return nil
    }
    public var blob: Data? {
        if case .blob(let v) = self { return v }
        return nil
    }
    public init(_ s: String?) { self = s.map { .text($0) } ?? .null }
    public init(_ d: Double?) { self = d.map { $0.isFinite ? .double($0) : .null } ?? .null }
    public init(_ i: Int?) { self = i.map { .int(Int64($0)) } ?? .null }
}
