import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore

/// What a key asks of the world outside the model: the engine, the file system, the app.
public enum Command: Equatable, Sendable {
    case pause, resume, step, quit, restart, cycleTheme
    case moveSwitch(Int)
    case setPace(Double?)
    case setConstraint(RunConfig.Constraint)
    case pin(Architecture)
    case ban(String)
    case inject(String)
    case writePrompt(Int64)
}

/// Turns input into model changes and commands (lazygit's controller): no drawing, no I/O.
public enum Controller {
    public static func handle(_ key: Key, _ m: inout ExplorerModel, layout: Layout) -> [Command] {
        // Modal input first: the inject form, the filter, the quit question, overlays.
        if m.injectText != nil { return injectInput(key, &m) }
        if m.editingFilter {
            filterInput(key, &m)
            return []
        }
        if m.confirmQuit {
            if key == .char("y") || key == .char("q") { return [.quit] }
            m.confirmQuit = false
            return []
        }
        if m.showHelp {
            scrollHelp(key, &m, layout)
            return []
        }
        if m.showDetail, key == .escape || key == .enter || key == .char("q") {
            m.showDetail = false
            return []
        }
        if key == .escape {
            m.message = ""
            if !m.filter.isEmpty {
                m.filter = ""
                clampSelection(&m, layout)
            }
            return []
        }
        switch key {
        case .click(let x, let y): return click(x, y, &m, layout)
        case .wheelUp(let x, let y):
            if let p = layout.pane(at: x, y) { m.focus = p }
            move(-3, &m, layout)
            return []
        case .wheelDown(let x, let y):
            if let p = layout.pane(at: x, y) { m.focus = p }
            move(3, &m, layout)
            return []
        case .resize:
            clampSelection(&m, layout)
            return []
        default: break
        }
        guard let action = KeyMap.action(for: key) else { return [] }
        return perform(action, &m, layout)
    }

    static func perform(_ a: Action, _ m: inout ExplorerModel, _ layout: Layout) -> [Command] {
        switch a {
        case .quit:
            // A paused run asks too: one stray q must not end a session mid-search (it
            // stays resumable, and the question says how).
            if !m.state.finished && m.state.phase != .done {
                m.confirmQuit = true
                return []
            }
            return [.quit]
        case .help: m.showHelp.toggle()
        case .nextPane: m.focus = Pane(rawValue: m.focus.rawValue % Pane.allCases.count + 1)!
        case .previousPane:
            m.focus = Pane(rawValue: (m.focus.rawValue + Pane.allCases.count - 2) % Pane.allCases.count + 1)!
        case .focus(let p): m.focus = p
        case .up: move(-1, &m, layout)
        case .down: move(1, &m, layout)
        case .pageUp: move(-max(1, layout.tableRows), &m, layout)
        case .pageDown: move(max(1, layout.tableRows), &m, layout)
        case .top: move(-1_000_000, &m, layout)
        case .bottom: move(1_000_000, &m, layout)
        case .left, .right:
            if m.focus == .population {
                let cols = SortColumn.allCases
                let i = cols.firstIndex(of: m.sort)!
                m.sort = cols[(i + (a == .right ? 1 : cols.count - 1)) % cols.count]
            } else {
                move(a == .right ? 1 : -1, &m, layout)
            }
        case .open: openSelection(&m)
        case .repaint: break  // the app repaints the whole screen for this key
        case .filter:
            m.editingFilter = true
            m.focus = .population
        case .togglePause:
            if m.state.finished {
                m.message = "the run is finished: r restarts a new run with these settings"
                return []
            }
            m.message = m.state.paused ? "resuming" : "pausing after the unit in flight"
            return [m.state.paused ? .resume : .pause]
        case .step:
            if !m.state.paused {
                m.message = "pause first (Space), then n runs one step"
                return []
            }
            return [.step]
        case .switchEarlier, .switchLater:
            // Relative, judged by the engine (SteeringRules), which answers with a notice.
            return [.moveSwitch(a == .switchLater ? 1 : -1)]
        case .tighten, .loosen:
            var c = m.config.constraint
            let f = a == .tighten ? 0.95 : 1 / 0.95
            if let l = c.latencyMs {
                c.latencyMs = (l * f * 100).rounded() / 100
            } else if let g = c.gflops {
                c.gflops = (g * f * 1000).rounded() / 1000
            } else {
                m.message = "this run has no constraint to change"
                return []
            }
            m.message =
                "constraint -> \(c.summary)" + (m.state.finished ? "; the run is finished: r restarts with it" : "")
            return [.setConstraint(c)]
        case .pin:
            guard let s = m.selected else { return [] }
            m.message = "pinned \(s.id)"
            return [.pin(s.arch)]
        case .ban:
            guard let s = m.selected else { return [] }
            m.message = "banned \(s.id)"
            return [.ban(s.id)]
        case .inject: m.injectText = ""
        case .restart:
            m.message = "restarting with the current settings"
            return [.restart]
        case .toggleColor: m.colorBy = m.colorBy == .generation ? .predictor : .generation
        case .cyclePlotY:
            m.plotY = m.plotY.next
            m.message = "plot y: \(m.plotY.label)"
        case .paceFaster, .paceSlower:
            guard let pace = m.config.pace else {
                m.message = "expensive evaluations are not paced in this run (start it with --pace 1000)"
                return []
            }
            let next = max(1, min(1e7, a == .paceFaster ? pace * 2 : pace / 2))
            m.message = String(format: "pace %.0fx: an expensive batch sleeps its recorded cost / %.0f", next, next)
            return [.setPace(next)]
        case .cycleSort:
            let cols = SortColumn.allCases
            m.sort = cols[(cols.firstIndex(of: m.sort)! + 1) % cols.count]
        case .reverseSort: m.sortAscending.toggle()
        case .cycleCallFilter:
            let order: [CallRecord.Status?] = [nil, .ok, .unparsed, .error]
            m.callStatusFilter = order[((order.firstIndex(of: m.callStatusFilter) ?? 0) + 1) % order.count]
            m.selectedCall = 0
            m.callScroll = 0
            m.promptScroll = 0
        case .copyPrompt:
            let calls = m.visibleCalls
            guard calls.indices.contains(m.selectedCall) else {
                m.message = "no call selected"
                return []
            }
            return [.writePrompt(calls[m.selectedCall].id)]
        case .cycleTheme: return [.cycleTheme]
        }
        return []
    }

    static func move(_ d: Int, _ m: inout ExplorerModel, _ layout: Layout) {
        switch m.focus {
        case .population, .plot:
            let n = m.tableRows.count
            m.selectedRow = max(0, min(n - 1, m.selectedRow + d))
        case .calls:
            let n = m.visibleCalls.count
            m.selectedCall = max(0, min(n - 1, m.selectedCall + d))
            m.promptScroll = 0
        case .prompt:
            m.promptScroll = max(0, m.promptScroll + d)
        case .quality: break
        }
        clampSelection(&m, layout)
    }

    static func clampSelection(_ m: inout ExplorerModel, _ layout: Layout) {
        let n = m.tableRows.count
        m.selectedRow = max(0, min(max(0, n - 1), m.selectedRow))
        let rows = max(1, layout.tableRows)
        if m.selectedRow < m.tableScroll { m.tableScroll = m.selectedRow }
        if m.selectedRow >= m.tableScroll + rows { m.tableScroll = m.selectedRow - rows + 1 }
        let calls = max(1, layout.callRows)
        m.selectedCall = max(0, min(max(0, m.visibleCalls.count - 1), m.selectedCall))
        if m.selectedCall < m.callScroll { m.callScroll = m.selectedCall }
        if m.selectedCall >= m.callScroll + calls { m.callScroll = m.selectedCall - calls + 1 }
        // The inspector's offset stays within its text: after G it sat far past the end, so
        // k, Up and PgUp seemed to do nothing.
        if let r = layout.panes[.prompt]?.inner {
            m.promptScroll = max(0, min(m.promptScroll, PromptPane.maxScroll(m, width: r.width, height: r.height)))
        }
    }

    static func click(_ x: Int, _ y: Int, _ m: inout ExplorerModel, _ layout: Layout) -> [Command] {
        guard let p = layout.pane(at: x, y), let r = layout.panes[p] else { return [] }
        m.focus = p
        switch p {
        case .population:
            let row = y - r.y - 2 + m.tableScroll
            if row >= 0 && row < m.tableRows.count { m.selectedRow = row }
        case .calls:
            let row = y - r.y - 2 + m.callScroll
            if row >= 0 && row < m.visibleCalls.count {
                m.selectedCall = row
                m.promptScroll = 0
            }
        case .plot:
            // The point of the current population drawn nearest the click.
            if let geo = PlotGeometry(m, r.inner), let i = geo.nearest(m.tableRows, toX: x, y: y) { m.selectedRow = i }
        default: break
        }
        clampSelection(&m, layout)
        return []
    }

    static func filterInput(_ key: Key, _ m: inout ExplorerModel) {
        switch key {
        case .enter: m.editingFilter = false
        case .escape:
            m.editingFilter = false
            m.filter = ""
        case .backspace: if !m.filter.isEmpty { m.filter.removeLast() }
        case .char(let c): m.filter.append(c)
        default: break
        }
        m.selectedRow = 0
        m.tableScroll = 0
    }

    static func injectInput(_ key: Key, _ m: inout ExplorerModel) -> [Command] {
        switch key {
        case .enter:
            let t = m.injectText ?? ""
            m.injectText = nil
            return t.isEmpty ? [] : [.inject(t)]
        case .escape: m.injectText = nil
        case .backspace: if !(m.injectText ?? "").isEmpty { m.injectText!.removeLast() }
        case .char(let c): m.injectText!.append(c)
        default: break
        }
        return []
    }
}

extension Controller {
    /// Enter: the table's architecture, or in the calls pane the architecture the selected
    /// call asked about (it used to open the table's selection whatever the focus).
    static func openSelection(_ m: inout ExplorerModel) {
        guard m.focus == .calls else {
            if m.selected != nil { m.showDetail = true } else { m.message = "no architecture selected" }
            return
        }
        let calls = m.visibleCalls
        guard calls.indices.contains(m.selectedCall) else {
            m.message = "no call selected"
            return
        }
        guard let id = calls[m.selectedCall].archID else {
            m.message = "this call names no architecture"
            return
        }
        if !m.filter.isEmpty, !m.tableRows.contains(where: { $0.id == id }) { m.filter = "" }
        guard let row = m.tableRows.firstIndex(where: { $0.id == id }) else {
            m.message =
                "\(id) is not in the current population (labels come from the pool): 4 shows its prompt and answer"
            return
        }
        m.selectedRow = row
        m.showDetail = true
    }
}

extension Controller {
    /// While help is open, movement keys scroll it and Esc, ? or q close it; other keys do nothing.
    static func scrollHelp(_ key: Key, _ m: inout ExplorerModel, _ layout: Layout) {
        let last = HelpOverlay.maxScroll(width: layout.width, height: layout.height)
        let page = max(1, HelpOverlay.geometry(width: layout.width, height: layout.height).visibleRows - 1)
        switch key {
        case .escape, .char("?"), .char("q"):
            m.showHelp = false
            m.helpScroll = 0
        case .down, .char("j"), .wheelDown: m.helpScroll += 1
        case .up, .char("k"), .wheelUp: m.helpScroll -= 1
        case .pageDown: m.helpScroll += page
        case .pageUp: m.helpScroll -= page
        case .char("g"), .home: m.helpScroll = 0
        case .char("G"), .end: m.helpScroll = last
        default: break
        }
        m.helpScroll = max(0, min(last, m.helpScroll))
    }
}
