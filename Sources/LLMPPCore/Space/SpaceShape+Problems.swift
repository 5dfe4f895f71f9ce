import Foundation

extension SpaceShape {
    /// Every problem with `name: value` lines at once (lines that are not `name: value`,
    /// unknown or repeated names, values that are no choice, every missing dimension), for a
    /// form that keeps its input: `parse` stops at the first, so a user fixing an
    /// architecture by hand learnt of one missing dimension per try. Empty when `parse`
    /// succeeds.
    public func problems(_ text: String) -> [String] {
        // What a message quotes of the input, cut: a pasted value of 12,000 characters filled
        // the form with its one problem.
        func quoted<S: StringProtocol>(_ s: S) -> String { s.count > 60 ? "\(s.prefix(59))…" : String(s) }
        var problems: [String] = []
        var given = Set<Int>()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let colon = line.firstIndex(of: ":") else {
                problems.append("'\(quoted(line))' is not a 'name: value' line")
                continue
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard let d = dimensionIndex(key) else {
                problems.append("unknown dimension '\(quoted(key))'")
                continue
            }
            guard given.insert(d).inserted else {
                problems.append("'\(quoted(key))' given twice")
                continue
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let dim = dimensions[d]
            let items = dim.group == nil ? [value] : Self.splitList(value)
            for item in items where !dim.choices.contains(where: { $0.matches(item) }) {
                problems.append(
                    "'\(dim.name)': '\(quoted(item))' is not one of \(dim.choices.map(\.description).joined(separator: ", "))"
                )
            }
        }
        let missing = dimensions.indices.filter { !given.contains($0) }.map { dimensions[$0].name }
        if !missing.isEmpty { problems.append("missing \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
        // What only the whole architecture shows (a layer list's length against its count).
        if problems.isEmpty {
            do { _ = try parse(text) } catch { problems.append("\(error)") }
        }
        return problems
    }
}
