import Foundation

/// A JSON document with ordered keys, for machine-readable output whose field order
/// is part of the documented interface. Non-finite numbers become null.
public indirect enum JSONValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public init(stringLiteral s: String) { self = .string(s) }
    public init(integerLiteral i: Int) { self = .number(Double(i)) }
    public init(floatLiteral d: Double) { self = .number(d) }
    public init(booleanLiteral b: Bool) { self = .bool(b) }
    public init(nilLiteral: ()) { self = .null }

    public static func number(_ d: Double?) -> JSONValue { d.map { $0.isFinite ? .number($0) : .null } ?? .null }
    public static func string(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public func rendered(pretty: Bool = false) -> String {
        var out = ""
        write(into: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(into out: inout String, pretty: Bool, indent: Int) {
        let nl = pretty ? "\n" : ""
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let end = pretty ? String(repeating: "  ", count: indent) : ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d):
            if !d.isFinite {
                out += "null"
            } else if d == d.rounded() && abs(d) < 9e15 {
                out += String(Int64(d))
            } else {
                out += "\(d)"
            }
        case .string(let s): out += Self.quote(s)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[" + nl
            for (i, v) in items.enumerated() {
                out += pad
                v.write(into: &out, pretty: pretty, indent: indent + 1)
                out += (i + 1 < items.count ? "," : "") + nl
            }
            out += end + "]"
        case .object(let fields):
            if fields.isEmpty {
                out += "{}"
                return
            }
            out += "{" + nl
            for (i, (k, v)) in fields.enumerated() {
                out += pad + Self.quote(k) + (pretty ? ": " : ":")
                v.write(into: &out, pretty: pretty, indent: indent + 1)
                out += (i + 1 < fields.count ? "," : "") + nl
            }
            out += end + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var r = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": r += "\\\""
            case "\\": r += "\\\\"
            case "\n": r += "\\n"
            case "\r": r += "\\r"
            case "\t": r += "\\t"
            default:
                if u.value < 0x20 { r += String(format: "\\u%04x", u.value) } else { r.unicodeScalars.append(u) }
            }
        }
        return r + "\""
    }
}
