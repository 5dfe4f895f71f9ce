import Foundation

/// Turns parsed syntax into a `CompiledExpression` for one scope: names resolved (constants,
/// dimensions, per-layer values, definitions inlined), functions checked for their arguments,
/// and the limits that keep a hostile space file from exhausting the stack or memory.
final class ExpressionCompiler {
    /// Deepest compiled tree: definitions are inlined, so a chain of them can nest far
    /// deeper than any one formula; evaluation recurses once per level.
    static let maxDepth = 4 * ExpressionParser.maxDepth
    /// Largest compiled tree: definitions that each use the previous one twice double
    /// the size at every step (30 of them: a billion nodes).
    static let maxNodes = 100_000

    /// Where in the tree a node is compiled: the layer groups an aggregate has opened, the
    /// definitions being expanded (to catch cycles and name them) and the depth.
    struct Context {
        var openGroups: Set<Int>
        var expanding: [String]
        var depth: Int

        static let top = Context(openGroups: [], expanding: [], depth: 1)

        var child: Context { Context(openGroups: openGroups, expanding: expanding, depth: depth + 1) }

        /// " (definitions a -> b -> c)": where a limit was hit, for the error.
        var chain: String {
            let names = expanding.count > 6 ? expanding.prefix(3) + ["..."] + expanding.suffix(2) : expanding[...]
            return expanding.isEmpty ? "" : " (definitions \(names.joined(separator: " -> ")))"
        }
    }

    let scope: ExpressionScope
    private var nodes = 0

    init(scope: ExpressionScope) { self.scope = scope }

    func compile(_ e: ExpressionSyntax, _ cx: Context) throws -> CompiledExpression {
        try countNode(cx)
        let sub = { (x: ExpressionSyntax) in try self.compile(x, cx.child) }
        switch e {
        case .number(let v): return .constant(.number(v))
        case .string(let s): return .constant(.string(s))
        case .negate(let x): return .negate(try sub(x))
        case .binary(let op, let a, let b): return .binary(op, try sub(a), try sub(b))
        case .column(let t, let c): return try column(t, c)
        case .name(let n): return try name(n, cx)
        case .call(let f, let args): return try call(f, args, cx)
        }
    }

    /// The depth and size limits, checked at every node.
    private func countNode(_ cx: Context) throws {
        guard cx.depth <= Self.maxDepth else {
            throw ExpressionError(
                "the expression nests deeper than \(Self.maxDepth) levels once its definitions are expanded\(cx.chain)")
        }
        nodes += 1
        guard nodes <= Self.maxNodes else {
            throw ExpressionError(
                "the expression grows beyond \(Self.maxNodes) terms once its definitions are expanded\(cx.chain)")
        }
    }

    /// `table.column`: a lookup in one of the space's tables.
    private func column(_ t: String, _ c: String) throws -> CompiledExpression {
        guard let table = scope.tables[t] else {
            throw ExpressionError("unknown table '\(t)'" + Self.known(scope.tables.keys))
        }
        guard let col = table.columns[c] else {
            throw ExpressionError("table '\(t)' has no column '\(c)'")
        }
        return .column(table: table.index, column: col)
    }

    /// A name: a constant, a dimension's value, a per-layer value (inside its aggregate only)
    /// or a definition, inlined (one that reaches itself is an error naming the cycle).
    private func name(_ n: String, _ cx: Context) throws -> CompiledExpression {
        if let v = scope.constants[n] { return .constant(.number(v)) }
        if let d = scope.scalars[n] { return .scalar(d) }
        if let (d, g) = scope.perLayer[n] {
            guard cx.openGroups.contains(g) else {
                let gname = scope.groups.first { $0.value == g }?.key ?? "?"
                throw ExpressionError(
                    "'\(n)' has one value per layer of '\(gname)': use it inside sum(\(gname), ...) or mean(\(gname), ...)"
                )
            }
            return .layer(dimension: d, group: g)
        }
        if let def = scope.definitions[n] {
            guard !cx.expanding.contains(n) else {
                throw ExpressionError(
                    "definition '\(n)' refers to itself (\((cx.expanding + [n]).joined(separator: " -> ")))")
            }
            var inner = cx.child
            inner.expanding.append(n)
            return try compile(def, inner)
        }
        let names =
            Array(scope.constants.keys) + Array(scope.scalars.keys) + Array(scope.perLayer.keys)
            + Array(scope.definitions.keys)
        throw ExpressionError("unknown name '\(n)'" + Self.known(names))
    }

    /// A function call, its arguments checked: aggregates over a layer group, min/max, count,
    /// if, index, choice and the one-argument math functions.
    private func call(_ f: String, _ args: [ExpressionSyntax], _ cx: Context) throws -> CompiledExpression {
        let sub = { (x: ExpressionSyntax) in try self.compile(x, cx.child) }
        func arity(_ n: Int) throws {
            guard args.count == n else {
                throw ExpressionError("\(f)() takes \(n) argument\(n == 1 ? "" : "s"), got \(args.count)")
            }
        }
        // min and max over a layer group are aggregates; over two expressions, pairwise.
        if let k = AggregateKind(rawValue: f), args.count == 2, case .name(let g) = args[0], let gi = scope.groups[g] {
            var inner = cx.child
            inner.openGroups.insert(gi)
            return .aggregate(k, group: gi, try compile(args[1], inner))
        }
        switch f {
        case "sum", "mean":
            guard args.count == 2, case .name(let g) = args[0] else {
                throw ExpressionError("\(f)(GROUP, EXPR) takes a layer group and an expression")
            }
            throw ExpressionError("unknown layer group '\(g)'" + Self.known(scope.groups.keys))
        case "min", "max":
            try arity(2)
            return .pairwise(f == "min" ? .min : .max, try sub(args[0]), try sub(args[1]))
        case "count": return .count(group: try group(of: args, for: "count(GROUP) takes a layer group").index)
        case "if":
            try arity(3)
            return .condition(try sub(args[0]), try sub(args[1]), try sub(args[2]))
        case "index":
            let (g, gi) = try group(of: args, for: "index(GROUP) takes a layer group")
            guard cx.openGroups.contains(gi) else {
                throw ExpressionError("index(\(g)) is the layer of an aggregate: use it inside sum(\(g), ...) etc.")
            }
            return .layerIndex(group: gi)
        case "choice": return try choice(args, sub: sub)
        default:
            guard let m = MathFunction(rawValue: f) else {
                throw ExpressionError(
                    "unknown function '\(f)' (known: sum, mean, min, max, count, index, if, choice, abs, sqrt, log, exp, floor, ceil, round)"
                )
            }
            try arity(1)
            return .math(m, try sub(args[0]))
        }
    }

    /// The layer group a one-argument function names: its name and index.
    private func group(of args: [ExpressionSyntax], for usage: String) throws -> (name: String, index: Int) {
        guard args.count == 1, case .name(let g) = args[0], let gi = scope.groups[g] else {
            throw ExpressionError(usage + Self.known(scope.groups.keys))
        }
        return (g, gi)
    }

    /// `choice(dim, v1, ..., vn)`: the value given for the dimension's current choice, one
    /// per choice in the space file's order. Compiled to comparisons with the choices.
    private func choice(_ args: [ExpressionSyntax], sub: (ExpressionSyntax) throws -> CompiledExpression) throws
        -> CompiledExpression
    {
        guard let first = args.first, case .name(let n) = first,
            let d = scope.scalars[n] ?? scope.perLayer[n]?.dimension, let options = scope.choices[d]
        else {
            throw ExpressionError("choice(DIMENSION, one value per choice) takes a dimension's alias first")
        }
        let values = Array(args.dropFirst())
        guard values.count == options.count else {
            throw ExpressionError(
                "choice(\(n), ...) needs \(options.count) values, one per choice (\(options.map(\.description).joined(separator: ", "))); got \(values.count)"
            )
        }
        let dimension = try sub(first)
        var result = try sub(values[values.count - 1])
        for i in stride(from: values.count - 2, through: 0, by: -1) {
            result = .condition(.binary(.equal, dimension, .constant(options[i])), try sub(values[i]), result)
        }
        return result
    }

    static func known(_ names: some Sequence<String>) -> String {
        let list = names.sorted()
        return list.isEmpty ? "" : " (known: \(list.joined(separator: ", ")))"
    }
}
