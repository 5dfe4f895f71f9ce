import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore

/// What a key asks of the world outside the model: the engine, the file system, the app.
public enum Command: Equatable, Sendable {
    case pause, resume, step, quit, restart, cycleTheme
    case moveSwitch(Int)
    /// Twice (true) or half as fast, relative to the engine's pace.
    case scalePace(faster: Bool)
    /// 5% tighter (true) or looser, relative to the engine's constraint.
    case scaleConstraint(tighter: Bool)
    case pin(Architecture)
    case ban(String)
    case inject(String)
    case writePrompt(Int64)
}

/// Turns input into model changes and commands (lazygit's controller): no drawing, no I/O.
public enum Controller {
    public static func handle(_ key: Key, _ m: inout ExplorerModel, layout: Layout) -> [Command] {
        // Too small to show anything: q quits at once (a question would not be seen), Esc still
        // closes what is open (an Esc that lands as the window shrinks must not leave help up
        // for the next q to close), and no other key acts, so that keys typed blind neither
        // fill a hidden form nor steer the run.
        if layout.tooSmall && key != .escape { return key == .char("q") ? [.quit] : [] }
        // The mode decides who hears the key: a form, the quit question or an overlay first.
        switch m.mode {
        case .inject(let form): return injectInput(key, form, &m)
        case .filter:
            filterInput(key, &m)
            return []
        case .confirm(let question):
            m.mode = .browse
            if key == .char("y") || key == question.key {
                if question == .restart { m.message = "restarting with the current settings" }
                return [question.command]
            }
            m.message = question == .quit ? "not quitting" : "not restarting"
            return []
        case .help(let view):
            helpInput(key, view, &m, layout)
            return []
        case .detail:
            if key == .escape || key == .enter || key == .char("q") {
                m.mode = .browse
                return []
            }
        case .browse: break
        }
        if key == .escape {
            m.message = ""
            if m.zoomed {
                m.zoomed = false
            } else if !m.filter.isEmpty {
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
        guard let binding = KeyMap.binding(for: key) else {
            if case .char(let c) = key, !c.isWhitespace { m.message = "\(c) does nothing here: ? lists the keys" }
            return []
        }
        // Every key acts or says why not.
        if let why = binding.disabledReason(m) {
            m.message = why
            return []
        }
        return perform(binding.action, &m, layout)
    }

    static func perform(_ a: Action, _ m: inout ExplorerModel, _ layout: Layout) -> [Command] {
        switch a {
        case .quit: return quit(&m)
        case .nextPane, .previousPane, .focus, .up, .down, .pageUp, .pageDown, .top, .bottom, .left, .right, .open:
            navigate(a, &m, layout)
            return []
        case .help, .zoom, .repaint, .filter, .inject, .toggleColor, .cyclePlotY, .cycleSort, .reverseSort,
            .cycleCallFilter:
            changeView(a, &m)
            return []
        case .togglePause, .step, .switchEarlier, .switchLater, .tighten, .loosen, .pin, .ban, .restart, .paceFaster,
            .paceSlower, .copyPrompt, .cycleTheme:
            return steer(a, &m)
        }
    }

    /// A paused run asks too: one stray q must not end a session mid-search (it stays
    /// resumable, and the question says how).
    static func quit(_ m: inout ExplorerModel) -> [Command] {
        if m.runCanGoOn {
            m.mode = .confirm(.quit)
            return []
        }
        return [.quit]
    }

    /// Focus and selection: panes, rows, pages, the population's sort column, opening a row.
    static func navigate(_ a: Action, _ m: inout ExplorerModel, _ layout: Layout) {
        switch a {
        case .nextPane: m.focus = Pane(rawValue: m.focus.rawValue % Pane.allCases.count + 1)!
        case .previousPane:
            m.focus = Pane(rawValue: (m.focus.rawValue + Pane.allCases.count - 2) % Pane.allCases.count + 1)!
        case .focus(let p): m.focus = p
        case .up: move(-1, &m, layout)
        case .down: move(1, &m, layout)
        case .pageUp: move(-layout.pageRows(m.focus), &m, layout)
        case .pageDown: move(layout.pageRows(m.focus), &m, layout)
        case .top: move(-1_000_000, &m, layout)
        case .bottom: move(1_000_000, &m, layout)
        case .left, .right:
            if m.focus == .population {
                let cols = SortColumn.allCases
                let i = cols.firstIndex(of: m.sort)!
                m.sort = cols[(i + (a == .right ? 1 : cols.count - 1)) % cols.count]
            } else {
                move(a == .right ? 1 : -1, &m, layout)
                if m.focus == .plot { m.message = pointSummary(m) }
            }
        case .open: openSelection(&m)
        default: break
        }
    }

    /// The ◆'s architecture in words, for the status line as h/l move it over the plot (it
    /// moved without saying which architecture it was on).
    static func pointSummary(_ m: ExplorerModel) -> String {
        guard let c = m.selected else { return "no architecture selected" }
        let x = c.latencyMs.map { String(format: "%.1f ms", $0) } ?? String(format: "%.3f GFLOPs", c.gflops)
        return "◆ \(c.id): \(Renderer.num(c.score)) by \(c.source.predictorName) at \(x) (Enter opens it)"
    }

    /// What the screen shows and how: overlays, zoom, the filter, colours, the plot's y, sorting.
    static func changeView(_ a: Action, _ m: inout ExplorerModel) {
        switch a {
        case .help: m.mode = .help(HelpView())
        case .zoom:
            m.zoomed.toggle()
            m.message = m.zoomed ? "\(m.focus.title) zoomed: z or Esc goes back" : ""
        case .repaint: break  // the app repaints the whole screen for this key
        case .filter:
            m.mode = .filter
            m.focus = .population
        case .inject: m.mode = .inject(InjectForm.opening(m))
        case .toggleColor:
            m.colorBy = m.colorBy == .generation ? .predictor : .generation
            m.message = m.colorBy == .generation ? "points coloured by generation" : "points coloured by predictor"
        case .cyclePlotY:
            m.plotY = m.plotY.next
            m.message = "plot y: \(m.plotY.label)"
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
            // Said, not only shown in the pane's title: the status line kept an older message.
            let shown = m.visibleCalls.count
            m.message =
                m.callStatusFilter.map { "calls: \($0.rawValue) only (\(shown)); f shows the next status" }
                ?? "calls: all (\(shown))"
        default: break
        }
    }

    /// Commands for the engine or the app (steering, restart, pace, theme, writing a prompt),
    /// each with the message that says what was asked.
    static func steer(_ a: Action, _ m: inout ExplorerModel) -> [Command] {
        switch a {
        case .togglePause:
            m.message = m.state.paused ? "resuming" : "pausing after the unit in flight"
            m.requestedPause = !m.state.paused
            return [m.state.paused ? .resume : .pause]
        case .step:
            m.message = "one step"
            return [.step]
        case .switchEarlier, .switchLater:
            // Relative, judged by the engine (SteeringRules), which answers with a notice.
            return [.moveSwitch(a == .switchLater ? 1 : -1)]
        case .tighten, .loosen:
            // Relative like the switch: the engine scales its own value and answers with a notice.
            return [.scaleConstraint(tighter: a == .tighten)]
        case .pin:
            guard let s = m.selected else { return [] }
            m.message = "pinned \(s.id)"
            return [.pin(s.arch)]
        case .ban:
            guard let s = m.selected else { return [] }
            m.message = "banned \(s.id)"
            return [.ban(s.id)]
        case .restart:
            // One stray r replaced the run on screen by a new one (the old one stayed resumable).
            if m.runCanGoOn {
                m.mode = .confirm(.restart)
                return []
            }
            m.message = "restarting with the current settings"
            return [.restart]
        case .paceFaster, .paceSlower:
            // Relative like the switch: the engine doubles or halves its own pace and answers
            // with a notice (a finished run's says that r starts a new run with it).
            guard m.config.pace != nil else { return [] }
            return [.scalePace(faster: a == .paceFaster)]
        case .copyPrompt: return [.writePrompt(m.visibleCalls[m.selectedCall].id)]
        case .cycleTheme: return [.cycleTheme]
        default: return []
        }
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
        m.callScroll = m.callsTop(rows: calls)
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
            let row = y - r.y - 2 + m.callsTop(rows: layout.callRows)
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
        case .enter: m.mode = .browse
        case .escape:
            m.mode = .browse
            m.filter = ""
        default: _ = TextEditing.edit(&m.filter, key)
        }
        m.selectedRow = 0
        m.tableScroll = 0
    }

    /// Typing in the inject form; Enter sends the text to be judged (the app reopens the form
    /// with the problems if it is refused), Esc drops it.
    static func injectInput(_ key: Key, _ form: InjectForm, _ m: inout ExplorerModel) -> [Command] {
        var form = form
        switch key {
        case .enter:
            let text = form.text.trimmingCharacters(in: .whitespaces)
            m.mode = .browse
            return text.isEmpty ? [] : [.inject(text)]
        case .escape:
            m.mode = .browse
            return []
        case .tab where !form.templateText.isEmpty: form.text = form.templateText
        default: guard TextEditing.edit(&form.text, key) else { return [] }
        }
        m.mode = .inject(form)
        return []
    }
}

extension Controller {
    /// Enter: the table's architecture, or in the calls pane the architecture the selected
    /// call asked about (it used to open the table's selection whatever the focus).
    static func openSelection(_ m: inout ExplorerModel) {
        guard m.focus == .calls else {
            if m.selected != nil { m.mode = .detail } else { m.message = "no architecture selected" }
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
        m.mode = .detail
    }
}

extension Controller {
    /// While help is open: movement keys scroll it, `/` types a filter on the keys and their
    /// descriptions, Esc clears the filter or closes, ? and q close; other keys do nothing.
    static func helpInput(_ key: Key, _ view: HelpView, _ m: inout ExplorerModel, _ layout: Layout) {
        var view = view
        if view.editingFilter {
            switch key {
            case .enter: view.editingFilter = false
            case .escape:
                view.editingFilter = false
                view.filter = ""
            default: _ = TextEditing.edit(&view.filter, key)
            }
            view.scroll = 0
            m.mode = .help(view)
            return
        }
        let g = HelpOverlay.geometry(m, view, width: layout.width, height: layout.height)
        let last = g.maxScroll
        let page = max(1, g.visibleRows - 1)
        switch key {
        case .escape where !view.filter.isEmpty: view = HelpView()
        case .escape, .char("?"), .char("q"):
            m.mode = .browse
            return
        case .char("/"): view.editingFilter = true
        case .down, .char("j"), .wheelDown: view.scroll += 1
        case .up, .char("k"), .wheelUp: view.scroll -= 1
        case .pageDown: view.scroll += page
        case .pageUp: view.scroll -= page
        case .char("g"), .home: view.scroll = 0
        case .char("G"), .end: view.scroll = last
        default: break
        }
        view.scroll = max(0, min(last, view.scroll))
        m.mode = .help(view)
    }
}
