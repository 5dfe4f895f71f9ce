import Foundation

/// The transcript of every LLM call and the cache that keeps a question from being paid
/// twice, in the project's SQLite database (WAL). API keys never reach it: only request
/// bodies' messages and parameters, which carry none.
public actor TranscriptStore {
    let db: Database

    /// `create: false`: for commands that only read; a missing database is an error.
    public init(path: String, create: Bool = true) throws {
        db = try Database(path: path, create: create)
        try Self.migrate(db)
    }

    static func migrate(_ db: Database) throws {
        let version = try db.query("PRAGMA user_version").first?.first?.int ?? 0
        if version < 1 {
            try db.transaction {
                try db.execute(
                    """
                    CREATE TABLE IF NOT EXISTS calls (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        run TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
                        parameters TEXT NOT NULL, messages TEXT NOT NULL, cache_key TEXT NOT NULL,
                        sample_index INTEGER NOT NULL, attempt INTEGER NOT NULL, status TEXT NOT NULL,
                        error TEXT, response_text TEXT, raw_response TEXT, parsed_value REAL,
                        tokens_in INTEGER, tokens_out INTEGER, latency_ms REAL NOT NULL, cost_usd REAL,
                        arch_id TEXT, purpose TEXT, created_at REAL NOT NULL);
                    CREATE INDEX IF NOT EXISTS calls_cache ON calls(cache_key) WHERE status = 'ok';
                    CREATE INDEX IF NOT EXISTS calls_run ON calls(run);
                    PRAGMA user_version = 1;
                    """)
            }
        }
        if version < 2 {
            try db.transaction {
                try db.execute("ALTER TABLE calls ADD COLUMN distribution TEXT; PRAGMA user_version = 2;")
            }
        }
    }

    static let columns =
        "id, run, provider, model, parameters, messages, cache_key, sample_index, attempt, status, error, response_text, raw_response, parsed_value, tokens_in, tokens_out, latency_ms, cost_usd, arch_id, purpose, created_at, distribution"

    /// Most bytes of a server's answer (or error) kept per call; the rest is cut with a marker.
    public static let maxStoredTextBytes = 64 * 1024

    @discardableResult
    public func insert(_ record: CallRecord) throws -> Int64 {
        let r = record.truncatedForStorage(maxBytes: Self.maxStoredTextBytes)
        try db.query(
            """
            INSERT INTO calls (run, provider, model, parameters, messages, cache_key, sample_index, attempt, status, error,
                response_text, raw_response, parsed_value, tokens_in, tokens_out, latency_ms, cost_usd, arch_id, purpose, created_at,
                distribution)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(r.run), .text(r.provider), .text(r.model), .text(r.parameters), .text(r.messages),
                .text(r.cacheKey),
                .int(Int64(r.sampleIndex)), .int(Int64(r.attempt)), .text(r.status.rawValue), .init(r.error),
                .init(r.responseText), .init(r.rawResponse), .init(r.parsedValue), .init(r.tokensIn),
                .init(r.tokensOut),
                .double(r.latencyMs), .init(r.costUSD), .init(r.archID), .init(r.purpose), .double(r.createdAt),
                .init(r.distribution),
            ])
        return db.lastInsertRowID
    }

    /// The first successful answer to a question, if it was ever paid for.
    public func cached(cacheKey: String) throws -> CallRecord? {
        try db.query(
            "SELECT \(Self.columns) FROM calls WHERE cache_key = ? AND status = 'ok' ORDER BY id LIMIT 1",
            [.text(cacheKey)]
        )
        .first.map(Self.record)
    }

    /// Every attempt of a question (for the ids a prediction reports).
    public func attempts(cacheKey: String) throws -> [CallRecord] {
        try db.query("SELECT \(Self.columns) FROM calls WHERE cache_key = ? ORDER BY id", [.text(cacheKey)]).map(
            Self.record)
    }

    public func call(id: Int64) throws -> CallRecord? {
        try db.query("SELECT \(Self.columns) FROM calls WHERE id = ?", [.int(id)]).first.map(Self.record)
    }

    /// The calls with these ids, newest first (ids not found are left out).
    public func calls(ids: [Int64]) throws -> [CallRecord] {
        var out: [CallRecord] = []
        // SQLite binds at most 32,766 parameters a statement; a resumed run may name more.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            out += try db.query(
                "SELECT \(Self.columns) FROM calls WHERE id IN (\(marks))", chunk.map { .int($0) }
            ).map(Self.record)
        }
        return out.sorted { $0.id > $1.id }
    }

    /// Calls, newest first; optionally of one run, after an id (for live views) and/or
    /// before one (the next page of a listing).
    public func calls(run: String? = nil, afterID: Int64 = 0, beforeID: Int64? = nil, limit: Int = 1_000_000) throws
        -> [CallRecord]
    {
        var sql = "SELECT \(Self.columns) FROM calls WHERE id > ?"
        var params: [Database.Value] = [.int(afterID)]
        if let run {
            sql += " AND run = ?"
            params.append(.text(run))
        }
        if let beforeID {
            sql += " AND id < ?"
            params.append(.int(beforeID))
        }
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(.int(Int64(limit)))
        return try db.query(sql, params).map(Self.record)
    }

    /// A row as a record. Figures that are not finite numbers (a row edited by hand: inf, or
    /// text where a number belongs) are read as missing: an inf latency made the whole
    /// `calls export` fail naming no call, and an inf value counted as an answer.
    static func record(_ r: [Database.Value]) -> CallRecord {
        func finite(_ v: Database.Value) -> Double? { v.double.flatMap { $0.isFinite ? $0 : nil } }
        var c = CallRecord(
            run: r[1].text ?? "", provider: r[2].text ?? "", model: r[3].text ?? "", parameters: r[4].text ?? "{}",
            messages: r[5].text ?? "[]", cacheKey: r[6].text ?? "", sampleIndex: Int(r[7].int ?? 0),
            attempt: Int(r[8].int ?? 0), status: CallRecord.Status(rawValue: r[9].text ?? "") ?? .error,
            error: r[10].text, responseText: r[11].text, rawResponse: r[12].text, parsedValue: finite(r[13]),
            tokensIn: r[14].int.map(Int.init), tokensOut: r[15].int.map(Int.init), latencyMs: finite(r[16]) ?? 0,
            costUSD: finite(r[17]), archID: r[18].text, purpose: r[19].text, createdAt: finite(r[20]) ?? 0)
        c.id = r[0].int ?? 0
        c.distribution = r[21].text
        return c
    }
}

extension TranscriptStore {
    /// Inserts many records, a transaction per thousand (imports, benchmarks).
    /// The measured time of these calls, in seconds (each counted once).
    public func latencySeconds(callIDs: [Int64]) throws -> Double {
        var total = 0.0
        let ids = Array(Set(callIDs)).sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(ids.count, start + 500)]
            let list = chunk.map(String.init).joined(separator: ",")
            total +=
                try db.query("SELECT COALESCE(SUM(latency_ms), 0) FROM calls WHERE id IN (\(list))").first?[0].double
                ?? 0
        }
        return total / 1000
    }

    public func insertBatch(_ records: [CallRecord]) throws {
        var i = 0
        while i < records.count {
            let chunk = records[i..<min(records.count, i + 1000)]
            try db.transaction { for r in chunk { try insert(r) } }
            i += 1000
        }
    }
}
