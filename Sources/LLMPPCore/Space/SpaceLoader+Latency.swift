import Foundation

/// A space file's latency: measured expressions per device, or a predictor's training tables
/// and the terms fits can read.
extension SpaceLoader {
    /// The latency spec: the default device among the devices, then by kind.
    static func buildLatency(
        _ l: SpaceFile.LatencyFile, dir: String, featureSets: [String: [CompiledExpression]], compile: Compile,
        fail: Fail
    ) throws -> LatencySpec {
        guard l.hardware[l.default_hardware] != nil else {
            throw fail(
                "latency.default_hardware",
                "'\(l.default_hardware)' is not among latency.hardware (\(l.hardware.keys.sorted().joined(separator: ", ")))"
            )
        }
        switch l.kind {
        case "measured":
            var m: [String: CompiledExpression] = [:]
            for (hw, spec) in l.hardware {
                guard case .measured(let src) = spec else {
                    throw fail("latency.hardware.\(hw)", "a measured latency is an expression string")
                }
                m[hw] = try compile("latency.hardware.\(hw)", src)
            }
            if l.terms != nil {
                throw fail("latency.terms", "terms read a predictor's feature_columns: a measured latency has none")
            }
            return LatencySpec(defaultHardware: l.default_hardware, source: .measured(m))
        case "predictor":
            guard let fs = l.features else {
                throw fail("latency.features", "missing: the feature set the predictor reads")
            }
            guard let features = featureSets[fs] else { throw fail("latency.features", "unknown feature set '\(fs)'") }
            guard let cols = l.feature_columns, cols.count == features.count else {
                throw fail("latency.feature_columns", "must list one column per feature of '\(fs)' (\(features.count))")
            }
            var tables: [String: LatencyTrainingData] = [:]
            for (hw, spec) in l.hardware {
                tables[hw] = try latencyTable(
                    spec, field: "latency.hardware.\(hw)", columns: cols, dir: dir, fail: fail)
            }
            return LatencySpec(
                defaultHardware: l.default_hardware, source: .predictor(featureSet: fs, tables: tables),
                terms: try latencyTerms(l.terms ?? [], columns: cols, tables: tables, fail: fail))
        default:
            throw fail("latency.kind", "'\(l.kind)' is neither \"measured\" nor \"predictor\"")
        }
    }

    /// One device's measured table for the predictor: each row's feature columns (numbers) and
    /// its latency from the target expression over the row's columns (a finite number); at least
    /// 10 rows.
    static func latencyTable(
        _ spec: SpaceFile.LatencyHardwareFile, field: String, columns cols: [String], dir: String, fail: Fail
    ) throws -> LatencyTrainingData {
        guard case .table(let file, let target) = spec else {
            throw fail(field, "a predictor's hardware entry is {\"file\", \"target\"}")
        }
        let csv: CSVTable
        do { csv = try CSVTable.load(path: resolve(file, in: dir)) } catch let e as SpaceError {
            throw fail("\(field).file", e.field.map { "\(file): \($0): \(e.problem)" } ?? "\(file): \(e.problem)")
        }
        var rowScope = ExpressionScope()
        for (i, h) in csv.header.enumerated() where isIdentifier(h) { rowScope.scalars[h] = i }
        let targetExpr: CompiledExpression
        do { targetExpr = try CompiledExpression.compile(target, scope: rowScope) } catch let e as ExpressionError {
            throw fail("\(field).target", "\(e) in \"\(target)\"")
        }
        let colIdx = try cols.map { c in
            guard let i = csv.column(c) else { throw fail("latency.feature_columns", "\(file) has no column '\(c)'") }
            return i
        }
        var xs: [[Double]] = []
        var ys: [Double] = []
        for (r, row) in csv.rows.enumerated() {
            let values = row.map(cellNumber)
            guard let x = colIdx.map({ values[$0] }) as? [Double] else {
                throw fail("\(field).file", "\(file): line \(csv.line(ofRow: r)): a feature is not a number")
            }
            do {
                let y = try targetExpr.number(
                    RowContext(values: row.map { cellNumber($0).map(ExpressionValue.number) ?? .string($0) }))
                guard y.isFinite else { throw ExpressionError("not finite") }
                xs.append(x)
                ys.append(y)
            } catch let e as ExpressionError {
                throw fail("\(field).target", "\(file): line \(csv.line(ofRow: r)): \(e)")
            }
        }
        guard xs.count >= 10 else {
            throw fail("\(field).file", "\(file): needs at least 10 measured rows, has \(xs.count)")
        }
        return LatencyTrainingData(file: file, features: xs, latencyMs: ys)
    }

    /// The latency terms compiled over the feature columns, each checked on every measured
    /// row: a term that is not a finite number there is an error when the space loads.
    static func latencyTerms(
        _ files: [SpaceFile.LatencyTermFile], columns: [String], tables: [String: LatencyTrainingData],
        fail: Fail
    ) throws -> [LatencyTerm] {
        var scope = ExpressionScope()
        for (i, c) in columns.enumerated() where isIdentifier(c) { scope.scalars[c] = i }
        var terms: [LatencyTerm] = []
        for (i, t) in files.enumerated() {
            let field = "latency.terms[\(i)]"
            guard !t.name.isEmpty, !terms.contains(where: { $0.name == t.name }) else {
                throw fail("\(field).name", "a term needs a name of its own, got '\(t.name)'")
            }
            do {
                let e = try CompiledExpression.compile(t.expression, scope: scope)
                for (hw, data) in tables.sorted(by: { $0.key < $1.key }) {
                    for (r, x) in data.features.enumerated() {
                        do { _ = try e.number(RowContext(values: x.map(ExpressionValue.number))) } catch let err
                            as ExpressionError
                        {
                            throw ExpressionError("\(err) on \(hw)'s row \(r + 1) (\(data.file))")
                        }
                    }
                }
                terms.append(LatencyTerm(name: t.name, expression: e))
            } catch let e as ExpressionError {
                throw fail("\(field).expression", "\(e) in \"\(t.expression)\"")
            }
        }
        return terms
    }
}
