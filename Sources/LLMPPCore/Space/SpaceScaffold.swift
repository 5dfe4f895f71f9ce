import Foundation

/// A working space folder from one CSV of architectures (`llmpp new-space`): every column but
/// the score, FLOPs and parameter columns is a dimension whose choices are the values seen;
/// the data, a seeded split, generic prompts and a README to edit are written beside
/// `space.json`, so that `llmpp check` passes on it as written.
public struct SpaceScaffold: Sendable {
    public var id: String
    public var csv: CSVTable
    public var score: String
    public var flops: String?
    public var params: String?
    /// The truth metric's name (the score is trained-from-scratch: "test" unless told).
    public var metric = "test"
    /// Multipliers from the columns' units to FLOPs and parameters (1e6 for a column in millions).
    public var flopsScale = 1.0
    public var paramsScale = 1.0
    public var splitSeed: UInt64 = 42

    public init(id: String, csv: CSVTable, score: String, flops: String?, params: String?) {
        self.id = id
        self.csv = csv
        self.score = score
        self.flops = flops
        self.params = params
    }

    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Relative path -> contents.
    public func files() throws -> [(String, String)] {
        try checkColumns()
        let special = Set([score, flops, params].compactMap { $0 })
        let dims = csv.header.enumerated().filter { !special.contains($0.element) }
        guard !dims.isEmpty else { throw Problem(description: "the CSV has no column left to be a dimension") }
        try checkDimensionColumns(dims.map(\.offset))
        guard csv.rows.count >= LabelledSet.drawnSplitRows else {
            throw Problem(
                description:
                    "the CSV has \(csv.rows.count) rows: a split needs at least \(LabelledSet.drawnSplitRows) (\(LabelledSet.drawnDemonstrations) demonstrations, \(LabelledSet.drawnTests) tests)"
            )
        }
        let space = spaceJSON(dimensions: dims.map { (column: $0.offset, name: $0.element) }, scores: try scores())
        return [
            ("space.json", space.rendered(pretty: true) + "\n"), ("data/archs.csv", dataWithSplit()),
            ("README.md", readme()),
        ]
            + prompts()
    }

    /// The id, and each named column: present, and a name formulas can use.
    func checkColumns() throws {
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !id.isEmpty else {
            throw Problem(
                description: "--id '\(id.prefix(80).escapingControlCharacters)' must be letters, digits, '-' or '_'")
        }
        // A folder name: 300 characters failed with a raw file-system error.
        guard id.utf8.count <= 64 else { throw Problem(description: "--id has \(id.utf8.count) bytes; at most 64") }
        let named = [("--score", score), ("--flops", flops), ("--params", params)].compactMap { f, c in
            c.map { (f, $0) }
        }
        for (i, a) in named.enumerated() {
            if let b = named.dropFirst(i + 1).first(where: { $0.1 == a.1 }) {
                throw Problem(description: "\(a.0) and \(b.0) name the same column '\(a.1.escapingControlCharacters)'")
            }
        }
        for (flag, c) in [("--score", score), ("--flops", flops), ("--params", params)] {
            guard let c else { continue }
            guard csv.column(c) != nil else {
                throw Problem(
                    description:
                        "\(flag): the CSV has no column '\(c.escapingControlCharacters)' (has: \(Self.columnList(csv.header)))"
                )
            }
            guard c.first.map({ $0.isLetter || $0 == "_" }) == true,
                c.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else {
                throw Problem(
                    description:
                        "\(flag): column '\(c)' must be a name of letters, digits and _ to be used in formulas; rename it in the CSV"
                )
            }
        }
        for c in [flops, params].compactMap({ $0 }) { try checkEfficiencyColumn(c) }
    }

    /// FLOPs and parameters are read as numbers by the space's formulas: a cell that is not a
    /// finite number >= 0 (1e400, nan) made a space that 'check' then refused.
    func checkEfficiencyColumn(_ name: String) throws {
        let c = csv.column(name)!
        for (r, row) in csv.rows.enumerated() {
            let text = row[c].trimmingCharacters(in: .whitespaces)
            guard let v = Double(text), v.isFinite, v >= 0 else {
                throw Problem(
                    description:
                        "row \(r + 2), column '\(name)': '\(text.prefix(40).escapingControlCharacters)' is not a finite number >= 0"
                )
            }
        }
    }

    /// What `check` would refuse in the space written (it was written, then refused): a column
    /// without a name, a name used twice, a value holding `"` (formulas cannot quote it).
    func checkDimensionColumns(_ columns: [Int]) throws {
        var seen = Set<String>()
        for (i, name) in csv.header.enumerated() {
            let shown = name.prefix(60).escapingControlCharacters
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Problem(description: "column \(i + 1) has no name in the CSV's header")
            }
            guard seen.insert(name).inserted else {
                throw Problem(description: "column '\(shown)' appears twice in the CSV's header; rename one")
            }
        }
        for c in columns {
            if let r = csv.rows.firstIndex(where: { $0[c].contains("\"") }) {
                throw Problem(
                    description:
                        "row \(r + 2), column '\(csv.header[c].prefix(60).escapingControlCharacters)': the value holds '\"', which the space's formulas cannot quote; edit the CSV"
                )
            }
        }
    }

    /// The header's names as an error lists them: the first 20, each cut to 40 characters.
    static func columnList(_ header: [String]) -> String {
        let shown = header.prefix(20).map { String($0.prefix(40)).escapingControlCharacters }
        return shown.joined(separator: ", ") + (header.count > 20 ? ", ... (\(header.count) columns)" : "")
    }

    /// Every row's score, each a finite number.
    func scores() throws -> [Double] {
        let c = csv.column(score)!
        return try csv.rows.enumerated().map { r, row -> Double in
            guard let v = Double(row[c].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw Problem(
                    description:
                        "row \(r + 2), column '\(score)': '\(row[c].prefix(40).escapingControlCharacters)' is not a number"
                )
            }
            return v
        }
    }

    /// One dimension per remaining column, its choices the values it takes (numbers where all
    /// are), and a one-hot feature per choice for the latency and ridge fits.
    func dimensionsJSON(_ dims: [(column: Int, name: String)]) -> (dimensions: [JSONValue], features: [JSONValue]) {
        var dimensions: [JSONValue] = []
        var features: [JSONValue] = []
        for (k, (column, name)) in dims.enumerated() {
            let values = Array(Set(csv.rows.map { $0[column] })).sorted()
            let numeric = values.allSatisfy { Double($0) != nil }
            let choices =
                numeric
                ? values.map { Double($0)! }.sorted().map { JSONValue.number($0) } : values.map { JSONValue.string($0) }
            dimensions.append(
                .object([
                    ("name", .string(name)), ("alias", .string("d\(k)")), ("choices", .array(choices)),
                    ("description", .string("\(name): edit to say what it means")),
                ]))
            features += choices.map { .string("d\(k) == \($0.rendered())") }
        }
        return (dimensions, features)
    }

    /// The space file: the task's range the scores' with a margin, the dimensions, efficiency
    /// from the named columns, one table that is labelled set and pool, and a drawn split.
    func spaceJSON(dimensions dims: [(column: Int, name: String)], scores: [Double]) -> JSONValue {
        let (dimensions, features) = dimensionsJSON(dims)
        let lo = scores.min()!
        let hi = scores.max()!
        let margin = max(1, (hi - lo) * 0.5)
        return .object([
            ("format", .number(1)), ("id", .string(id)), ("title", .string("\(id) (from a CSV: edit the title)")),
            (
                "task",
                .object([
                    ("kind", .string("the task")), ("dataset", .string(id)), ("metric", .string(score)),
                    ("metric_key", .string("score")),
                    ("higher_is_better", .bool(true)),
                    ("range", .array([.number((lo - margin).rounded(.down)), .number((hi + margin).rounded(.up))])),
                ])
            ),
            ("dimensions", .array(dimensions)),
            (
                "efficiency",
                .object([
                    ("flops", .string(flops.map { Self.scaled("archs.\($0)", flopsScale) } ?? "0")),
                    ("params", .string(params.map { Self.scaled("archs.\($0)", paramsScale) } ?? "0")),
                ])
            ),
            ("features", .object([("onehot", .array(features))])),
            (
                "tables",
                .object([("archs", .object([("file", .string("data/archs.csv")), ("rows", .string("architectures"))]))])
            ),
            (
                "labelled",
                .object([
                    ("table", .string("archs")), ("truth", .object([(metric, .string("archs.\(score)"))])),
                    ("splits", .object([("\(splitSeed)", .string("split\(splitSeed)"))])),
                ])
            ),
            ("pools", .object([("all", .string("archs"))])),
        ])
    }

    static func scaled(_ e: String, _ k: Double) -> String { k == 1 ? e : "\(e) * \(JSONValue.number(k).rendered())" }

    /// The CSV with a `split<seed>` column: 10 train, 20 test drawn with the seed, the rest blank.
    func dataWithSplit() -> String {
        var rng = SeededGenerator(seed: splitSeed)
        var order = Array(csv.rows.indices)
        order.shuffle(using: &rng)
        var label = [String](repeating: "", count: csv.rows.count)
        for r in order.prefix(10) { label[r] = "train" }
        for r in order.dropFirst(10).prefix(20) { label[r] = "test" }
        let rows = csv.rows.enumerated().map { r, row in row + [label[r]] }
        return CSVTable(header: csv.header + ["split\(splitSeed)"], rows: rows).text
    }

    func prompts() -> [(String, String)] {
        let settings = JSONValue.object([
            ("efficiency_scale", .number(1e-6)), ("efficiency_digits", .number(1)), ("score_digits", .number(2)),
            ("demonstration_metric", .string(metric)), ("max_tokens", .number(24)),
            ("efficiency_label", .string("MFLOPS")),
            ("params_scale", .number(1e-6)), ("params_digits", .number(2)), ("params_label", .string("Parameters")),
            ("params_unit", .string("M")),
            (
                "efficiency",
                .string(flops != nil && params != nil ? "gflops,params" : (params != nil ? "params" : "gflops"))
            ),
            ("demo_order", .string("data")),
        ])
        let files: [(String, String)] = [
            (
                "system.txt",
                "You estimate the {{task.metric}} score of neural network architectures. Reply with only a JSON object {\"{{metric_key}}\": <number>} holding your estimate between {{range.low}} and {{range.high}}, with no explanation."
            ),
            (
                "role.txt",
                "You are a performance estimator for {{task.kind}} on {{task.dataset}}: you will estimate the {{task.metric}} score of a test architecture."
            ),
            (
                "instruction-1-dataset.txt",
                "The dataset is {{task.dataset}}; performance is the {{task.metric}} (higher is better)."
            ),
            ("instruction-2-examples.txt", "(Describe example inputs and outputs of the task here.)"),
            (
                "instruction-3-backbone.txt",
                "All architectures share one backbone and training recipe; only the hyperparameters defined below differ."
            ),
            ("instruction-4-efficiency.txt", "Efficiency is given as MFLOPS and millions of parameters."),
            (
                "instruction-5-concentrate.txt",
                "Concentrate on the example architectures to learn how the hyperparameters and the {{task.metric}} relate, then estimate the {{task.metric}} of the test architecture."
            ),
            ("definitions.txt", "Hyperparameter definitions:\n{{definitions}}"),
            (
                "demonstrations.txt",
                "Examples: {{n_demonstrations}} architectures trained from scratch, with their {{task.metric}}:\n\n{{demonstrations}}"
            ),
            ("demonstration.txt", "{{arch}}\n{{efficiency_lines}}\n{{task.metric}}: {{score}}"),
            ("question.txt", "Test architecture:\n{{arch}}\n{{efficiency_lines}}\n{{task.metric}}:"),
        ]
        return [("prompts/prompt.json", settings.rendered(pretty: true) + "\n")]
            + files.map { ("prompts/" + $0.0, $0.1 + "\n") }
    }

    func readme() -> String {
        """
        # \(id)

        Written by `llmpp new-space` from a CSV of \(csv.rows.count) architectures: one dimension per
        column other than the score (`\(score)`)\(flops.map { ", FLOPs (`\($0)`)" } ?? "")\(params.map { ", parameters (`\($0)`)" } ?? ""),
        its choices the values seen. Split \(splitSeed) (column `split\(splitSeed)`): 10 demonstrations and 20
        test architectures drawn with seed \(splitSeed); blank cells are in neither.

        To edit: the title and task in `space.json`, each dimension's description (the prompts
        show them), the texts in `prompts/`. `llmpp check --space \(id)` says what works; there is no
        built-in expensive evaluator: search with `--evaluator external --evaluator-cmd CMD`.
        \(flops == nil ? "No FLOPs column was given: efficiency is 0 until `efficiency.flops` is a formula.\n" : "")
        """
    }
}
