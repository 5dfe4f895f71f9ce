/// What the keyboard talks to, one at a time. It replaces five flags (filter editing, the
/// inject text, the quit question, help, the detail popup) that could be set together, where
/// which one a key reached depended on the order of the controller's checks.
public enum Mode: Equatable, Sendable {
    /// Panes, selection and steering keys.
    case browse
    /// Typing the table's filter after `/`.
    case filter
    /// The inject form after `i`.
    case inject(InjectForm)
    /// "Quit? y/n" or "Restart? y/n" while a run can still go on.
    case confirm(Question)
    /// The key list, scrolled and filtered.
    case help(HelpView)
    /// The selected architecture's popup.
    case detail

    /// What a stray key must not do at once to a run that can still go on: leave it (`q`) or
    /// start another in its place (`r`). Either leaves it resumable, which the question says.
    public enum Question: Equatable, Sendable {
        case quit, restart

        /// The key that asked, which answers yes when pressed again (`q q`, `r r`).
        var key: Key { self == .quit ? .char("q") : .char("r") }
        /// The command a yes sends.
        var command: Command { self == .quit ? .quit : .restart }
    }

    public var isHelp: Bool {
        if case .help = self { return true }
        return false
    }
}

/// The inject form: the text typed so far and, after a refused Enter, every problem with it
/// (the text stays, to be fixed rather than typed again).
public struct InjectForm: Equatable, Sendable {
    public var text = ""
    public var problems: [String] = []
    /// The architecture selected when the form opened and its `name: value; ...` text, which
    /// Tab copies into the line to edit (every dimension had to be typed by hand, and the
    /// example shown changed under the user as the search moved the selection).
    public var templateID: String? = nil
    public var templateText = ""

    public init(text: String = "", problems: [String] = [], templateID: String? = nil, templateText: String = "") {
        self.text = text
        self.problems = problems
        self.templateID = templateID
        self.templateText = templateText
    }

    /// A fresh form whose template is the model's selected architecture.
    static func opening(_ m: ExplorerModel, text: String = "", problems: [String] = []) -> InjectForm {
        InjectForm(
            text: text, problems: problems, templateID: m.selected?.id, templateText: m.archText.joined(separator: "; ")
        )
    }
}

/// The help overlay's state: its first row shown, and a filter on the keys and their
/// descriptions (`/` in help starts typing it).
public struct HelpView: Equatable, Sendable {
    public var scroll = 0
    public var filter = ""
    public var editingFilter = false

    public init(scroll: Int = 0, filter: String = "", editingFilter: Bool = false) {
        self.scroll = scroll
        self.filter = filter
        self.editingFilter = editingFilter
    }

    /// The bindings that match the filter, in the key map's order.
    public var bindings: [Binding] {
        let f = filter.lowercased()
        return f.isEmpty
            ? KeyMap.bindings
            : KeyMap.bindings.filter { Self.startsAWord(f, in: $0.label) || Self.startsAWord(f, in: $0.help) }
    }

    /// Whether `f` stands in `text` from the start of a word: "pace" finds "pace expensive
    /// evaluations" but no longer "Space", "switch po" still finds "switch point".
    static func startsAWord(_ f: String, in text: String) -> Bool {
        let lower = text.lowercased()
        var from = lower.startIndex
        while let r = lower.range(of: f, range: from..<lower.endIndex) {
            if r.lowerBound == lower.startIndex { return true }
            let before = lower[lower.index(before: r.lowerBound)]
            if !(before.isLetter || before.isNumber) || !(f.first?.isLetter ?? false) { return true }
            from = lower.index(after: r.lowerBound)
        }
        return false
    }
}
