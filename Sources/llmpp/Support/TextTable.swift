import Foundation

/// Plain aligned columns for terminal output: the first column and every column holding
/// words (a run id, a model, a status) left-aligned, figures right-aligned. (Every column but
/// the first was right-aligned: text columns' headers stood far from their values.)
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    /// Every cell on one line: cells quote servers and files (an error body), whose line
    /// breaks printed rows of their own.
    func render() -> String {
        let header = self.header.map(\.escapedToOneLine)
        let rows = self.rows.map { $0.map(\.escapedToOneLine) }
        let widths = header.indices.map { c in ([header[c]] + rows.map { $0[c] }).map(\.count).max() ?? 0 }
        let left = header.indices.map { c in c == 0 || rows.contains { Self.isWords($0[c]) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, s in
                let pad = String(repeating: " ", count: widths[i] - s.count)
                return left[i] ? s + pad : pad + s
            }.joined(separator: "  ").trimmingTrailingSpaces
        }
        // A column without a header (a "<- saved" mark) has no rule: dashes over nothing read
        // as a column of missing figures.
        let rule = widths.enumerated().map { c, w in String(repeating: header[c].isEmpty ? " " : "-", count: w) }
            .joined(separator: "  ").trimmingTrailingSpaces
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n")
    }

    /// A cell that starts with a letter ("ok", "local/qwen", "predict-2026..."): not a figure.
    static func isWords(_ cell: String) -> Bool {
        cell.unicodeScalars.first.map(CharacterSet.letters.contains) ?? false
    }
}

func fmt(_ v: Double?, _ digits: Int = 2) -> String {
    guard let v, v.isFinite else { return "-" }
    return String(format: "%.\(digits)f", v)
}

extension String {
    /// Without the padding a left-aligned last column leaves at the end of a line.
    fileprivate var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
