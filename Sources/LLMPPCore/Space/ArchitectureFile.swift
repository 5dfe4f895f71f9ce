import Foundation

/// Architectures from a file a user hands over, in any of the forms the tool itself writes:
/// `name: value` lines (one architecture), a CSV with one column per dimension (a
/// measurements file's `latency_ms` column is ignored), or `arch --json` output.
public enum ArchitectureFile {
    public enum Format: Sendable, Equatable { case lines, csv, json }

    /// The form of `text`: JSON starts with `[` or `{`; a first line with a comma and no
    /// colon is a CSV header; anything else is `name: value` lines.
    public static func format(of text: String) -> Format {
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "[" || trimmed.first == "{" { return .json }
        let firstLine = trimmed.prefix { !$0.isNewline }
        return firstLine.contains(",") && !firstLine.contains(":") ? .csv : .lines
    }

    public static func architectures(_ text: String, file: String, space: SearchSpace) throws -> [Architecture] {
        switch format(of: text) {
        case .lines:
            do { return [try space.parse(text)] } catch let e as ArchitectureParseError {
                throw SpaceError(file: file, field: nil, problem: e.description.escapingControlCharacters)
            }
        case .csv:
            return try ArchitectureCSV.architectures(
                CSVTable.parse(text, file: file), file: file, space: space, extra: [LatencyMeasurements.latencyColumn])
        case .json:
            return try json(Data(text.utf8), file: file, space: space)
        }
    }

    /// `arch --json` output (objects with an "arch" member), or bare `{dimension: value}` objects.
    static func json(_ data: Data, file: String, space: SearchSpace) throws -> [Architecture] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw SpaceError(file: file, field: nil, problem: "not valid JSON")
        }
        let entries = (parsed as? [Any]) ?? [parsed]
        return try entries.enumerated().map { (i, entry) in
            let field = "entry \(i + 1)"
            guard let object = entry as? [String: Any], let arch = (object["arch"] ?? object) as? [String: Any] else {
                throw SpaceError(file: file, field: field, problem: "not an object of dimension values")
            }
            var values: [Int: String] = [:]
            for (key, value) in arch {
                guard let d = space.shape.dimensionIndex(key) else {
                    if object["arch"] == nil { continue }
                    throw SpaceError(
                        file: file, field: field,
                        problem: "unknown dimension '\(key.prefix(60).escapingControlCharacters)'")
                }
                let items = (value as? [Any]).map { $0.map(text) } ?? [text(value)]
                values[d] = items.joined(separator: ";")
            }
            do { return try space.shape.architecture(from: values) } catch let e as ArchitectureParseError {
                throw SpaceError(file: file, field: field, problem: e.description.escapingControlCharacters)
            }
        }
    }

    /// A JSON value as the text a choice matches: integers without a decimal point.
    static func text(_ v: Any) -> String {
        if let n = v as? NSNumber { return ExpressionValue.number(n.doubleValue).description }
        return (v as? String) ?? "\(v)"
    }
}
