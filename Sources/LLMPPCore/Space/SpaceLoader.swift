import Foundation

/// Reads and validates a space file and its data. Every problem becomes a `SpaceError`
/// naming the file, the field and what is wrong.
public enum SpaceLoader {
    public static let fileName = "space.json"

    public static func load(directory: String) throws -> SearchSpace {
        try load(file: (directory as NSString).appendingPathComponent(fileName))
    }

    public static func load(file: String) throws -> SearchSpace {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw SpaceError(file: file, field: nil, problem: "cannot read the space file")
        }
        return try load(data: data, file: file)
    }

    /// A space from the bytes of its file; data files are read relative to `file`'s folder.
    public static func load(data: Data, file: String) throws -> SearchSpace {
        let raw: SpaceFile
        do {
            raw = try JSONDecoder().decode(SpaceFile.self, from: data)
        } catch let e as DecodingError {
            throw decodingError(e, file: file, data: data)
        }
        return try build(raw, file: file)
    }

    /// A JSON decoding error as a SpaceError naming the field (space files, prompt settings,
    /// saved devices). `data`, the file's bytes, tells valid JSON with a number too large or
    /// fractional for its field from broken JSON: Foundation says "not valid JSON" for both.
    public static func decodingError(_ e: DecodingError, file: String, data: Data? = nil) -> SpaceError {
        func path(_ p: [CodingKey]) -> String? {
            let s = p.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            let t = s.hasPrefix(".") ? String(s.dropFirst()) : s
            return t.isEmpty ? nil : t
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            let parent = path(ctx.codingPath)
            return SpaceError(
                file: file, field: parent.map { "\($0).\(key.stringValue)" } ?? key.stringValue, problem: "missing")
        case .typeMismatch(let type, let ctx):
            return SpaceError(file: file, field: path(ctx.codingPath), problem: "expected \(describe(type))")
        case .valueNotFound(let type, let ctx):
            return SpaceError(
                file: file, field: path(ctx.codingPath), problem: "null where \(describe(type)) is expected")
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty, let data, let problem = JSONNumberMisfit.problem(in: data) {
                return SpaceError(file: file, field: nil, problem: problem)
            }
            let underlying = (ctx.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return SpaceError(
                file: file, field: path(ctx.codingPath),
                problem: ctx.codingPath.isEmpty
                    ? "not valid JSON\(underlying.map { ": \($0)" } ?? "")" : ctx.debugDescription)
        @unknown default:
            return SpaceError(file: file, field: nil, problem: "\(e)")
        }
    }

    private static func describe(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        default:
            let n = "\(t)"
            if n.hasPrefix("Array") { return "an array" }
            if n.hasPrefix("Dictionary") { return "an object" }
            return "an object (\(n))"
        }
    }

    /// Data paths are relative to the space's folder unless absolute.
    static func resolve(_ file: String, in dir: String) -> String {
        file.hasPrefix("/") ? file : (dir as NSString).appendingPathComponent(file)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || (f.isASCII && f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    /// What a build step calls to name a field's problem: `fail(field, problem)`.
    typealias Fail = (String?, String) -> SpaceError
    /// An expression of the space compiled against its names, or a `SpaceError` for `field`.
    typealias Compile = (_ field: String, _ source: String) throws -> CompiledExpression

    static func build(_ raw: SpaceFile, file: String) throws -> SearchSpace {
        let fail: Fail = { SpaceError(file: file, field: $0, problem: $1) }
        let dir = (file as NSString).deletingLastPathComponent
        try checkHeader(raw, fail)
        let (shape, names, groupIndex) = try buildShape(raw, fail)
        var scope = try buildScope(raw, shape: shape, names: names, groupIndex: groupIndex, fail)
        // Tables: headers first so that expressions can name their columns.
        let tableFiles = try loadTables(raw, dir: dir, scope: &scope, fail)
        let compile: Compile = { field, source in
            do { return try CompiledExpression.compile(source, scope: scope) } catch let e as ExpressionError {
                throw fail(field, "\(e) in \"\(source)\"")
            }
        }
        let tables = try tableFiles.map { name, t, csv in
            try buildTable(name: name, spec: t, csv: csv, shape: shape, fail: { fail("tables.\(name).\($0)", $1) })
        }
        let efficiency = SearchSpace.Efficiency(
            flops: try compile("efficiency.flops", raw.efficiency.flops),
            params: try compile("efficiency.params", raw.efficiency.params),
            embeddingParams: try raw.efficiency.embedding_params.map { try compile("efficiency.embedding_params", $0) },
            lastLayerFlops: try raw.efficiency.last_layer_flops.map { try compile("efficiency.last_layer_flops", $0) })
        var featureSets: [String: [CompiledExpression]] = [:]
        for (name, list) in raw.features ?? [:] {
            guard !list.isEmpty else { throw fail("features.\(name)", "empty feature list") }
            featureSets[name] = try list.enumerated().map { try compile("features.\(name)[\($0)]", $1) }
        }
        let tableIndex = Dictionary(tables.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let labelled = try raw.labelled.map {
            try buildLabelled($0, tables: tables, csvs: tableFiles.map(\.2), tableIndex: tableIndex, compile, fail)
        }
        let pools = try buildPools(raw.pools ?? [:], tables: tables, tableIndex: tableIndex, fail)
        let latency = try raw.latency.map {
            try buildLatency($0, dir: dir, featureSets: featureSets, compile: compile, fail: fail)
        }
        let space = SearchSpace(
            id: raw.id, title: raw.title, task: raw.task, directory: dir, file: file, shape: shape,
            constants: scope.constants, efficiency: efficiency, featureSets: featureSets, tables: tables,
            labelled: labelled, cheapEvaluation: try raw.cheap_evaluation.map { try compile("cheap_evaluation", $0) },
            evaluationCost: try raw.evaluation_cost.map {
                .init(seconds: try compile("evaluation_cost.seconds", $0.seconds), label: $0.label)
            },
            pools: pools, latency: latency,
            graph: try raw.graph.map { try $0.resolve(shape, fail: fail) })
        try smokeTest(space, fail: fail)
        return space
    }

    /// The format version, the id and the task's score range.
    static func checkHeader(_ raw: SpaceFile, _ fail: Fail) throws {
        guard raw.format == 1 else {
            throw fail("format", "version \(raw.format) is not supported (this llmpp reads format 1)")
        }
        guard !raw.id.isEmpty,
            raw.id.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
            })
        else {
            throw fail("id", "'\(raw.id)' must be letters, digits, '-' or '_'")
        }
        guard raw.task.range.count == 2, raw.task.range[0] < raw.task.range[1] else {
            throw fail("task.range", "must be [low, high] with low < high")
        }
    }

    /// Each table's CSV, read and its header put in `scope` (so that expressions can name the
    /// columns), in name order.
    static func loadTables(_ raw: SpaceFile, dir: String, scope: inout ExpressionScope, _ fail: Fail) throws -> [(
        String, SpaceFile.TableFile, CSVTable
    )] {
        var tableFiles: [(String, SpaceFile.TableFile, CSVTable)] = []
        for (name, t) in (raw.tables ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard isIdentifier(name) else { throw fail("tables.\(name)", "a table name must be an identifier") }
            let path = resolve(t.file, in: dir)
            let csv: CSVTable
            do { csv = try CSVTable.load(path: path) } catch let e as SpaceError {
                throw fail(
                    "tables.\(name).file", e.field.map { "\(t.file): \($0): \(e.problem)" } ?? "\(t.file): \(e.problem)"
                )
            }
            scope.tables[name] = (
                tableFiles.count, Dictionary(csv.header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            )
            tableFiles.append((name, t, csv))
        }
        return tableFiles
    }

    /// A cell as a number, or nil: "nan", "inf" and "1e999" stay text, so that a formula
    /// using them as numbers fails naming the cell instead of passing NaN on.
    static func cellNumber(_ cell: String) -> Double? {
        Double(cell).flatMap { $0.isFinite ? $0 : nil }
    }

    static func buildTable(
        name: String, spec: SpaceFile.TableFile, csv: CSVTable, shape: SpaceShape,
        fail: (String, String) -> SpaceError
    ) throws -> SpaceTable {
        let cells = csv.rows.map { row in row.map { cellNumber($0).map(ExpressionValue.number) ?? .string($0) } }
        let rows: KeyedRows
        if spec.rows == "architectures" {
            guard spec.key_column == nil, spec.key == nil else {
                throw fail("rows", "give either rows: \"architectures\" or key_column and key, not both")
            }
            rows = try architectureRows(csv, shape: shape, fail: fail)
        } else if let kind = spec.rows {
            throw fail("rows", "'\(kind)' is not a row kind (only \"architectures\")")
        } else {
            guard let kc = spec.key_column, let key = spec.key else {
                throw fail("key", "a table needs rows: \"architectures\", or key_column and key")
            }
            rows = try templateRows(csv, keyColumn: kc, key: key, shape: shape, fail: fail)
        }
        return SpaceTable(
            name: name, file: spec.file, header: csv.header, keying: rows.keying, cells: cells,
            rowByKey: rows.rowByKey, architectures: rows.architectures, rowLines: csv.rowLines)
    }

    /// How a table's rows are found: its keying, the first row of each key, and the
    /// architecture of each row where the key names all of it.
    struct KeyedRows {
        var keying: SpaceTable.Keying
        var rowByKey: [String: Int] = [:]
        var architectures: [Architecture] = []
    }

    /// Rows that are architectures, one column per dimension (by alias or name).
    static func architectureRows(_ csv: CSVTable, shape: SpaceShape, fail: (String, String) -> SpaceError) throws
        -> KeyedRows
    {
        var columns: [Int: Int] = [:]
        for (i, d) in shape.dimensions.enumerated() {
            guard let c = csv.column(d.alias) ?? csv.column(d.name) else {
                throw fail("file", "rows are architectures, but there is no column '\(d.alias)' or '\(d.name)'")
            }
            columns[i] = c
        }
        var out = KeyedRows(keying: .architectures)
        for (r, row) in csv.rows.enumerated() {
            do {
                let a = try shape.architecture(from: columns.mapValues { row[$0] })
                out.architectures.append(a)
                out.rowByKey[shape.id(a)] = out.rowByKey[shape.id(a)] ?? r
            } catch let e as ArchitectureParseError {
                throw fail("file", "line \(csv.line(ofRow: r)): \(e)")
            }
        }
        return out
    }

    /// Rows keyed by a column whose text follows the key template; where the template names
    /// every dimension, each row's architecture is parsed from its key.
    static func templateRows(
        _ csv: CSVTable, keyColumn kc: String, key: String, shape: SpaceShape, fail: (String, String) -> SpaceError
    ) throws -> KeyedRows {
        guard let c = csv.column(kc) else { throw fail("key_column", "no column '\(kc)'") }
        let template: KeyTemplate
        do {
            template = try KeyTemplate(key, aliases: shape.dimensionByKey)
        } catch let e as ExpressionError { throw fail("key", e.description) }
        let complete = template.dimensions.count == shape.dimensions.count
        var out = KeyedRows(keying: .template(column: c, template: template))
        for (r, row) in csv.rows.enumerated() {
            if complete {
                guard let parts = template.parse(row[c]) else {
                    throw fail("file", "line \(csv.line(ofRow: r)): key '\(row[c])' does not fit the template '\(key)'")
                }
                do { out.architectures.append(try shape.architecture(from: parts)) } catch let e
                    as ArchitectureParseError
                {
                    throw fail("file", "line \(csv.line(ofRow: r)): \(e)")
                }
            }
            out.rowByKey[row[c]] = out.rowByKey[row[c]] ?? r
        }
        return out
    }

    /// Evaluates every expression on a few architectures, so that a type error in a
    /// formula (a string where a number belongs) is reported when the space loads.
    private static func smokeTest(_ space: SearchSpace, fail: Fail) throws {
        var rng = SeededGenerator(seed: 1)
        var samples = (0..<4).map { _ in space.shape.random(using: &rng) }
        for t in space.tables { if let a = t.architectures.first { samples.append(a) } }
        func check(_ field: String, _ e: CompiledExpression) throws {
            for a in samples {
                do { _ = try space.evaluate(e, a) } catch is NotInTable { continue } catch let err as ExpressionError {
                    throw fail(field, "\(err) (for the architecture \(space.id(a)))")
                }
            }
        }
        try check("efficiency.flops", space.efficiency.flops)
        try check("efficiency.params", space.efficiency.params)
        if let e = space.efficiency.embeddingParams { try check("efficiency.embedding_params", e) }
        if let e = space.efficiency.lastLayerFlops { try check("efficiency.last_layer_flops", e) }
        for (name, list) in space.featureSets {
            for (i, e) in list.enumerated() { try check("features.\(name)[\(i)]", e) }
        }
        if let e = space.cheapEvaluation { try check("cheap_evaluation", e) }
        if let c = space.evaluationCost { try check("evaluation_cost.seconds", c.seconds) }
        if let l = space.labelled {
            for (k, e) in l.truth { try check("labelled.truth.\(k)", e) }
            for b in l.baselines { for (k, e) in b.predictions { try check("labelled.baselines(\(b.name)).\(k)", e) } }
        }
        if case .measured(let m)? = space.latency?.source { for (k, e) in m { try check("latency.hardware.\(k)", e) } }
    }
}

/// Reads a CSV row's cells as scalars (for latency-table targets).
struct RowContext: ExpressionContext {
    let values: [ExpressionValue]
    func scalar(_ dimension: Int) -> ExpressionValue { values[dimension] }
    func layer(_ dimension: Int, _ layer: Int) -> ExpressionValue { values[dimension] }
    func layerCount(_ group: Int) -> Int { 0 }
    func column(table: Int, column: Int) throws -> ExpressionValue { throw ExpressionError("no tables here") }
}
