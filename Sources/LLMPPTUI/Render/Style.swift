/// What a cell looks like: a theme role plus text attributes. Colours come from the theme
/// at blit time, so a rendered buffer is the same whatever the terminal can show.
public struct Style: Hashable, Sendable {
    public var role: Role
    public var bold = false
    public var reverse = false
    public var underline = false
    public init(_ role: Role, bold: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.role = role
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }
    public static let normal = Style(.normal)
    public static let dim = Style(.dim)
}

/// Semantic colours; a theme file gives each one its colours.
public enum Role: String, CaseIterable, Sendable, Hashable {
    case normal, dim, accent, title, border, borderFocused, selection, good, bad, warning
    case distill, expensive, pareto, constraint, switchMark, barDone, barTodo
    case gen0, gen1, gen2, gen3, gen4, gen5
    case promptRole, promptInstructions, promptDefinitions, promptDemos, promptQuestion, response
}

public struct Cell: Hashable, Sendable {
    public var scalar: Unicode.Scalar
    public var style: Style
    public static let blank = Cell(scalar: " ", style: .normal)
}
