import Foundation

/// Runs of the engine in the same SQLite database as the transcripts: configuration, the
/// latest state, each generation's population, labels, expensive evaluations and blobs
/// (the student's weights). Written after every completed unit, so `kill -9` loses at most
/// the unit in flight.
public actor RunStore {
    let db: Database

    /// `create: false`: for commands that only read; a missing database is an error.
    public init(path: String, create: Bool = true) throws {
        db = try Database(path: path, create: create)
        try db.execute(
            """
            CREATE TABLE IF NOT EXISTS runs (
                id TEXT PRIMARY KEY, kind TEXT NOT NULL, space TEXT NOT NULL, config TEXT NOT NULL,
                state TEXT NOT NULL, status TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS generations (
                run TEXT NOT NULL, idx INTEGER NOT NULL, population TEXT NOT NULL, PRIMARY KEY (run, idx));
            CREATE TABLE IF NOT EXISTS labels (
                run TEXT NOT NULL, arch_id TEXT NOT NULL, value REAL, call_ids TEXT NOT NULL, PRIMARY KEY (run, arch_id));
            CREATE TABLE IF NOT EXISTS expensive (
                run TEXT NOT NULL, arch_id TEXT NOT NULL, score REAL NOT NULL, PRIMARY KEY (run, arch_id));
            CREATE TABLE IF NOT EXISTS blobs (
                run TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run, name));
            """)
    }

    public struct RunRow: Sendable, Equatable {
        public var id: String, kind: String, space: String, config: String, state: String, status: String,
            created: Double, updated: Double
    }

    public func create(id: String, kind: String, space: String, config: String, state: String) throws {
        let now = Date().timeIntervalSince1970
        try db.query(
            "INSERT INTO runs (id, kind, space, config, state, status, created, updated) VALUES (?, ?, ?, ?, ?, 'created', ?, ?)",
            [.text(id), .text(kind), .text(space), .text(config), .text(state), .double(now), .double(now)])
    }

    /// State and status together, atomically, with optional extra writes in the same transaction.
    public func save(id: String, state: String, status: String, generation: (Int, String)? = nil) throws {
        try db.transaction {
            try db.query(
                "UPDATE runs SET state = ?, status = ?, updated = ? WHERE id = ?",
                [.text(state), .text(status), .double(Date().timeIntervalSince1970), .text(id)])
            if let (idx, pop) = generation {
                try db.query(
                    "INSERT OR REPLACE INTO generations (run, idx, population) VALUES (?, ?, ?)",
                    [.text(id), .int(Int64(idx)), .text(pop)])
            }
        }
    }

    public func updateConfig(id: String, config: String) throws {
        try db.query("UPDATE runs SET config = ? WHERE id = ?", [.text(config), .text(id)])
    }

    public func run(_ id: String) throws -> RunRow? {
        try db.query(
            "SELECT id, kind, space, config, state, status, created, updated FROM runs WHERE id = ?", [.text(id)]
        ).first.map(Self.row)
    }

    public func runs() throws -> [RunRow] {
        try db.query("SELECT id, kind, space, config, state, status, created, updated FROM runs ORDER BY created").map(
            Self.row)
    }

    static func row(_ r: [Database.Value]) -> RunRow {
        RunRow(
            id: r[0].text ?? "", kind: r[1].text ?? "", space: r[2].text ?? "", config: r[3].text ?? "{}",
            state: r[4].text ?? "{}",
            status: r[5].text ?? "", created: r[6].double ?? 0, updated: r[7].double ?? 0)
    }

    /// The run's stored generations as (index, population JSON), oldest first; with `newest`,
    /// only that many of the last ones (a resume shows the newest few and need not read the rest).
    public func generations(run: String, newest: Int? = nil) throws -> [(Int, String)] {
        let rows: [[Database.Value]]
        if let newest {
            rows = Array(
                try db.query(
                    "SELECT idx, population FROM generations WHERE run = ? ORDER BY idx DESC LIMIT ?",
                    [.text(run), .int(Int64(max(0, newest)))]
                ).reversed())
        } else {
            rows = try db.query("SELECT idx, population FROM generations WHERE run = ? ORDER BY idx", [.text(run)])
        }
        return rows.map { (Int($0[0].int ?? 0), $0[1].text ?? "[]") }
    }

    public func saveLabel(run: String, archID: String, value: Double?, callIDs: [Int64]) throws {
        try db.query(
            "INSERT OR REPLACE INTO labels (run, arch_id, value, call_ids) VALUES (?, ?, ?, ?)",
            [.text(run), .text(archID), .init(value), .text(callIDs.map(String.init).joined(separator: ","))])
    }

    public func labels(run: String) throws -> [String: Double?] {
        var out: [String: Double?] = [:]
        for r in try db.query("SELECT arch_id, value FROM labels WHERE run = ?", [.text(run)]) {
            out[r[0].text ?? ""] = r[1].double
        }
        return out
    }

    /// The calls behind the run's labels (an answer from the cache names the calls that paid for it).
    public func labelCallIDs(run: String) throws -> [Int64] {
        try db.query("SELECT call_ids FROM labels WHERE run = ?", [.text(run)]).flatMap { r in
            (r[0].text ?? "").split(separator: ",").compactMap { Int64($0) }
        }
    }

    public func saveExpensive(run: String, scores: [(String, Double)]) throws {
        try db.transaction {
            for (id, s) in scores {
                try db.query(
                    "INSERT OR REPLACE INTO expensive (run, arch_id, score) VALUES (?, ?, ?)",
                    [.text(run), .text(id), .double(s)])
            }
        }
    }

    public func expensive(run: String) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for r in try db.query("SELECT arch_id, score FROM expensive WHERE run = ?", [.text(run)]) {
            out[r[0].text ?? ""] = r[1].double ?? 0
        }
        return out
    }

    public func saveBlob(run: String, name: String, data: Data) throws {
        try db.query(
            "INSERT OR REPLACE INTO blobs (run, name, data) VALUES (?, ?, ?)", [.text(run), .text(name), .blob(data)])
    }

    public func blob(run: String, name: String) throws -> Data? {
        try db.query("SELECT data FROM blobs WHERE run = ? AND name = ?", [.text(run), .text(name)]).first?.first?.blob
    }
}
