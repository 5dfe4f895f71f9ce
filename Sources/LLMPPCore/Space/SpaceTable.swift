/// A data table of a space, with its rows keyed by architecture so that expressions
/// (`cells.flops_M`, `trained.valid_BLEU`) can read an architecture's row.
public struct SpaceTable: Sendable {
    public enum Keying: Sendable {
        /// Rows are architectures (one column per dimension); key = architecture id.
        case architectures
        /// Rows are keyed by `column`; an architecture's key is `template` rendered.
        case template(column: Int, template: KeyTemplate)
    }

    public let name: String
    public let file: String
    public let header: [String]
    public let keying: Keying
    /// Cells parsed once: numbers where they parse, strings otherwise.
    public let cells: [[ExpressionValue]]
    public let rowByKey: [String: Int]
    /// The architecture of each row; empty when the key names only some dimensions
    /// (such a table serves look-ups but cannot list architectures).
    public let architectures: [Architecture]
    /// The file's line each row starts on.
    public let rowLines: [Int]

    public func columnIndex(_ name: String) -> Int? { header.firstIndex(of: name) }

    public func row(for arch: Architecture, in space: SpaceShape) -> Int? {
        switch keying {
        case .architectures: return rowByKey[space.id(arch)]
        case .template(_, let t): return rowByKey[t.render(arch, space: space)]
        }
    }
}

/// A key template such as `|{e10}~0|+|{e20}~0|{e21}~1|...`: literal text and `{alias}` holes.
/// It renders an architecture's key and parses a key back into an architecture.
public struct KeyTemplate: Sendable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case dimension(Int)
    }
    let parts: [Part]

    init(_ source: String, aliases: [String: Int]) throws {
        var parts: [Part] = []
        var rest = Substring(source)
        while !rest.isEmpty {
            if let open = rest.firstIndex(of: "{") {
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                guard let close = rest[open...].firstIndex(of: "}") else {
                    throw ExpressionError("unclosed '{' in key template")
                }
                let alias = String(rest[rest.index(after: open)..<close])
                guard let d = aliases[alias] else {
                    throw ExpressionError("unknown dimension '\(alias)' in key template")
                }
                if case .dimension = parts.last {
                    throw ExpressionError("two dimensions in a row in a key template cannot be told apart")
                }
                parts.append(.dimension(d))
                rest = rest[rest.index(after: close)...]
            } else {
                parts.append(.literal(String(rest)))
                rest = ""
            }
        }
        self.parts = parts
    }

    func render(_ arch: Architecture, space: SpaceShape) -> String {
        var s = ""
        for p in parts {
            switch p {
            case .literal(let l): s += l
            case .dimension(let d): s += space.text(of: arch, dimension: d, separator: ";")
            }
        }
        return s
    }

    /// Dimensions the template names; a key that names them all identifies an architecture.
    var dimensions: Set<Int> {
        Set(parts.compactMap { if case .dimension(let d) = $0 { return d } else { return nil } })
    }

    /// Splits a key into dimension index -> text, or nil when the key does not fit.
    func parse(_ key: String) -> [Int: String]? {
        var out: [Int: String] = [:]
        var rest = Substring(key)
        for (i, p) in parts.enumerated() {
            switch p {
            case .literal(let l):
                guard rest.hasPrefix(l) else { return nil }
                rest = rest.dropFirst(l.count)
            case .dimension(let d):
                if i + 1 < parts.count, case .literal(let next) = parts[i + 1] {
                    guard let r = rest.range(of: next) else { return nil }
                    out[d] = String(rest[..<r.lowerBound])
                    rest = rest[r.lowerBound...]
                } else {
                    out[d] = String(rest)
                    rest = ""
                }
            }
        }
        return rest.isEmpty ? out : nil
    }
}
