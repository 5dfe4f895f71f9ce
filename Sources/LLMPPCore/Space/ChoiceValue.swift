/// One choice of a dimension as written in the space file: an integer, a real or a name.
public enum ChoiceValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case int(Int)
    case real(Double)
    case string(String)

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            self = .int(i)
            return
        }
        if let d = try? c.decode(Double.self) {
            self = .real(d)
            return
        }
        if let s = try? c.decode(String.self) {
            self = .string(s)
            return
        }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "a choice must be a number or a string")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let i): try c.encode(i)
        case .real(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        }
    }

    /// The form used in the data's `name: value` lines.
    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .real(let d): return String(d)
        case .string(let s): return s
        }
    }

    public var expressionValue: ExpressionValue {
        switch self {
        case .int(let i): return .number(Double(i))
        case .real(let d): return .number(d)
        case .string(let s): return .string(s)
        }
    }

    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .real(let d): return d
        case .string: return nil
        }
    }

    /// Whether `text` (from a data file or a user) denotes this choice: "512" and "512.0" both match 512.
    public func matches(_ text: String) -> Bool {
        if text == description { return true }
        if let n = number, let t = Double(text) { return n == t }
        return false
    }
}
