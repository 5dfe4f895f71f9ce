/// Recursive-descent parser for the space-file expression language.
///
///     expr    := compare
///     compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
///     sum     := product (("+" | "-") product)*
///     product := power (("*" | "/") power)*
///     power   := unary ("^" power)?          right-associative
///     unary   := "-" unary | primary
///     primary := number | "string" | name | name "." name | name "(" args ")" | "(" expr ")"
///
/// Nesting is bounded (`maxDepth`): the parser, the compiler and the evaluator recurse
/// once per level, so 30,000 parentheses would overflow the stack instead of failing.
public struct ExpressionParser {
    /// Deepest syntax tree accepted: parentheses, calls, unary minus, `^` chains and long
    /// `a + b + c ...` chains (one level per term) all count. Real formulas stay below 30;
    /// the worst case allowed runs on a 512 KB thread stack (tested).
    public static let maxDepth = 256

    private enum Token: Equatable {
        case number(Double)
        case string(String)
        case name(String)
        case op(String)
        case end
    }

    /// A parsed subtree and its depth, so that depth is checked as the tree grows.
    private typealias Node = (syntax: ExpressionSyntax, depth: Int)

    private var tokens: [(Token, Int)] = []
    private var index = 0
    /// Rules entered and not yet left: bounds the recursion before any node exists.
    private var nesting = 0

    public static func parse(_ source: String) throws -> ExpressionSyntax {
        var parser = ExpressionParser()
        parser.tokens = try tokenize(source)
        let expr = try parser.parseCompare()
        if case (let tok, let pos) = parser.tokens[parser.index], tok != .end {
            throw ExpressionError("unexpected \(describe(tok)) after a complete expression", at: pos)
        }
        return expr.syntax
    }

    private func tooDeep() -> ExpressionError {
        ExpressionError(
            "the expression nests deeper than \(Self.maxDepth) levels (parentheses, calls, operators)", at: position)
    }

    /// A node over `children`, refused when it would be deeper than `maxDepth`.
    private func node(_ syntax: ExpressionSyntax, _ children: Node...) throws -> Node {
        let depth = (children.map(\.depth).max() ?? 0) + 1
        guard depth <= Self.maxDepth else { throw tooDeep() }
        return (syntax, depth)
    }

    /// Runs a rule that recurses, refusing to go deeper than `maxDepth` rules at once.
    private mutating func descend(_ rule: (inout ExpressionParser) throws -> Node) throws -> Node {
        guard nesting < Self.maxDepth else { throw tooDeep() }
        nesting += 1
        defer { nesting -= 1 }
        return try rule(&self)
    }

    private static func describe(_ t: Token) -> String {
        switch t {
        case .number(let v): return "number \(v)"
        case .string(let s): return "string \"\(s)\""
        case .name(let n): return "name '\(n)'"
        case .op(let o): return "'\(o)'"
        case .end: return "end of expression"
        }
    }

    private static func tokenize(_ source: String) throws -> [(Token, Int)] {
        let chars = Array(source.unicodeScalars)
        var out: [(Token, Int)] = []
        var i = 0
        while i < chars.count {
            if [" ", "\t", "\n", "\r"].contains(chars[i]) {
                i += 1
                continue
            }
            let (token, end) = try self.token(in: chars, at: i)
            out.append((token, i))
            i = end
        }
        out.append((.end, chars.count))
        return out
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.properties.isAlphabetic && c.isASCII)
    }
    private static func isNameChar(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || isDigit(c) }

    /// The token starting at `i` and where it ends.
    private static func token(in chars: [Unicode.Scalar], at i: Int) throws -> (Token, Int) {
        let c = chars[i]
        let text = { (j: Int, k: Int) in String(String.UnicodeScalarView(chars[j..<k])) }
        if isDigit(c) || (c == "." && i + 1 < chars.count && isDigit(chars[i + 1])) {
            let j = numberEnd(chars, from: i)
            guard let v = Double(text(i, j)) else { throw ExpressionError("malformed number '\(text(i, j))'", at: i) }
            return (.number(v), j)
        }
        if isNameStart(c) {
            let j = chars[i...].firstIndex { !isNameChar($0) } ?? chars.count
            return (.name(text(i, j)), j)
        }
        if c == "\"" {
            guard let j = chars[(i + 1)...].firstIndex(of: "\"") else {
                throw ExpressionError("unterminated string", at: i)
            }
            return (.string(text(i + 1, j)), j + 1)
        }
        let two = i + 1 < chars.count ? String(c) + String(chars[i + 1]) : ""
        if ["==", "!=", "<=", ">="].contains(two) { return (.op(two), i + 2) }
        if "+-*/^(),.<>".unicodeScalars.contains(c) { return (.op(String(c)), i + 1) }
        throw ExpressionError("unexpected character '\(c)'", at: i)
    }

    /// Where a number starting at `i` ends: digits and points, then an exponent if one follows
    /// (an 'e' without digits after it is left for the next token).
    private static func numberEnd(_ chars: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        while j < chars.count, isDigit(chars[j]) || chars[j] == "." { j += 1 }
        guard j < chars.count, chars[j] == "e" || chars[j] == "E" else { return j }
        var k = j + 1
        if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
        guard k < chars.count, isDigit(chars[k]) else { return j }
        while k < chars.count, isDigit(chars[k]) { k += 1 }
        return k
    }

    private var current: Token { tokens[index].0 }
    private var position: Int { tokens[index].1 }

    private mutating func accept(_ op: String) -> Bool {
        if current == .op(op) {
            index += 1
            return true
        }
        return false
    }

    private mutating func expect(_ op: String) throws {
        guard accept(op) else {
            throw ExpressionError("expected '\(op)', found \(Self.describe(current))", at: position)
        }
    }

    private mutating func parseCompare() throws -> Node {
        try descend { p in
            let lhs = try p.parseSum()
            for op in [BinaryOperator.equal, .notEqual, .lessEqual, .greaterEqual, .less, .greater]
            where p.accept(op.rawValue) {
                let rhs = try p.parseSum()
                return try p.node(.binary(op, lhs.syntax, rhs.syntax), lhs, rhs)
            }
            return lhs
        }
    }

    private mutating func parseSum() throws -> Node {
        var lhs = try parseProduct()
        while true {
            if accept("+") {
                let rhs = try parseProduct()
                lhs = try node(.binary(.add, lhs.syntax, rhs.syntax), lhs, rhs)
            } else if accept("-") {
                let rhs = try parseProduct()
                lhs = try node(.binary(.subtract, lhs.syntax, rhs.syntax), lhs, rhs)
            } else {
                return lhs
            }
        }
    }

    private mutating func parseProduct() throws -> Node {
        var lhs = try parsePower()
        while true {
            if accept("*") {
                let rhs = try parsePower()
                lhs = try node(.binary(.multiply, lhs.syntax, rhs.syntax), lhs, rhs)
            } else if accept("/") {
                let rhs = try parsePower()
                lhs = try node(.binary(.divide, lhs.syntax, rhs.syntax), lhs, rhs)
            } else {
                return lhs
            }
        }
    }

    private mutating func parsePower() throws -> Node {
        let base = try parseUnary()
        guard accept("^") else { return base }
        let exponent = try descend { try $0.parsePower() }
        return try node(.binary(.power, base.syntax, exponent.syntax), base, exponent)
    }

    private mutating func parseUnary() throws -> Node {
        guard accept("-") else { return try parsePrimary() }
        let operand = try descend { try $0.parseUnary() }
        return try node(.negate(operand.syntax), operand)
    }

    private mutating func parsePrimary() throws -> Node {
        let pos = position
        switch current {
        case .number(let v):
            index += 1
            return (.number(v), 1)
        case .string(let s):
            index += 1
            return (.string(s), 1)
        case .name(let n):
            index += 1
            if accept(".") {
                guard case .name(let col) = current else {
                    throw ExpressionError("expected a column name after '\(n).'", at: position)
                }
                index += 1
                return (.column(table: n, column: col), 1)
            }
            if accept("(") {
                var args: [Node] = []
                if !accept(")") {
                    repeat { args.append(try parseCompare()) } while accept(",")
                    try expect(")")
                }
                let depth = (args.map(\.depth).max() ?? 0) + 1
                guard depth <= Self.maxDepth else { throw tooDeep() }
                return (.call(n, args.map(\.syntax)), depth)
            }
            return (.name(n), 1)
        case .op("("):
            index += 1
            let e = try parseCompare()
            try expect(")")
            return e
        default:
            throw ExpressionError("expected a value, found \(Self.describe(current))", at: pos)
        }
    }
}
