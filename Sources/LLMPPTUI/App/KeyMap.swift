/// An input event, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, escape, tab, backTab, backspace, resize
    /// Ctrl-L: repaint everything (after anything else wrote on the screen).
    case repaint
    /// Ctrl-U: clear the line being typed.
    case clearLine
    case click(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
}

public enum Action: Hashable, Sendable {
    case quit, help, nextPane, previousPane
    case focus(Pane)
    case up, down, left, right, pageUp, pageDown, top, bottom, open
    case filter, togglePause, step, switchEarlier, switchLater, tighten, loosen
    case pin, ban, inject, restart, toggleColor, cycleSort, reverseSort, copyPrompt, cycleTheme, cycleCallFilter
    case cyclePlotY, paceFaster, paceSlower, repaint, zoom
}

/// One key binding, lazygit-style: its keys, what it does (help), whether and where the
/// status bar shows it, and why it cannot act now. The help overlay, the status bar and the
/// controller's refusals all come from this list, so they cannot drift apart.
public struct Binding: Sendable {
    public let keys: [Key]
    public let label: String
    public let action: Action
    public let help: String
    /// The status bar's word for it (shown after `hintLabel`); nil: only in help.
    public let hint: String?
    /// The status bar's key label when it differs from `label` (`< >` for the pair).
    public let hintLabel: String?
    /// The panes whose status bar shows it; empty: every pane.
    public let panes: [Pane]
    /// Why the key cannot act now, nil when it can: said on the status line when pressed,
    /// shown beside it in help, and its hint is dimmed.
    public let disabledReason: @Sendable (ExplorerModel) -> String?
    /// The status bar's word as the run now stands, where it changes (Space: pause or resume).
    let hintNow: @Sendable (ExplorerModel) -> String?

    public init(
        _ keys: [Key], _ label: String, _ action: Action, _ help: String, hint: String? = nil,
        hintLabel: String? = nil, panes: [Pane] = [],
        disabled: @escaping @Sendable (ExplorerModel) -> String? = { _ in nil },
        hintNow: @escaping @Sendable (ExplorerModel) -> String? = { _ in nil }
    ) {
        self.keys = keys
        self.label = label
        self.action = action
        self.help = help
        self.hint = hint
        self.hintLabel = hintLabel
        self.panes = panes
        self.disabledReason = disabled
        self.hintNow = hintNow
    }

    /// The status bar's word for it now.
    func hint(for m: ExplorerModel) -> String { hintNow(m) ?? hint ?? "" }

    /// Whether the focused pane's status bar lists it.
    public func shows(in pane: Pane) -> Bool { hint != nil && (panes.isEmpty || panes.contains(pane)) }
}

/// The reasons keys are refused, each said the same way wherever it applies.
enum Refusal {
    static let finished = "the run is finished: r starts a new run with these settings"

    static func finishedRun(_ m: ExplorerModel) -> String? { m.state.finished ? finished : nil }

    static func noSelection(_ m: ExplorerModel) -> String? { m.selected == nil ? "no architecture selected" : nil }

    static func noConstraint(_ m: ExplorerModel) -> String? {
        m.config.constraint.isNone ? "this run has no constraint to change" : nil
    }

    static func notPaced(_ m: ExplorerModel) -> String? {
        m.config.pace == nil ? "expensive evaluations are not paced in this run (start it with --pace 1000)" : nil
    }

    static func noCall(_ m: ExplorerModel) -> String? {
        m.visibleCalls.indices.contains(m.selectedCall) ? nil : "no call selected"
    }
}

public enum KeyMap {
    public static let bindings: [Binding] = navigation + steering + views

    static let navigation: [Binding] = [
        Binding([.char("?")], "?", .help, "show or hide this help (/ filters it)", hint: "help"),
        Binding(
            [.char("q")], "q", .quit, "quit (asks while a run can go on; the run stays resumable)", hint: "quit"),
        Binding([.tab], "Tab", .nextPane, "next pane", hint: "panes"),
        Binding([.backTab], "Shift-Tab", .previousPane, "previous pane"),
        Binding([.char("1")], "1", .focus(.plot), "Pareto plot"),
        Binding([.char("2")], "2", .focus(.population), "population table"),
        Binding([.char("3")], "3", .focus(.calls), "LLM calls"),
        Binding([.char("4")], "4", .focus(.prompt), "prompt inspector"),
        Binding([.char("5")], "5", .focus(.quality), "predictor quality"),
        Binding([.char("z")], "z", .zoom, "zoom the focused pane to the whole screen, or back", hint: "zoom"),
        Binding([.up, .char("k")], "↑ k", .up, "move up / scroll up"),
        Binding(
            [.down, .char("j")], "↓ j", .down, "move down / scroll down", hint: "scroll", hintLabel: "j/k",
            panes: [.prompt]),
        Binding([.left, .char("h")], "← h", .left, "previous point (plot) / sort column (table scrolls to it)"),
        Binding([.right, .char("l")], "→ l", .right, "next point (plot) / sort column (◀ ▶: columns off-screen)"),
        Binding([.pageUp], "PgUp", .pageUp, "page up"),
        Binding([.pageDown], "PgDn", .pageDown, "page down"),
        Binding([.char("g"), .home], "g", .top, "go to the top"),
        Binding([.char("G"), .end], "G", .bottom, "go to the bottom"),
        Binding(
            [.enter], "Enter", .open, "open the architecture (configuration and its LLM calls)", hint: "open",
            panes: [.plot, .population, .calls]),
        Binding(
            [.char("/")], "/", .filter, "filter the table (id, source, pinned); Esc clears", hint: "filter",
            panes: [.population]),
    ]

    static let steering: [Binding] = [
        Binding(
            [.char(" ")], "Space", .togglePause, "pause / resume the engine", hint: "pause",
            disabled: Refusal.finishedRun, hintNow: { $0.state.paused ? "resume" : nil }),
        Binding(
            [.char("n")], "n", .step, "run one step (while paused)", hint: "step",
            disabled: { m in
                Refusal.finishedRun(m) ?? (m.state.paused ? nil : "pause first (Space), then n runs one step")
            }),
        Binding(
            [.char("<")], "<", .switchEarlier, "move the switch point one generation earlier", hint: "switch",
            hintLabel: "< >"),
        Binding([.char(">")], ">", .switchLater, "move the switch point one generation later"),
        Binding(
            [.char("[")], "[", .tighten, "tighten the latency (or GFLOPs) constraint by 5%", hint: "constraint",
            hintLabel: "[ ]", disabled: Refusal.noConstraint),
        Binding([.char("]")], "]", .loosen, "loosen the constraint by 5%", disabled: Refusal.noConstraint),
        Binding(
            [.char("p")], "p", .pin, "pin the selected architecture (kept in every population)", hint: "pin",
            panes: [.plot, .population], disabled: Refusal.noSelection),
        Binding(
            [.char("b")], "b", .ban, "ban the selected architecture", hint: "ban", panes: [.plot, .population],
            disabled: Refusal.noSelection),
        Binding(
            [.char("i")], "i", .inject,
            "inject an architecture (a form listing the dimensions; Tab copies the selected one to edit)",
            hint: "inject",
            panes: [.plot, .population]),
        Binding(
            [.char("r")], "r", .restart,
            "restart the search with the current settings (a new run; asks while this one can go on)"),
        Binding(
            [.char("+")], "+", .paceFaster, "pace expensive evaluations 2x faster (recorded cost / pace)",
            disabled: Refusal.notPaced),
        Binding([.char("-")], "-", .paceSlower, "pace expensive evaluations 2x slower", disabled: Refusal.notPaced),
    ]

    static let views: [Binding] = [
        Binding(
            [.char("c")], "c", .toggleColor, "colour points by generation or by predictor", hint: "colour",
            panes: [.plot]),
        Binding(
            [.char("v")], "v", .cyclePlotY, "plot's y: score used, student, expensive score, truth", hint: "y-axis",
            panes: [.plot]),
        Binding([.char("s")], "s", .cycleSort, "sort by the next column", hint: "sort", panes: [.population]),
        Binding([.char("S")], "S", .reverseSort, "reverse the sort"),
        Binding(
            [.char("f")], "f", .cycleCallFilter, "filter calls by status (all, ok, unparsed, error)", hint: "status",
            panes: [.calls]),
        Binding(
            [.char("y")], "y", .copyPrompt, "write the selected call's prompt to a file", hint: "save prompt",
            panes: [.calls, .prompt], disabled: Refusal.noCall),
        Binding([.char("t")], "t", .cycleTheme, "next theme"),
        Binding([.repaint], "Ctrl-L", .repaint, "repaint the screen"),
    ]

    static let byKey: [Key: Binding] = {
        var m: [Key: Binding] = [:]
        for b in bindings { for k in b.keys where m[k] == nil { m[k] = b } }
        return m
    }()

    public static func action(for key: Key) -> Action? { byKey[key]?.action }
    public static func binding(for key: Key) -> Binding? { byKey[key] }
}
