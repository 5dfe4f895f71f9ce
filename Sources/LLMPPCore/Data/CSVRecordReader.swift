/// Splits CSV bytes into records (RFC 4180 quoting), each with the line it starts on, so an
/// error about a record names its line even after quoted fields that span lines.
/// Works on bytes: every delimiter is ASCII, so UTF-8 text inside fields passes through.
struct CSVRecordReader {
    struct Record: Equatable {
        var fields: [String]
        var line: Int
    }

    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    private let bytes: [UInt8]
    private let file: String
    private var i = 0
    private var line = 1
    private var field: [UInt8] = []
    private var record = Record(fields: [], line: 1)
    private var records: [Record] = []

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Every record, blank lines left out.
    mutating func read() throws -> [Record] {
        while i < bytes.count {
            if bytes[i] == Self.quote && field.isEmpty {
                try readQuotedField()
            } else {
                try readByte(bytes[i])
                i += 1
            }
        }
        if !field.isEmpty || !record.fields.isEmpty { try finishRecord() }
        return records.filter { $0.fields != [""] }
    }

    /// One byte outside quotes: a delimiter ends a field or a record; CR before LF is dropped
    /// (CRLF files) and a lone CR ends a record (old Mac files, which read as one long header).
    private mutating func readByte(_ c: UInt8) throws {
        switch c {
        case Self.comma: try finishField()
        case Self.cr where i + 1 < bytes.count && bytes[i + 1] == Self.lf: break
        case Self.cr, Self.lf:
            try finishRecord()
            line += 1
            record.line = line
        case Self.quote: throw error("a quote inside an unquoted field")
        default: field.append(c)
        }
    }

    /// A quoted field: runs to the closing quote ("" is a literal quote) and must be followed
    /// by a delimiter or the end.
    private mutating func readQuotedField() throws {
        i += 1
        while i < bytes.count {
            if bytes[i] == Self.quote {
                if i + 1 < bytes.count && bytes[i + 1] == Self.quote {
                    field.append(Self.quote)
                    i += 2
                    continue
                }
                i += 1
                guard i == bytes.count || bytes[i] == Self.comma || bytes[i] == Self.lf || bytes[i] == Self.cr else {
                    throw error("text after a closing quote")
                }
                return
            }
            if bytes[i] == Self.lf { line += 1 }
            field.append(bytes[i])
            i += 1
        }
        throw error("unterminated quoted field")
    }

    private mutating func finishField() throws {
        guard let s = String(validating: field, as: UTF8.self) else { throw error("not UTF-8 text") }
        record.fields.append(s)
        field.removeAll(keepingCapacity: true)
    }

    private mutating func finishRecord() throws {
        try finishField()
        records.append(record)
        record.fields = []
    }

    private func error(_ problem: String) -> SpaceError {
        SpaceError(file: file, field: "line \(line)", problem: problem)
    }
}
