/// What an expression evaluates to: a number, or a string (categorical choices such as
/// NAS-Bench-201's operation names compare with `==`).
public enum ExpressionValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case string(String)

    public var description: String {
        switch self {
        case .number(let v): return v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        case .string(let s): return s
        }
    }

    func number(in what: String) throws -> Double {
        switch self {
        case .number(let v): return v
        case .string(let s): throw ExpressionError("\(what) needs a number, got the string \"\(s)\"")
        }
    }
}
