/// An input event, decoded from the terminal.
public enum Key: Hashable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, escape, tab, backTab, backspace, resize
    /// Ctrl-L: repaint everything (after anything else wrote on the screen).
    case repaint
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
    case cyclePlotY, paceFaster, paceSlower, repaint
}

/// One key binding; the help overlay is generated from the list, so it cannot drift.
public struct Binding: Sendable {
    public let keys: [Key]
    public let label: String
    public let action: Action
    public let help: String
}

public enum KeyMap {
    public static let bindings: [Binding] = [
        Binding(keys: [.char("?")], label: "?", action: .help, help: "show or hide this help"),
        Binding(
            keys: [.char("q")], label: "q", action: .quit,
            help: "quit (asks while a run is active; the run stays resumable)"),
        Binding(keys: [.tab], label: "Tab", action: .nextPane, help: "next pane"),
        Binding(keys: [.backTab], label: "Shift-Tab", action: .previousPane, help: "previous pane"),
        Binding(keys: [.char("1")], label: "1", action: .focus(.plot), help: "Pareto plot"),
        Binding(keys: [.char("2")], label: "2", action: .focus(.population), help: "population table"),
        Binding(keys: [.char("3")], label: "3", action: .focus(.calls), help: "LLM calls"),
        Binding(keys: [.char("4")], label: "4", action: .focus(.prompt), help: "prompt inspector"),
        Binding(keys: [.char("5")], label: "5", action: .focus(.quality), help: "predictor quality"),
        Binding(keys: [.up, .char("k")], label: "↑ k", action: .up, help: "move up / scroll up"),
        Binding(keys: [.down, .char("j")], label: "↓ j", action: .down, help: "move down / scroll down"),
        Binding(
            keys: [.left, .char("h")], label: "← h", action: .left, help: "previous point (plot) / sort column left"),
        Binding(
            keys: [.right, .char("l")], label: "→ l", action: .right, help: "next point (plot) / sort column right"),
        Binding(keys: [.pageUp], label: "PgUp", action: .pageUp, help: "page up"),
        Binding(keys: [.pageDown], label: "PgDn", action: .pageDown, help: "page down"),
        Binding(keys: [.char("g"), .home], label: "g", action: .top, help: "go to the top"),
        Binding(keys: [.char("G"), .end], label: "G", action: .bottom, help: "go to the bottom"),
        Binding(
            keys: [.enter], label: "Enter", action: .open,
            help: "open the architecture (configuration and its LLM calls)"),
        Binding(
            keys: [.char("/")], label: "/", action: .filter, help: "filter the table (id, source, pinned); Esc clears"),
        Binding(keys: [.char(" ")], label: "Space", action: .togglePause, help: "pause / resume the engine"),
        Binding(keys: [.char("n")], label: "n", action: .step, help: "run one step (while paused)"),
        Binding(
            keys: [.char("<")], label: "<", action: .switchEarlier, help: "move the switch point one generation earlier"
        ),
        Binding(
            keys: [.char(">")], label: ">", action: .switchLater, help: "move the switch point one generation later"),
        Binding(
            keys: [.char("[")], label: "[", action: .tighten, help: "tighten the latency (or GFLOPs) constraint by 5%"),
        Binding(keys: [.char("]")], label: "]", action: .loosen, help: "loosen the constraint by 5%"),
        Binding(
            keys: [.char("p")], label: "p", action: .pin,
            help: "pin the selected architecture (kept in every population)"),
        Binding(keys: [.char("b")], label: "b", action: .ban, help: "ban the selected architecture"),
        Binding(
            keys: [.char("i")], label: "i", action: .inject, help: "inject an architecture ('name: value; ...' form)"),
        Binding(
            keys: [.char("r")], label: "r", action: .restart,
            help: "restart the search with the current settings (a new run)"),
        Binding(
            keys: [.char("c")], label: "c", action: .toggleColor, help: "colour points by generation or by predictor"),
        Binding(
            keys: [.char("v")], label: "v", action: .cyclePlotY,
            help: "plot's y: score used, student, expensive score, truth"),
        Binding(
            keys: [.char("+")], label: "+", action: .paceFaster,
            help: "pace expensive evaluations 2x faster (recorded cost / pace)"),
        Binding(keys: [.char("-")], label: "-", action: .paceSlower, help: "pace expensive evaluations 2x slower"),
        Binding(keys: [.char("s")], label: "s", action: .cycleSort, help: "sort by the next column"),
        Binding(keys: [.char("S")], label: "S", action: .reverseSort, help: "reverse the sort"),
        Binding(
            keys: [.char("f")], label: "f", action: .cycleCallFilter,
            help: "filter calls by status (all, ok, unparsed, error)"),
        Binding(
            keys: [.char("y")], label: "y", action: .copyPrompt, help: "write the selected call's prompt to a file"),
        Binding(keys: [.char("t")], label: "t", action: .cycleTheme, help: "next theme"),
        Binding(keys: [.repaint], label: "Ctrl-L", action: .repaint, help: "repaint the screen"),
    ]

    static let byKey: [Key: Action] = {
        var m: [Key: Action] = [:]
        for b in bindings { for k in b.keys where m[k] == nil { m[k] = b.action } }
        return m
    }()

    public static func action(for key: Key) -> Action? { byKey[key] }
}
