import Foundation

/// What an expression may refer to, resolved once when the space is loaded.
public struct ExpressionScope {
    public var constants: [String: Double] = [:]
    /// Scalar dimensions by alias -> dimension index.
    public var scalars: [String: Int] = [:]
    /// Per-layer dimensions by alias -> (dimension index, layer-group index).
    public var perLayer: [String: (dimension: Int, group: Int)] = [:]
    public var groups: [String: Int] = [:]
    /// Tables by name -> (table index, column name -> column index).
    public var tables: [String: (index: Int, columns: [String: Int])] = [:]
    /// Named helper expressions, inlined where they are used.
    public var definitions: [String: ExpressionSyntax] = [:]
    /// Each dimension's choices, by dimension index, for `choice(dim, ...)` look-ups.
    public var choices: [Int: [ExpressionValue]] = [:]

    public init() {}
}

/// The values an expression reads while it is evaluated for one architecture.
public protocol ExpressionContext {
    func scalar(_ dimension: Int) -> ExpressionValue
    func layer(_ dimension: Int, _ layer: Int) -> ExpressionValue
    func layerCount(_ group: Int) -> Int
    func column(table: Int, column: Int) throws -> ExpressionValue
    /// Where a column's value for this architecture comes from ("data/cells.csv line 58
    /// (row 57), column 'flops_M'"), so that a bad cell is named; nil when unknown.
    func describe(table: Int, column: Int) -> String?
}

extension ExpressionContext {
    public func describe(table: Int, column: Int) -> String? { nil }
}

public enum AggregateKind: String, Sendable { case sum, mean, min, max }
public enum MathFunction: String, Sendable { case abs, sqrt, log, exp, floor, ceil, round }

/// An expression with every name resolved to a slot; evaluation does no look-ups by name.
public indirect enum CompiledExpression: Sendable {
    case constant(ExpressionValue)
    case scalar(Int)
    case layer(dimension: Int, group: Int)
    case column(table: Int, column: Int)
    case negate(CompiledExpression)
    case binary(BinaryOperator, CompiledExpression, CompiledExpression)
    case condition(CompiledExpression, CompiledExpression, CompiledExpression)
    case math(MathFunction, CompiledExpression)
    case pairwise(AggregateKind, CompiledExpression, CompiledExpression)
    case aggregate(AggregateKind, group: Int, CompiledExpression)
    case count(group: Int)
    /// The 0-based index of the layer an aggregate over the group is at.
    case layerIndex(group: Int)

    public static func compile(_ source: String, scope: ExpressionScope) throws -> CompiledExpression {
        try ExpressionCompiler(scope: scope).compile(try ExpressionParser.parse(source), .top)
    }

    /// True when the expression reads a table (its value exists only for architectures in it).
    public var readsTable: Bool { !tablesRead.isEmpty }

    /// The tables the expression reads, by index.
    public var tablesRead: Set<Int> {
        switch self {
        case .column(let t, _): return [t]
        case .constant, .scalar, .layer, .count, .layerIndex: return []
        case .negate(let e), .math(_, let e), .aggregate(_, _, let e): return e.tablesRead
        case .binary(_, let a, let b), .pairwise(_, let a, let b): return a.tablesRead.union(b.tablesRead)
        case .condition(let c, let a, let b): return c.tablesRead.union(a.tablesRead).union(b.tablesRead)
        }
    }

    public func evaluate(_ ctx: some ExpressionContext) throws -> ExpressionValue {
        var layers: [Int: Int] = [:]
        return try eval(ctx, &layers)
    }

    /// The value as a finite number: inf and NaN (1e308 * 10, sqrt(-1)) would reach the
    /// stores and the JSON output, which cannot encode them.
    public func number(_ ctx: some ExpressionContext) throws -> Double {
        var layers: [Int: Int] = [:]
        let v = try number(ctx, &layers, in: "the result")
        guard v.isFinite else { throw ExpressionError("the result is \(v), not a finite number") }
        return v
    }

    /// Evaluates to a number; a string read from a table names its file, line and column.
    private func number(_ ctx: some ExpressionContext, _ layers: inout [Int: Int], in what: String) throws -> Double {
        let v = try eval(ctx, &layers)
        if case .string(let s) = v, case .column(let t, let c) = self, let place = ctx.describe(table: t, column: c) {
            throw ExpressionError("\(what) needs a number, got the string \"\(s)\" (\(place))")
        }
        return try v.number(in: what)
    }

    private func eval(_ ctx: some ExpressionContext, _ layers: inout [Int: Int]) throws -> ExpressionValue {
        switch self {
        case .constant(let v): return v
        case .scalar(let d): return ctx.scalar(d)
        case .layer(let d, let g):
            guard let l = layers[g] else { throw ExpressionError("a per-layer value outside its layer group") }
            return ctx.layer(d, l)
        case .column(let t, let c): return try ctx.column(table: t, column: c)
        case .negate(let e): return .number(-(try e.number(ctx, &layers, in: "'-'")))
        case .binary(.equal, let a, let b): return .number(try a.eval(ctx, &layers) == b.eval(ctx, &layers) ? 1 : 0)
        case .binary(.notEqual, let a, let b): return .number(try a.eval(ctx, &layers) != b.eval(ctx, &layers) ? 1 : 0)
        case .binary(let op, let a, let b):
            let x = try a.number(ctx, &layers, in: "'\(op.rawValue)'")
            let y = try b.number(ctx, &layers, in: "'\(op.rawValue)'")
            return try .number(Self.apply(op, x, y))
        case .condition(let c, let a, let b):
            return try c.number(ctx, &layers, in: "if's condition") != 0 ? a.eval(ctx, &layers) : b.eval(ctx, &layers)
        case .math(let f, let e):
            let v = try e.number(ctx, &layers, in: f.rawValue)
            switch f {
            case .abs: return .number(Swift.abs(v))
            case .sqrt: return .number(v.squareRoot())
            case .log: return .number(Foundation.log(v))
            case .exp: return .number(Foundation.exp(v))
            case .floor: return .number(v.rounded(.down))
            case .ceil: return .number(v.rounded(.up))
            case .round: return .number(v.rounded())
            }
        case .pairwise(let k, let a, let b):
            let x = try a.number(ctx, &layers, in: k.rawValue)
            let y = try b.number(ctx, &layers, in: k.rawValue)
            return .number(k == .min ? Swift.min(x, y) : Swift.max(x, y))
        case .count(let g): return .number(Double(ctx.layerCount(g)))
        case .layerIndex(let g):
            guard let l = layers[g] else { throw ExpressionError("index() outside an aggregate over its group") }
            return .number(Double(l))
        case .aggregate(let k, let g, let body):
            let n = ctx.layerCount(g)
            if n == 0 {
                if k == .sum { return .number(0) }
                throw ExpressionError("\(k.rawValue) over a group with no active layers")
            }
            var acc: Double = k == .min ? .infinity : (k == .max ? -.infinity : 0)
            for l in 0..<n {
                layers[g] = l
                let v = try body.number(ctx, &layers, in: k.rawValue)
                switch k {
                case .sum, .mean: acc += v
                case .min: acc = Swift.min(acc, v)
                case .max: acc = Swift.max(acc, v)
                }
            }
            layers[g] = nil
            return .number(k == .mean ? acc / Double(n) : acc)
        }
    }

    private static func apply(_ op: BinaryOperator, _ a: Double, _ b: Double) throws -> Double {
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide:
            guard b != 0 else { throw ExpressionError("division by zero") }
            return a / b
        case .power: return Foundation.pow(a, b)
        case .less: return a < b ? 1 : 0
        case .lessEqual: return a <= b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .greaterEqual: return a >= b ? 1 : 0
        case .equal: return a == b ? 1 : 0
        case .notEqual: return a != b ? 1 : 0
        }
    }
}
