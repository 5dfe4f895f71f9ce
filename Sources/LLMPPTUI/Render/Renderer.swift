import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore

/// Renders the explorer's model into a cell buffer: a pure function, testable without a terminal.
public enum Renderer {
    public static func render(_ m: ExplorerModel, width: Int, height: Int) -> CellBuffer {
        var b = CellBuffer(width: width, height: height)
        let layout = Layout(m, width: width, height: height)
        if layout.tooSmall {
            let msg = [
                "Terminal too small: \(width)x\(height).",
                "Enlarge it to at least \(Layout.minWidth)x\(Layout.minHeight).", "q quits (the run stays resumable).",
            ]
            for (i, line) in msg.enumerated() {
                b.text(
                    max(0, (width - line.count) / 2), max(0, height / 2 - 1 + i), line,
                    Style(i == 0 ? .warning : .normal, bold: i == 0))
            }
            return b
        }
        header(&b, m, layout.header)
        for (pane, r) in layout.panes.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let title = "\(pane.rawValue) \(pane.title)" + paneSuffix(m, pane) + (m.zoomed ? " · zoomed: z back" : "")
            b.box(r, title: title, focused: m.focus == pane, ascii: m.asciiOnly)
            switch pane {
            case .plot: PlotPane.draw(&b, m, r.inner)
            case .population: TablePane.draw(&b, m, r.inner)
            case .calls: CallsPane.draw(&b, m, r.inner)
            case .prompt: PromptPane.draw(&b, m, r.inner)
            case .quality: QualityPane.draw(&b, m, r.inner)
            }
        }
        statusLine(&b, m, layout.status)
        switch m.mode {
        case .detail: DetailOverlay.draw(&b, m)
        case .help(let view): HelpOverlay.draw(&b, m, view)
        case .inject(let form): InjectOverlay.draw(&b, m, form)
        case .confirm(let question): confirmation(&b, m, question)
        case .browse, .filter: break
        }
        if m.asciiOnly { b.asciify() }
        return b
    }

    /// The question, the way back and the answer keys on lines of their own, so that the keys
    /// stay on screen at 80 columns (one long line cut them off there).
    static func confirmation(_ b: inout CellBuffer, _ m: ExplorerModel, _ q: Mode.Question) {
        // The resume command wraps rather than being cut (a named data directory made it long).
        let hint = PromptPane.wrap(
            (q == .quit ? "It stays resumable: " : "This run stays paused and resumable: ")
                + ResumeHint.command("explore", runID: m.runID, folders: m.namedFolders), b.width - 8)
        let state = m.running ? "A run is active." : "The run is paused."
        let question = state + (q == .quit ? " Quit?" : " Start a new run with these settings?")
        let answer = q == .quit ? "y quits · any other key stays" : "y restarts · any other key keeps this run"
        let lines = (PromptPane.wrap(question, b.width - 8) + hint + [answer]).map { " \($0) " }
        let w = min(b.width - 4, (lines.map(\.count).max() ?? 0) + 2)
        let x = (b.width - w) / 2
        let y = b.height / 2 - 1
        b.fill(x, y - 1, w, lines.count + 2)
        b.box(
            Rect(x, y - 1, w, lines.count + 2), title: q == .quit ? "quit" : "restart", focused: true,
            ascii: m.asciiOnly)
        for (i, line) in lines.enumerated() {
            let last = i == lines.count - 1
            b.text(x + 1, y + i, line, Style(last ? .dim : .warning, bold: i == 0), maxWidth: w - 2)
        }
    }

    /// `s` in at most `width` characters, "…" marking a cut.
    static func elided(_ s: String, _ width: Int) -> String {
        guard s.count > width else { return s }
        return width <= 0 ? "" : String(s.prefix(width - 1)) + "…"
    }

    static func paneSuffix(_ m: ExplorerModel, _ p: Pane) -> String {
        switch p {
        case .population:
            // Counts that explain themselves: a population of 125 holds fewer distinct architectures
            // (repeats are merged), which the table used to show as a bare "58 rows".
            let size = m.config.evolution.population
            let distinct = m.population.count
            let rows = m.tableRows.count
            var text = " · gen \(max(0, m.state.generation - 1)) · \(distinct) distinct"
            if distinct < size { text += " of \(size)" }
            if !m.filter.isEmpty { text += " · \(rows) match /\(m.filter)" }
            return text
        case .calls:
            // Calls of other runs whose answers this one reused are listed too; said, so that the
            // count squares with the header's (which counts this run's own calls).
            let reused = m.visibleCalls.filter { $0.run != m.runID }.count
            return " · \(m.visibleCalls.count)" + (m.callStatusFilter.map { " \($0.rawValue)" } ?? "")
                + (reused > 0 ? " (\(reused) reused from the cache)" : "")
        // What y holds follows `v` (the title said "predicted score" whatever it showed).
        case .plot: return " · y \(m.plotY.label)" + (m.colorBy == .generation ? " · by generation" : " · by predictor")
        // The pane has no LLM-PP row in such a run: said where it would be looked for.
        case .quality: return m.config.evaluateLLM ? "" : " · no LLM-PP (--evaluate-llm)"
        default: return ""
        }
    }

    static func bar(
        _ b: inout CellBuffer, _ x: Int, _ y: Int, width: Int, fraction: Double, mark: Double? = nil, ascii: Bool
    ) {
        let filled = Int((min(max(fraction, 0), 1) * Double(width)).rounded(.down))
        for i in 0..<width {
            b.put(
                x + i, y, i < filled ? (ascii ? "#" : "█") : (ascii ? "." : "░"),
                Style(i < filled ? .barDone : .barTodo))
        }
        if let mark {
            let mx = x + min(width - 1, max(0, Int((mark * Double(width)).rounded(.down))))
            b.put(mx, y, ascii ? "|" : "┃", Style(.switchMark, bold: true))
        }
    }

    static func header(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let status: (String, Role) =
            m.state.error != nil
            ? ("ERROR", .bad)
            : m.state.finished
                ? ("DONE", .good)
                : m.state.paused ? (m.unitInFlight ? "PAUSING" : "PAUSED", .warning) : ("RUNNING", .good)
        let right = r.width - status.0.count - 3
        var x = b.text(0, 0, " LLM-PP Explorer ", Style(.accent, bold: true))
        let provider =
            m.isReplay && !m.providerName.hasPrefix("replay") ? "replay of \(m.providerName)" : m.providerName
        // The run id is what a user copies to resume, so it stays whole (it used to be cut
        // mid-id, silently): the space's title gives way first, then the provider, each with "…".
        let run = " · run \(m.runID) "
        let room = max(0, right - x - run.count - "· ".count - " · ".count)
        let providerWidth = min(provider.count, max(room / 2, room - m.spaceTitle.count))
        let title = elided(m.spaceTitle, room - providerWidth)
        x += b.text(x, 0, "· \(title) · ", .normal, maxWidth: right - x)
        x += b.text(
            x, 0, elided(provider, providerWidth), Style(m.isReplay ? .warning : .normal, bold: m.isReplay),
            maxWidth: right - x)
        x += b.text(x, 0, run, .normal, maxWidth: right - x)
        b.text(right, 0, " \(status.0) ", Style(status.1, bold: true, reverse: true))

        phaseBars(&b, m, r)

        let line = countersLine(m, width: r.width)
        b.text(0, 2, line, .dim, maxWidth: r.width)
    }

    /// The third header line: counts, the best with its predictor, search hours, the
    /// constraint, tokens and dollars, the pace. When it is too long, parts take their short
    /// forms first; then what still does not fit gives way least important first (tokens,
    /// pace, dollars), and whatever fits again comes back (the greedy drop left 85 of 140
    /// columns used, without hours, constraint and pace).
    static func countersLine(_ m: ExplorerModel, width: Int) -> String {
        let c = m.state.counters
        // (text, short form, weight): the lowest weight goes first when the line is too long.
        // The short forms leave out what is zero: the constraint gave way to the pace at 120
        // columns once the search hours came, for want of the room they take.
        let nonZero = [
            c.cachedAnswers > 0 ? "\(c.cachedAnswers) cached" : nil,
            c.failedCalls > 0 ? "\(c.failedCalls) failed" : nil,
        ].compactMap { $0 }
        let callsShort = "LLM calls \(c.llmCalls)" + (nonZero.isEmpty ? "" : " (\(nonZero.joined(separator: ", ")))")
        var parts: [(text: String, short: String?, weight: Int)] = [
            ("LLM calls \(c.llmCalls) (\(c.cachedAnswers) cached, \(c.failedCalls) failed)", callsShort, 9),
            ("tokens \(compact(Double(c.tokens)))", nil, 1),
        ]
        if c.costUSD > 0 { parts.append((String(format: "$%.4f", c.costUSD), nil, 3)) }
        parts.append(("expensive evals \(c.expensiveEvaluations)", "exp evals \(c.expensiveEvaluations)", 7))
        // With its predictor: the student's and the expensive evaluator's scales differ, and
        // "best" fell at the switch with nothing said.
        if let best = m.state.best {
            parts.append((String(format: "best %.3f", best.score) + " (\(best.source.shortName))", nil, 8))
        }
        let hours = SearchHours(state: m.state, costLabel: m.costLabel)
        if hours.total > 0 {
            let recorded = m.costLabel.hasPrefix("recorded")
            let saved = hours.saved.map { String(format: ", saved ~%.2f", $0) } ?? ""
            parts.append(
                (
                    String(
                        format: "hours: LLM %.2f + expensive %.2f%@", hours.llm, hours.expensive,
                        recorded ? " (recorded)" : "") + saved,
                    String(format: "h: LLM %.2f + exp %.2f", hours.llm, hours.expensive) + saved, 6
                ))
        }
        // A bare "none" between the hours and the pace said nothing of what there was none of.
        parts.append(
            m.config.constraint.isNone
                ? ("no constraint", nil, 5)
                : (
                    m.config.constraint.summary
                        + (m.latencyMeasurements.map { " (latency model from \($0) measurements)" } ?? ""),
                    m.config.constraint.shortSummary, 5
                ))
        if let p = m.config.pace { parts.append((String(format: "pace %.0fx", p), nil, 2)) }
        func joined(_ kept: [Int], short: Bool) -> String {
            " " + kept.map { short ? parts[$0].short ?? parts[$0].text : parts[$0].text }.joined(separator: " · ")
        }
        // The parts that fit in each form: the short forms only where they keep more weight.
        let byWeight = parts.indices.sorted { parts[$0].weight < parts[$1].weight }
        func fitting(short: Bool) -> [Int] {
            var kept = Array(parts.indices)
            for i in byWeight where joined(kept, short: short).count > width && kept.count > 1 {
                kept.removeAll { $0 == i }
            }
            for i in byWeight.reversed() where !kept.contains(i) {
                let tried = (kept + [i]).sorted()
                if joined(tried, short: short).count <= width { kept = tried }
            }
            return kept
        }
        func weight(_ kept: [Int]) -> Int { kept.map { parts[$0].weight }.reduce(0, +) }
        let full = fitting(short: false)
        let short = fitting(short: true)
        // Short forms only for more than the tokens (weight 1): the full words read better.
        return weight(short) > weight(full) + 1 ? joined(short, short: true) : joined(full, short: false)
    }

    /// The phase's count; the phase running now also gets its rate, elapsed time and ETA
    /// (`compact`: without the elapsed time, for a narrow screen).
    static func phaseText(_ m: ExplorerModel, _ p: Phase, compact: Bool = false) -> String {
        let r = m.rate(p)
        guard m.state.phase == p, m.running, r.perSecond != nil else { return "\(r.done)/\(r.total)" }
        return compact ? r.compactText : r.text
    }

    /// The second row: LLM-PP (when the run has it), labelling + training and HS-NAS bars, each
    /// with its count (the running one with rate, elapsed and ETA), the switch point on the
    /// search's bar, and the predictor scoring now. The bars take what the texts leave.
    static func phaseBars(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let scoring =
            m.state.phase != .search
            ? "-" : (m.state.generation < m.config.switchAt ? "LLM-Distill-PP" : m.evaluatorName)
        let names = (m.config.evaluateLLM ? ["LLM-PP "] : []) + ["Label+train ", "HS-NAS "]
        // What gives way when the line is short (80 columns cut "switch 17" to "switch 1"):
        // first the rates' words, then the "scoring: " label (the colour still tells).
        var label = "scoring: "
        func room(_ t: [String]) -> Int {
            (r.width - 1 - names.joined().count - t.joined().count - label.count - min(scoring.count, 24))
                / names.count - 1
        }
        // Padded to a multiple of 8: a rate or an ETA a character longer re-sized every bar and
        // the line jittered from frame to frame.
        func steady(_ t: [String]) -> [String] {
            t.map { $0.padding(toLength: ($0.count + 7) / 8 * 8, withPad: " ", startingAt: 0) }
        }
        let full = phaseTexts(m, compact: false)
        let short = phaseTexts(m, compact: true)
        // Steady where there is room; else the texts as they are, then compact ones.
        let t = [steady(full), full, steady(short)].first { room($0) >= 6 } ?? short
        if room(t) < 6 { label = "" }
        let w = max(6, min(max(8, (r.width - 60) / 3), room(t)))
        let phases: [[Phase]] = (m.config.evaluateLLM ? [[.llmpp]] : []) + [[.labelling, .training], [.search]]
        var cx = 1
        for (i, name) in names.enumerated() {
            let active = phases[i].contains(m.state.phase)
            cx += b.text(cx, 1, name, Style(active ? .accent : .dim, bold: active))
            let (fraction, mark) = progress(of: phases[i][0], m)
            bar(&b, cx, 1, width: w, fraction: fraction, mark: mark, ascii: m.asciiOnly)
            cx += w + 1
            cx += b.text(cx, 1, t[i], .dim)
        }
        cx += b.text(cx, 1, label, .dim)
        b.text(
            cx, 1, scoring, Style(m.state.generation < m.config.switchAt ? .distill : .expensive, bold: true),
            maxWidth: r.width - cx)
    }

    /// Each bar's count: LLM-PP's, labelling's until every label is in (an anytime run labels
    /// on during its search: "step 500/500" beside a bar 90% full read as a contradiction),
    /// then training's step, and the search's with its switch point.
    static func phaseTexts(_ m: ExplorerModel, compact: Bool) -> [String] {
        var out: [String] = []
        if m.config.evaluateLLM { out.append(phaseText(m, .llmpp, compact: compact) + "  ") }
        let firstTrainingDone = m.state.trainingStep >= m.config.firstTrainingSteps
        // No more training to come: the search is past the last retraining (an anytime run
        // retrains until its switch). "step 500/500" stood there to the end of the run.
        let trainingOver =
            firstTrainingDone && (m.state.phase == .search || m.state.phase == .done)
            && (m.config.anytime == nil || m.state.generation >= m.config.switchAt)
        out.append(
            m.config.labels == 0
                ? "none  "
                : (m.state.phase == .labelling || m.state.labelsDone < m.labelGoal
                    ? phaseText(m, .labelling, compact: compact)
                    : (compact && firstTrainingDone) || trainingOver
                        ? "trained" : "step " + phaseText(m, .training, compact: compact)) + "  ")
        out.append("\(phaseText(m, .search, compact: compact)) switch \(m.config.switchAt)  ")
        return out
    }

    /// How full a phase's bar is, and where the switch point sits on the search's.
    static func progress(of phase: Phase, _ m: ExplorerModel) -> (fraction: Double, mark: Double?) {
        let iters = Double(max(m.config.evolution.iterations, 1))
        switch phase {
        case .llmpp: return (m.testCount > 0 ? Double(m.state.llmppDone) / Double(m.testCount) : 1, nil)
        case .labelling, .training:
            guard m.config.labels > 0 else { return (1, nil) }
            let labelFrac = m.labelGoal > 0 ? Double(m.state.labelsDone) / Double(m.labelGoal) : 1
            let trainFrac =
                m.config.firstTrainingSteps > 0
                ? Double(m.state.trainingStep) / Double(m.config.firstTrainingSteps) : 1
            // The bar shows what its count says: labels while they come in, then the training
            // (it showed their mean: an anytime run trains early, and "16/72" sat beside a bar
            // 60% full).
            let labelling = m.state.phase == .labelling || m.state.labelsDone < m.labelGoal
            // An anytime run's search starts after its warm-up labels, marked like the switch:
            // the bar counted all 72 labels and never said that the search starts at 16.
            let warmup = m.config.anytime.map {
                Double(min($0.warmupLabels, m.labelGoal)) / Double(max(m.labelGoal, 1))
            }
            return labelling ? (labelFrac, warmup) : (trainFrac, nil)
        case .search, .done: return (Double(m.state.generation) / iters, Double(m.config.switchAt) / iters)
        }
    }

    /// The bottom line: the filter being typed, else what the run waits on (a spinner, the
    /// provider's activity or a slow call) and the last message, then
    /// the focused pane's keys (k9s): ? and q first, the pane's own next, then the global
    /// steering keys, then Tab and z; a key that cannot act now is dimmed.
    static func statusLine(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        if case .filter = m.mode {
            b.text(0, r.y, "/" + m.filter + "▏", Style(.accent, bold: true), maxWidth: r.width)
            return
        }
        // The bottom-right cell is never written (it scrolls some terminals): a cut's "…" must
        // land before it, or the cut went unmarked.
        let limit = r.width - 1
        var x = 0
        // What the run waits on first (the local server's start is what a newcomer watches),
        // then the message; a key's answer given during the wait first instead. A cut
        // of either ends in "…".
        let said = m.message.isEmpty ? "" : " " + m.message + "  "
        let style = Style(m.state.error != nil ? .bad : .accent, bold: true)
        if let wait = m.waitLine {
            let waitText = " \(spinner(m)) \(wait)  "
            if m.messageAnswersAKey {
                x += b.text(x, r.y, said, style, maxWidth: limit - x)
                if x < limit { x += b.text(x, r.y, waitText, Style(.warning, bold: true), maxWidth: limit - x) }
            } else {
                // A short message keeps its room beside the wait line, which is cut instead.
                let room = said.count <= limit / 2 ? limit - said.count : limit
                x += b.text(x, r.y, waitText, Style(.warning, bold: true), maxWidth: room - x)
                if !said.isEmpty, x < limit { x += b.text(x, r.y, said, style, maxWidth: limit - x) }
            }
        } else if !said.isEmpty {
            x += b.text(x, r.y, said, style, maxWidth: limit - x)
        }
        x = max(x, 1)
        for hint in statusHints(m) {
            guard x + hint.key.count + hint.text.count + 1 < limit else { break }
            x += b.text(x, r.y, hint.key, Style(hint.enabled ? .accent : .dim, bold: hint.enabled))
            x += b.text(x, r.y, " " + hint.text + "  ", .dim)
        }
    }

    /// A spinner frame that turns with the clock (ten frames a second).
    static func spinner(_ m: ExplorerModel) -> String {
        let frames = m.asciiOnly ? ["|", "/", "-", "\\"] : ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
        let tick = Int((m.now.timeIntervalSince1970 * 10).rounded(.down))
        return frames[(tick % frames.count + frames.count) % frames.count]
    }

    /// The status bar's keys for the focused pane, in the order they are shown.
    static func statusHints(_ m: ExplorerModel) -> [(key: String, text: String, enabled: Bool)] {
        // An overlay's own keys while it is open (the inject form showed "q quit", which typed q).
        switch m.mode {
        case .inject:
            return [
                ("Enter", "inject", true), ("Tab", "the selected architecture", true), ("Ctrl-U", "clear", true),
                ("Esc", "cancel", true),
            ]
        case .help(let view) where !view.editingFilter:
            return [("j/k", "scroll", true), ("/", "filter", true), ("g/G", "top/end", true), ("Esc", "close", true)]
        case .help: return [("Enter", "keep the filter", true), ("Esc", "clear it", true)]
        case .detail: return [("Esc", "close", true)]
        case .confirm(.quit): return [("y", "quit", true), ("any other key", "stay", true)]
        case .confirm(.restart): return [("y", "restart", true), ("any other key", "keep this run", true)]
        case .browse, .filter: break
        }
        let shown = KeyMap.bindings.filter { $0.shows(in: m.focus) }
        let first = shown.filter { $0.action == .help || $0.action == .quit }
        let own = shown.filter { !$0.panes.isEmpty }
        let rest = shown.filter { $0.panes.isEmpty && $0.action != .help && $0.action != .quit }
        // Steering before moving around: Space and the switch are what a demo needs.
        let moving: Set<Action> = [.nextPane, .zoom]
        let ordered = rest.filter { !moving.contains($0.action) } + rest.filter { moving.contains($0.action) }
        return (first + own + ordered).map { ($0.hintLabel ?? $0.label, $0.hint(for: m), $0.disabledReason(m) == nil) }
    }

    static func compact(_ v: Double) -> String {
        if v >= 1e6 { return String(format: "%.1fM", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1fk", v / 1e3) }
        return String(Int(v))
    }

    static func num(_ v: Double?, _ digits: Int = 2) -> String {
        guard let v, v.isFinite else { return "-" }
        return String(format: "%.\(digits)f", v)
    }

    /// `s` in exactly `w` columns; `cut`: a longer one ends in "…" (a column's cut name read as
    /// another name).
    static func pad(_ s: String, _ w: Int, right: Bool = false, cut: Bool = false) -> String {
        if cut, s.count > w, w > 0 { return String(s.prefix(w - 1)) + "…" }
        if s.count >= w { return String(s.prefix(w)) }
        let p = String(repeating: " ", count: w - s.count)
        return right ? p + s : s + p
    }
}
