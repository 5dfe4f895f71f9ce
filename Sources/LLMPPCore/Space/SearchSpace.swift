import Foundation

/// A loaded, validated search space: its shape, efficiency model, feature encodings,
/// data tables, labelled architectures and latency source. Immutable and shareable.
public final class SearchSpace: Sendable {
    public let id: String
    public let title: String
    public let task: TaskDescription
    /// Folder of the space file; data paths are relative to it.
    public let directory: String
    public let file: String
    public let shape: SpaceShape
    public let constants: [String: Double]
    public let efficiency: Efficiency
    /// Feature sets by name, each a list of expressions (one per feature).
    public let featureSets: [String: [CompiledExpression]]
    public let tables: [SpaceTable]
    public let labelled: LabelledSet?
    public let cheapEvaluation: CompiledExpression?
    /// Seconds one evaluation by `cheapEvaluation` costs, as the data recorded it (e.g. the
    /// GPU time of 12 training epochs), and what to call that cost.
    public let evaluationCost: EvaluationCost?
    /// Named pools of architectures (a table's rows), e.g. the 8,500 unlabeled ones.
    public let pools: [String: Int]
    public let latency: LatencySpec?
    /// How architectures read as a graph, where the space says (else layer chains only).
    public let graph: ArchitectureGraph?
    private let listingOnce = ComputedOnce<SpaceListing?>()

    /// The architectures a search may visit, where the space scores only those its tables list
    /// (see `SpaceListing`); computed on first use, not at every load.
    public var listing: SpaceListing? { listingOnce.get { SpaceListing.of(self) } }

    /// A random architecture a search may visit: from the listing where there is one, else the grid.
    public func randomArchitecture(using rng: inout SeededGenerator) -> Architecture {
        listing?.random(using: &rng) ?? shape.random(using: &rng)
    }

    public struct EvaluationCost: Sendable {
        public let seconds: CompiledExpression
        public let label: String
    }

    public struct Efficiency: Sendable {
        public let flops: CompiledExpression
        public let params: CompiledExpression
        public let embeddingParams: CompiledExpression?
        public let lastLayerFlops: CompiledExpression?
    }

    init(
        id: String, title: String, task: TaskDescription, directory: String, file: String, shape: SpaceShape,
        constants: [String: Double], efficiency: Efficiency, featureSets: [String: [CompiledExpression]],
        tables: [SpaceTable], labelled: LabelledSet?, cheapEvaluation: CompiledExpression?,
        evaluationCost: EvaluationCost? = nil, pools: [String: Int], latency: LatencySpec?,
        graph: ArchitectureGraph? = nil
    ) {
        self.graph = graph
        self.id = id
        self.title = title
        self.task = task
        self.directory = directory
        self.file = file
        self.shape = shape
        self.constants = constants
        self.efficiency = efficiency
        self.featureSets = featureSets
        self.tables = tables
        self.labelled = labelled
        self.cheapEvaluation = cheapEvaluation
        self.evaluationCost = evaluationCost
        self.pools = pools
        self.latency = latency
    }

    // MARK: forwarding the shape's operations

    public var dimensions: [Dimension] { shape.dimensions }
    public func id(_ arch: Architecture) -> String { shape.id(arch) }
    public func canonicalText(_ arch: Architecture) -> String { shape.canonicalText(arch) }
    public func parse(_ text: String) throws -> Architecture { try shape.parse(text) }
    public func isValid(_ arch: Architecture) -> Bool { shape.isValid(arch) }

    public func table(named name: String) -> SpaceTable? { tables.first { $0.name == name } }

    public func pool(_ name: String) -> [Architecture]? { pools[name].map { tables[$0].architectures } }

    // MARK: evaluation

    /// Evaluates an expression for an architecture. `row` short-cuts the look-up when the
    /// caller already knows the architecture's row of a table.
    public func evaluate(_ e: CompiledExpression, _ arch: Architecture, row: (table: Int, row: Int)? = nil) throws
        -> Double
    {
        try e.number(ArchitectureContext(space: self, arch: arch, knownRow: row))
    }

    /// Like `evaluate`, but nil where the architecture is not in a table the expression reads.
    public func lookup(_ e: CompiledExpression, _ arch: Architecture, row: (table: Int, row: Int)? = nil) throws
        -> Double?
    {
        do { return try evaluate(e, arch, row: row) } catch is NotInTable { return nil }
    }

    public func flops(_ arch: Architecture) throws -> Double {
        try naming("efficiency.flops", arch) { try evaluate(efficiency.flops, arch) }
    }
    public func params(_ arch: Architecture) throws -> Double {
        try naming("efficiency.params", arch) { try evaluate(efficiency.params, arch) }
    }
    public func embeddingParams(_ arch: Architecture) throws -> Double? {
        try naming("efficiency.embedding_params", arch) {
            try efficiency.embeddingParams.map { try evaluate($0, arch) }
        }
    }

    /// Runs `body`, naming the space file, the formula's field and the architecture in an
    /// expression error: formulas run long after the space loaded, where "the result is
    /// inf, not a finite number" alone would name nothing.
    func naming<T>(_ field: String, _ arch: Architecture, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ExpressionError {
            throw ExpressionError("\(file): \(field): \(e) (for the architecture \(id(arch)))")
        } catch let e as NotInTable {
            // A space made from a CSV that lists only some of its architectures: its formulas
            // read values the table has for those alone (the error named no architecture).
            let t = tables.first { $0.name == e.table }
            throw ExpressionError(
                "\(file): \(field) reads table '\(e.table)', which has no row for the architecture \(id(arch)) (\(canonicalText(arch).replacingOccurrences(of: "\n", with: ", "))): it lists \(t?.architectures.count ?? 0) of the space's \(shape.size < 1e15 ? String(Int(shape.size)) : String(format: "%.2e", shape.size)) architectures, and only those can be scored"
            )
        }
    }

    public func features(_ arch: Architecture, set: String) throws -> [Double] {
        guard let exprs = featureSets[set] else {
            throw ExpressionError(
                "space '\(id)' has no feature set '\(set)' (has: \(featureSets.keys.sorted().joined(separator: ", ")))")
        }
        let ctx = ArchitectureContext(space: self, arch: arch, knownRow: nil)
        return try exprs.enumerated().map { i, e in try naming("features.\(set)[\(i)]", arch) { try e.number(ctx) } }
    }

    /// The default feature set for predictors: "hat" when the space has it, else the first by name.
    public var defaultFeatureSet: String? {
        featureSets["hat"] != nil ? "hat" : featureSets.keys.sorted().first
    }
}

/// Thrown when an expression reads a table the architecture has no row in (`naming` turns it
/// into an error that says which architecture and why).
public struct NotInTable: Error, CustomStringConvertible {
    public let table: String
    public var description: String { "the architecture is not in table '\(table)'" }
}

struct ArchitectureContext: ExpressionContext {
    let space: SearchSpace
    let arch: Architecture
    let knownRow: (table: Int, row: Int)?

    func scalar(_ dimension: Int) -> ExpressionValue {
        let d = space.shape.dimensions[dimension]
        return d.choices[arch.genes[d.geneOffset]].expressionValue
    }

    func layer(_ dimension: Int, _ layer: Int) -> ExpressionValue {
        let d = space.shape.dimensions[dimension]
        return d.choices[arch.genes[d.geneOffset + layer]].expressionValue
    }

    func layerCount(_ group: Int) -> Int { space.shape.layerCount(arch, group: group) }

    func column(table: Int, column: Int) throws -> ExpressionValue {
        let t = space.tables[table]
        guard let row = row(of: table) else { throw NotInTable(table: t.name) }
        return t.cells[row][column]
    }

    func describe(table: Int, column: Int) -> String? {
        let t = space.tables[table]
        guard let row = row(of: table) else { return nil }
        let path = SpaceLoader.resolve(t.file, in: space.directory)
        return "\(path) line \(t.rowLines[row]) (data row \(row + 1)), column '\(t.header[column])'"
    }

    private func row(of table: Int) -> Int? {
        if let k = knownRow, k.table == table { return k.row }
        return space.tables[table].row(for: arch, in: space.shape)
    }
}

extension SearchSpace {
    /// An architecture as `{"<dimension name>": value or [values]}` in the data's names
    /// (active layers only), as `arch --json` and the external-evaluator protocol write it.
    public func json(_ a: Architecture) -> JSONValue {
        .object(
            dimensions.indices.map { i in
                let d = dimensions[i]
                let values = shape.choices(a, i).map { c -> JSONValue in
                    switch c {
                    case .int(let v): return .number(Double(v))
                    case .real(let v): return .number(v)
                    case .string(let v): return .string(v)
                    }
                }
                return (d.name, d.group == nil ? values[0] : .array(values))
            })
    }
}
