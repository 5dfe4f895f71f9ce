import Foundation

/// A CSV file read whole: RFC 4180 quoting, a header row, string cells.
/// Errors carry the file and line so a malformed data file is named, not crashed on.
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    private let columnIndex: [String: Int]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
        var idx: [String: Int] = [:]
        for (i, h) in header.enumerated() where idx[h] == nil { idx[h] = i }
        self.columnIndex = idx
    }

    public func column(_ name: String) -> Int? { columnIndex[name] }

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

    // Works on bytes: every delimiter is ASCII, so UTF-8 text inside fields passes through.
    public static func parse(bytes: [UInt8], file: String) throws -> CSVTable {
        let quote = UInt8(ascii: "\"")
        let comma = UInt8(ascii: ",")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var line = 1
        var i = 0
        let n = bytes.count
        func finishField() throws {
            guard let s = String(validating: field, as: UTF8.self) else {
                throw SpaceError(file: file, field: "line \(line)", problem: "not UTF-8 text")
            }
            record.append(s)
            field.removeAll(keepingCapacity: true)
        }
        while i < n {
            let c = bytes[i]
            if c == quote && field.isEmpty {
                // Quoted field: runs to the closing quote; "" is a literal quote.
                i += 1
                var closed = false
                while i < n {
                    if bytes[i] == quote {
                        if i + 1 < n && bytes[i + 1] == quote {
                            field.append(quote)
                            i += 2
                            continue
                        }
                        closed = true
                        i += 1
                        break
                    }
                    if bytes[i] == lf { line += 1 }
                    field.append(bytes[i])
                    i += 1
                }
                if !closed { throw SpaceError(file: file, field: "line \(line)", problem: "unterminated quoted field") }
                if i < n && bytes[i] != comma && bytes[i] != lf && bytes[i] != cr {
                    throw SpaceError(file: file, field: "line \(line)", problem: "text after a closing quote")
                }
                continue
            }
            switch c {
            case comma: try finishField()
            case cr: break
            case lf:
                try finishField()
                records.append(record)
                record = []
                line += 1
            case quote:
                throw SpaceError(file: file, field: "line \(line)", problem: "a quote inside an unquoted field")
            default: field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !record.isEmpty {
            try finishField()
            records.append(record)
        }
        records.removeAll { $0 == [""] }
        guard let header = records.first else {
            throw SpaceError(file: file, field: nil, problem: "empty CSV: no header row")
        }
        let body = Array(records.dropFirst())
        for (i, r) in body.enumerated() where r.count != header.count {
            throw SpaceError(
                file: file, field: "line \(i + 2)",
                problem: "\(r.count) fields where the header has \(header.count)")
        }
        return CSVTable(header: header, rows: body)
    }
}
