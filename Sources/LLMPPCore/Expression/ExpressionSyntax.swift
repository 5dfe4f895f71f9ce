/// The parsed form of an expression as written in a space file, before names are resolved.
/// The language is small on purpose: arithmetic, comparisons, `if`, a few math functions,
/// aggregates over a layer group and `table.column` look-ups: enough for closed-form
/// FLOPs/parameter counts, feature encodings and look-up tables, without Swift code.
public indirect enum ExpressionSyntax: Sendable, Equatable {
    case number(Double)
    case string(String)
    case name(String)
    case column(table: String, column: String)
    case negate(ExpressionSyntax)
    case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax)
    case call(String, [ExpressionSyntax])
}

public enum BinaryOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case power = "^"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
}

public struct ExpressionError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    /// Character offset in the source, when the error belongs to a place in it.
    public let position: Int?
    public init(_ message: String, at position: Int? = nil) {
        self.message = message
        self.position = position
    }
    public var description: String {
        if let position { return "\(message) (at character \(position + 1))" }
        return message
    }
}
