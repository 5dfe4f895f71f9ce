import Foundation

/// A CSV file read whole: RFC 4180 quoting, a header row, string cells.
/// Errors carry the file and line so a malformed data file is named, not crashed on.
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    /// The file's line each row starts on (a quoted field can span lines; blank lines are
    /// skipped), for errors that name a row.
    public let rowLines: [Int]
    private let columnIndex: [String: Int]

    /// `rowLines` default to a file without blank lines or multi-line fields: row r on line r + 2.
    public init(header: [String], rows: [[String]], rowLines: [Int]? = nil) {
        self.header = header
        self.rows = rows
        self.rowLines = rowLines ?? rows.indices.map { $0 + 2 }
        var idx: [String: Int] = [:]
        for (i, h) in header.enumerated() where idx[h] == nil { idx[h] = i }
        self.columnIndex = idx
    }

    public func column(_ name: String) -> Int? { columnIndex[name] }

    /// The line row `r` starts on.
    public func line(ofRow r: Int) -> Int { rowLines[r] }

    /// The table as CSV text, quoting the cells that need it (what `parse` reads back).
    public var text: String {
        func cell(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        return ([header] + rows).map { $0.map(cell).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    public static func load(path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpaceError(file: path, field: nil, problem: "cannot read the file")
        }
        return try parse(bytes: [UInt8](data), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> CSVTable {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// The table in `bytes`: a header row and rows of as many fields. A UTF-8 byte-order mark
    /// (what spreadsheets write) is not part of the first column's name: it made the first
    /// dimension of a measurements sheet unknown, and a new space's first dimension misnamed.
    public static func parse(bytes: [UInt8], file: String) throws -> CSVTable {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        var reader = CSVRecordReader(bytes: bytes.starts(with: bom) ? Array(bytes.dropFirst(3)) : bytes, file: file)
        let records = try reader.read()
        guard let header = records.first?.fields else {
            throw SpaceError(file: file, field: nil, problem: "empty CSV: no header row")
        }
        let body = records.dropFirst()
        if let bad = body.first(where: { $0.fields.count != header.count }) {
            throw SpaceError(
                file: file, field: "line \(bad.line)",
                problem: "\(bad.fields.count) fields where the header has \(header.count)")
        }
        return CSVTable(header: header, rows: body.map(\.fields), rowLines: body.map(\.line))
    }
}
