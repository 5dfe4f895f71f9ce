import Foundation

/// Architectures as CSV rows: one column per dimension, headed by its name or alias,
/// per-layer values `;`-joined as in the spaces' tables. Errors name the file, the line
/// and the column, so a hand-written file can be fixed from the message alone.
public enum ArchitectureCSV {
    /// Larger files are refused before they are read (a measurements file is a few rows).
    public static let maxBytes = 16 << 20

    public static func load(path: String) throws -> CSVTable {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw SpaceError(file: path, field: nil, problem: "cannot read the file")
        }
        if let size = attributes[.size] as? Int, size > maxBytes {
            throw SpaceError(file: path, field: nil, problem: "\(size) bytes; at most \(maxBytes) are read")
        }
        return try CSVTable.load(path: path)
    }

    /// The rows' architectures; columns outside the space must be listed in `extra`.
    public static func architectures(
        _ table: CSVTable, file: String, space: SearchSpace, extra: Set<String> = []
    ) throws -> [Architecture] {
        var columnOf: [Int: Int] = [:]
        for (c, header) in table.header.enumerated() where !extra.contains(header) {
            let name = header.prefix(60).escapingControlCharacters
            guard let d = space.shape.dimensionIndex(header) else {
                throw SpaceError(
                    file: file, field: "column '\(name)'",
                    problem:
                        "not a dimension of \(space.id) (dimensions: \(space.dimensions.map(\.alias).joined(separator: ", ")))"
                )
            }
            if let other = columnOf[d] {
                throw SpaceError(
                    file: file, field: "column '\(name)'",
                    problem: "'\(space.dimensions[d].name)' is already given by column \(other + 1)")
            }
            columnOf[d] = c
        }
        if let missing = space.dimensions.indices.first(where: { columnOf[$0] == nil }) {
            let d = space.dimensions[missing]
            throw SpaceError(file: file, field: nil, problem: "no column for dimension '\(d.name)' (or '\(d.alias)')")
        }
        return try table.rows.enumerated().map { (r, row) in
            do {
                return try space.shape.architecture(from: columnOf.mapValues { row[$0] })
            } catch let e as ArchitectureParseError {
                throw SpaceError(
                    file: file, field: "line \(table.line(ofRow: r))", problem: e.description.escapingControlCharacters)
            }
        }
    }
}
