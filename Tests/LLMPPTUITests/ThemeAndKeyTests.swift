import Foundation
import LLMPPCore
import LLMPPTestSupport
import XCTest

@testable import LLMPPEngine
@testable import LLMPPTUI

final class ThemeAndKeyTests: XCTestCase {
    let themes = (Repo.root as NSString).appendingPathComponent("Themes")

    /// A spaces folder of one's own has no Themes beside it: the built-in themes serve (the
    /// explorer refused to start: "no theme 'dark'").
    func testThemesFallBackToTheBuiltInFolder() {
        let own = NSTemporaryDirectory() + "llmpp-own-\(UUID().uuidString)/spaces"
        let builtIn = ((themes as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
            "SampleSpaces")
        guard ProcessInfo.processInfo.environment["LLMPP_THEMES"] == nil else { return }
        XCTAssertEqual(Theme.locateDirectory(spacesDirectory: own, builtInSpacesDirectory: builtIn), themes)
        XCTAssertEqual(Theme.locateDirectory(spacesDirectory: builtIn), themes)
    }

    func testShippedThemesLoadWithEveryRole() throws {
        XCTAssertEqual(Theme.available(in: themes), ["dark", "high-contrast", "light"])
        for name in Theme.available(in: themes) {
            let t = try Theme.load(path: "\(themes)/\(name).json")
            XCTAssertEqual(t.name, name)
            XCTAssertEqual(Set(t.roles.keys), Set(Role.allCases))
            for c in t.roles.values {
                XCTAssertTrue((-1...255).contains(c.fg))
                XCTAssertTrue((-1...7).contains(c.fg8))
            }
        }
    }

    func testMalformedThemesNameFileAndKey() throws {
        let dark = try Data(contentsOf: URL(fileURLWithPath: "\(themes)/dark.json"))
        var obj = try JSONSerialization.jsonObject(with: dark) as! [String: Any]
        var roles = obj["roles"] as! [String: Any]
        func err(_ o: [String: Any]) -> String {
            do {
                _ = try Theme.parse(try JSONSerialization.data(withJSONObject: o), file: "t.json")
                return ""
            } catch { return "\(error)" }
        }
        var bad = roles
        bad["accent"] = ["fg": 300]
        obj["roles"] = bad
        XCTAssertEqual(err(obj), "t.json: roles.accent.fg: must be an integer in -1...255")
        bad = roles
        bad["accent"] = ["fg": 3, "fg8": "purple"]
        obj["roles"] = bad
        XCTAssertEqual(
            err(obj), "t.json: roles.accent.fg8: must be one of black, red, green, yellow, blue, magenta, cyan, white")
        bad = roles
        bad["sparkles"] = ["fg": 3]
        obj["roles"] = bad
        XCTAssertTrue(err(obj).hasPrefix("t.json: roles.sparkles: unknown role"))
        roles["pareto"] = nil
        obj["roles"] = roles
        XCTAssertEqual(err(obj), "t.json: roles.pareto: missing")
        XCTAssertEqual((try? Theme.parse(Data("nope".utf8), file: "t.json")) == nil, true)
    }

    func model() throws -> ExplorerModel { try RendererTests.model(generations: 3) }
    let layout = Layout(width: 120, height: 40)

    func testPaneKeysAndHelp() throws {
        var m = try model()
        m.focus = .population
        _ = Controller.handle(.tab, &m, layout: layout)
        XCTAssertEqual(m.focus, .calls)
        _ = Controller.handle(.backTab, &m, layout: layout)
        XCTAssertEqual(m.focus, .population)
        for p in Pane.allCases {
            _ = Controller.handle(.char(Character("\(p.rawValue)")), &m, layout: layout)
            XCTAssertEqual(m.focus, p)
        }
        _ = Controller.handle(.char("?"), &m, layout: layout)
        XCTAssertTrue(m.mode.isHelp)
        _ = Controller.handle(.escape, &m, layout: layout)
        XCTAssertFalse(m.mode.isHelp)
        // Every binding's keys map back to its action (no key bound twice).
        var seen = Set<Key>()
        for b in KeyMap.bindings {
            for k in b.keys {
                XCTAssertTrue(seen.insert(k).inserted, "\(k) bound twice")
                XCTAssertEqual(KeyMap.action(for: k), b.action)
            }
        }
    }

    func testSteeringKeysBecomeEngineCommands() throws {
        var m = try model()
        m.state.paused = false
        XCTAssertEqual(Controller.handle(.char(" "), &m, layout: layout), [.pause])
        m.state.paused = true
        XCTAssertEqual(Controller.handle(.char(" "), &m, layout: layout), [.resume])
        XCTAssertEqual(Controller.handle(.char("n"), &m, layout: layout), [.step])
        // Relative moves: rapid presses compose however stale the model's copy of the config is.
        XCTAssertEqual(
            (0..<4).flatMap { _ in Controller.handle(.char(">"), &m, layout: layout) },
            Array(repeating: .moveSwitch(1), count: 4))
        XCTAssertEqual(Controller.handle(.char("<"), &m, layout: layout), [.moveSwitch(-1)])
        XCTAssertEqual(Controller.handle(.char("["), &m, layout: layout), [.scaleConstraint(tighter: true)])
        XCTAssertEqual(Controller.handle(.char("]"), &m, layout: layout), [.scaleConstraint(tighter: false)])
        m.focus = .population
        let sel = try XCTUnwrap(m.selected)
        XCTAssertEqual(Controller.handle(.char("p"), &m, layout: layout), [.pin(sel.arch)])
        XCTAssertEqual(Controller.handle(.char("b"), &m, layout: layout), [.ban(sel.id)])
        XCTAssertEqual(Controller.handle(.char("i"), &m, layout: layout), [])
        for c in "e10: none" { _ = Controller.handle(.char(c), &m, layout: layout) }
        XCTAssertEqual(Controller.handle(.enter, &m, layout: layout), [.inject("e10: none")])
        m.selectedCall = 0
        XCTAssertEqual(Controller.handle(.char("y"), &m, layout: layout), [.writePrompt(m.calls[0].id)])
    }

    func testQuitAsksWhileARunIsActive() throws {
        var m = try model()
        m.state.paused = false
        XCTAssertEqual(Controller.handle(.char("q"), &m, layout: layout), [])
        XCTAssertEqual(m.mode, .confirm(.quit))
        XCTAssertEqual(Controller.handle(.char("n"), &m, layout: layout), [])
        XCTAssertNotEqual(m.mode, .confirm(.quit))
        _ = Controller.handle(.char("q"), &m, layout: layout)
        XCTAssertEqual(Controller.handle(.char("y"), &m, layout: layout), [.quit])
        // A paused run asks too (it used to quit at once on one stray q), and says it is paused.
        m.state.paused = true
        m.mode = .browse
        XCTAssertEqual(Controller.handle(.char("q"), &m, layout: layout), [])
        XCTAssertEqual(m.mode, .confirm(.quit))
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("The run is paused. Quit?"))
        XCTAssertEqual(Controller.handle(.char("q"), &m, layout: layout), [.quit], "q q quits")
        // A finished run quits at once.
        m.mode = .browse
        m.state.finished = true
        XCTAssertEqual(Controller.handle(.char("q"), &m, layout: layout), [.quit])
    }

    /// A pasted megabyte was kept and wrapped again after each character (the screen froze):
    /// a text input stops at `TextEditing.maxBytes`, and still edits.
    func testATextInputStopsAtItsLimit() {
        var text = String(repeating: "a", count: TextEditing.maxBytes - 1)
        XCTAssertTrue(TextEditing.edit(&text, .char("b")))
        XCTAssertTrue(TextEditing.edit(&text, .char("c")))
        XCTAssertEqual(text.utf8.count, TextEditing.maxBytes)
        XCTAssertEqual(text.last, "b")
        XCTAssertTrue(TextEditing.edit(&text, .backspace))
        XCTAssertEqual(text.utf8.count, TextEditing.maxBytes - 1)
    }

    /// A passing message stayed for the rest of the session ("pinned ..." read as news an hour
    /// later); the words for the run's state stay while it lasts.
    func testPassingMessagesFadeAndStateMessagesStay() throws {
        var m = try model()
        let t0 = Date(timeIntervalSince1970: 1000)
        m.now = t0
        m.state.paused = false
        m.message = "pinned abc"
        XCTAssertFalse(m.fadeMessage())
        m.now = t0 + 7
        XCTAssertFalse(m.fadeMessage())
        XCTAssertEqual(m.message, "pinned abc")
        m.now = t0 + 8
        XCTAssertTrue(m.fadeMessage())
        XCTAssertEqual(m.message, "")
        // A new message starts its own clock; a long one stays longer (a command to copy).
        let long = String(repeating: "x", count: 160)
        m.message = long
        _ = m.fadeMessage()
        m.now = t0 + 20
        XCTAssertFalse(m.fadeMessage())
        m.now = t0 + 28
        XCTAssertTrue(m.fadeMessage())
        // Paused stays while paused; an error stays.
        m.state.paused = true
        m.message = ExplorerModel.pausedMessage
        _ = m.fadeMessage()
        m.now = t0 + 100
        XCTAssertFalse(m.fadeMessage())
        // A key's answer while paused fades back to "paused" (the line showed only the keys).
        m.message = "pinned abc"
        _ = m.fadeMessage()
        m.now = t0 + 110
        XCTAssertTrue(m.fadeMessage())
        XCTAssertEqual(m.message, ExplorerModel.pausedMessage)
        m.state.paused = false
        m.state.error = "the LLM server died"
        m.message = "the LLM server died"
        _ = m.fadeMessage()
        m.now = t0 + 200
        XCTAssertFalse(m.fadeMessage())
    }

    /// One stray r replaced the run on screen by a new one: it asks while the run can go on.
    func testRestartAsksWhileARunCanGoOn() throws {
        var m = try model()
        m.state.paused = true
        XCTAssertEqual(Controller.handle(.char("r"), &m, layout: layout), [])
        XCTAssertEqual(m.mode, .confirm(.restart))
        let screen = Renderer.render(m, width: 120, height: 40).text
        XCTAssertTrue(screen.contains("The run is paused. Start a new run with these settings?"), screen)
        XCTAssertTrue(screen.contains("This run stays paused and resumable: llmpp explore --resume"), screen)
        XCTAssertEqual(Controller.handle(.char("n"), &m, layout: layout), [])
        XCTAssertEqual(m.mode, .browse)
        XCTAssertEqual(m.message, "not restarting")
        _ = Controller.handle(.char("r"), &m, layout: layout)
        XCTAssertEqual(Controller.handle(.char("r"), &m, layout: layout), [.restart], "r r restarts")
        _ = Controller.handle(.char("r"), &m, layout: layout)
        XCTAssertEqual(Controller.handle(.char("y"), &m, layout: layout), [.restart])
        XCTAssertEqual(m.mode, .browse)
        // A finished run restarts at once: nothing is left to keep.
        m.state.finished = true
        XCTAssertEqual(Controller.handle(.char("r"), &m, layout: layout), [.restart])
    }

    func testTableNavigationFilterSortAndMouse() throws {
        var m = try model()
        m.focus = .population
        _ = Controller.handle(.char("j"), &m, layout: layout)
        _ = Controller.handle(.down, &m, layout: layout)
        XCTAssertEqual(m.selectedRow, 2)
        _ = Controller.handle(.char("G"), &m, layout: layout)
        XCTAssertEqual(m.selectedRow, m.tableRows.count - 1)
        _ = Controller.handle(.char("g"), &m, layout: layout)
        XCTAssertEqual(m.selectedRow, 0)
        let scores = m.tableRows.map(\.score)
        XCTAssertEqual(scores, scores.sorted(by: >))
        _ = Controller.handle(.char("S"), &m, layout: layout)
        XCTAssertEqual(m.tableRows.map(\.score), scores.sorted())
        _ = Controller.handle(.char("s"), &m, layout: layout)
        XCTAssertEqual(m.sort, .id)
        let id = m.tableRows[3].id
        _ = Controller.handle(.char("/"), &m, layout: layout)
        for c in id.prefix(8) { _ = Controller.handle(.char(c), &m, layout: layout) }
        _ = Controller.handle(.enter, &m, layout: layout)
        XCTAssertEqual(m.tableRows.map(\.id), [id])
        _ = Controller.handle(.escape, &m, layout: layout)
        XCTAssertEqual(m.filter, "")
        // A click on a table row selects it; the wheel scrolls the pane under it.
        let r = layout.panes[.population]!
        _ = Controller.handle(.click(x: r.x + 3, y: r.y + 2 + 4), &m, layout: layout)
        XCTAssertEqual(m.selectedRow, 4)
        let c = layout.panes[.calls]!
        _ = Controller.handle(.wheelDown(x: c.x + 2, y: c.y + 2), &m, layout: layout)
        XCTAssertEqual(m.focus, .calls)
        XCTAssertEqual(m.selectedCall, 3)
    }

    /// Sorting by id sorted by a hash of the ids: nothing a reader could see.
    func testSortByIdSortsAsText() throws {
        var m = try model()
        m.sort = .id
        m.sortAscending = true
        XCTAssertEqual(m.tableRows.map(\.id), m.population.map(\.id).sorted())
        _ = Controller.handle(.char("S"), &m, layout: layout)
        XCTAssertEqual(m.tableRows.map(\.id), m.population.map(\.id).sorted(by: >))
    }

    /// Enter in the calls pane opened the table's selection, not the call's architecture.
    func testEnterInTheCallsPaneOpensTheCallsArchitecture() throws {
        var m = try model()
        let target = m.tableRows[5]
        m.calls[1].archID = target.id
        m.focus = .calls
        m.selectedCall = 1
        m.selectedRow = 0
        _ = Controller.handle(.enter, &m, layout: layout)
        XCTAssertEqual(m.mode, .detail)
        XCTAssertEqual(m.selected?.id, target.id)
        // A call about an architecture outside the population says so instead of opening another.
        m.mode = .browse
        m.selectedCall = 0
        _ = Controller.handle(.enter, &m, layout: layout)
        XCTAssertNotEqual(m.mode, .detail)
        XCTAssertTrue(m.message.contains("is not in the current population"), m.message)
    }

    /// A call being read stays selected as newer calls arrive above it (the inspector drifted
    /// to other calls during labelling); at the top, the selection follows the newest.
    func testTheSelectedCallStaysAsNewCallsArrive() throws {
        var m = try model()
        m.focus = .calls
        m.selectedCall = 1
        let reading = m.visibleCalls[1].id
        var snap = EngineSnapshot(
            runID: m.runID, config: m.config, state: m.state, providerName: "p", evaluatorName: "e",
            labelTarget: 0, testCount: 0, running: true)
        var newer = m.calls[0]
        newer.id = (m.calls.map(\.id).max() ?? 0) + 1
        var newest = newer
        newest.id += 1
        snap.calls = [newest, newer] + m.calls
        m.mirror(snap)
        XCTAssertEqual(m.visibleCalls[m.selectedCall].id, reading)
        m.selectedCall = 0
        var latest = newest
        latest.id += 1
        snap.calls = [latest] + snap.calls
        m.mirror(snap)
        XCTAssertEqual(m.selectedCall, 0, "the top follows the newest")
    }

    /// With the oldest call selected in a pane taller than the list, new calls do not push the
    /// list down out of sight (only the oldest two showed, over empty rows); an empty filtered
    /// list says it is the filter.
    func testTheCallsPaneStaysFilledAndAnEmptyFilterSaysSo() throws {
        var m = try model()
        m.focus = .calls
        let all = m.calls  // newest first
        m.calls = Array(all.suffix(2))
        m.selectedCall = 1
        var snap = EngineSnapshot(
            runID: m.runID, config: m.config, state: m.state, providerName: "p", evaluatorName: "e",
            labelTarget: 0, testCount: 0, running: true)
        for n in 3...all.count {
            snap.calls = Array(all.suffix(n))
            m.mirror(snap)
        }
        XCTAssertEqual(m.visibleCalls[m.selectedCall].id, all.last!.id, "still the call being read")
        let layout = Layout(width: 120, height: 40)
        let rows = layout.callRows
        XCTAssertLessThan(rows, all.count, "a pane shorter than the list")
        let text = Renderer.render(m, width: 120, height: 40).text
        for c in all.suffix(rows) { XCTAssertTrue(text.contains("#\(c.id) "), "#\(c.id) shown:\n\(text)") }
        m.callStatusFilter = .error
        XCTAssertTrue(
            Renderer.render(m, width: 120, height: 40).text.contains(
                "no error calls among \(all.count) (f changes the filter)"))
    }

    /// A row pinned with `p` is marked and found by `/pinned` at once (both waited for the next
    /// population, whose candidates carry the flag).
    func testAPinnedRowIsMarkedAndFilteredAtOnce() throws {
        var m = try model()
        let row = m.tableRows[3]
        XCTAssertFalse(row.pinned)
        m.state.pinned = [row.arch]
        m.filter = "pinned"
        XCTAssertEqual(m.tableRows.map(\.id), [row.id])
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("*" + row.id))
    }

    /// Ctrl-L is in the key map (and so in help); the app repaints the whole screen for it.
    func testCtrlLRepaintsAndIsListed() {
        XCTAssertEqual(KeyMap.action(for: .repaint), .repaint)
        XCTAssertTrue(KeyMap.bindings.contains { $0.label == "Ctrl-L" })
    }

    /// Help at 80x24 used to stop after `/`, every steering key hidden, and did not scroll.
    func testHelpScrollsToEveryKeyAt80x24() throws {
        var m = try model()
        let small = Layout(width: 80, height: 24)
        _ = Controller.handle(.char("?"), &m, layout: small)
        XCTAssertTrue(m.mode.isHelp)
        var text = Renderer.render(m, width: 80, height: 24).text
        XCTAssertTrue(text.contains("show or hide this help"), text)
        XCTAssertFalse(text.contains("repaint the screen"), "the last key is below the fold at first")
        let g = HelpOverlay.geometry(m, HelpView(), width: 80, height: 24)
        XCTAssertTrue(text.contains("lines 1-\(g.visibleRows) of \(g.rows) · j/k, PgUp/PgDn, g/G scroll"), text)
        _ = Controller.handle(.char("G"), &m, layout: small)
        XCTAssertEqual(helpScroll(m), g.maxScroll)
        XCTAssertGreaterThan(helpScroll(m), 0)
        text = Renderer.render(m, width: 80, height: 24).text
        XCTAssertTrue(text.contains("repaint the screen"), text)
        // Every binding is reachable by scrolling.
        var seen = Set<String>()
        _ = Controller.handle(.char("g"), &m, layout: small)
        for _ in 0...g.rows {
            let t = Renderer.render(m, width: 80, height: 24).text
            for b in KeyMap.bindings where t.contains(PromptPane.wrap(b.help, 60)[0]) { seen.insert(b.help) }
            _ = Controller.handle(.char("j"), &m, layout: small)
        }
        XCTAssertEqual(seen.count, KeyMap.bindings.count)
        // Keys other than the help's own do nothing while it is open; Esc closes it.
        _ = Controller.handle(.char(">"), &m, layout: small)
        XCTAssertTrue(m.mode.isHelp)
        _ = Controller.handle(.escape, &m, layout: small)
        XCTAssertFalse(m.mode.isHelp)
        XCTAssertEqual(helpScroll(m), 0)
    }

    /// At 80 columns a key's reason used to be cut at the box's edge ("(now: the run is
    /// fini"): every line of help fits its column, the reasons on lines of their own.
    func testHelpWrapsReasonsAt80Columns() throws {
        var m = try model()
        m.state.finished = true
        m.config.constraint = .init()
        let g = HelpOverlay.geometry(m, HelpView(), width: 80, height: 24)
        let textWidth = (g.box.width - 2) / g.columns - HelpOverlay.labelWidth - 2
        for line in g.columnLines.joined() { XCTAssertLessThanOrEqual(line.text.count, textWidth, line.text) }
        let reasons = g.columnLines.joined().filter(\.reason).map { $0.text.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
        XCTAssertTrue(reasons.contains("now: the run is finished: r starts a new run with these settings"), reasons)
        XCTAssertTrue(reasons.contains("now: this run has no constraint to change"), reasons)
        XCTAssertTrue(
            reasons.contains("now: expensive evaluations are not paced in this run (start it with --pace 1000)"),
            reasons)
        // Scrolled to the end, the last reason is on screen whole.
        m.mode = .help(HelpView(scroll: g.maxScroll))
        let text = Renderer.render(m, width: 80, height: 24).text
        XCTAssertTrue(text.contains("repaint the screen"), text)
    }

    func form(_ m: ExplorerModel) -> InjectForm? {
        if case .inject(let f) = m.mode { return f }
        return nil
    }

    /// The inject form keeps the architecture selected when it opened, and Tab copies it into
    /// the line to edit (every dimension had to be typed by hand).
    func testTabCopiesTheSelectedArchitectureIntoTheInjectForm() throws {
        var m = try model()
        m.focus = .population
        m.archText = ["a: 1", "b: 2"]
        let id = try XCTUnwrap(m.selected?.id)
        _ = Controller.handle(.char("i"), &m, layout: layout)
        XCTAssertEqual(form(m)?.templateID, id)
        m.archText = ["a: 9"]
        _ = Controller.handle(.tab, &m, layout: layout)
        XCTAssertEqual(form(m)?.text, "a: 1; b: 2")
    }

    /// The help filter matches from the start of a word: "pace" found Space too.
    func testTheHelpFilterMatchesWordStarts() {
        let labels = HelpView(filter: "pace").bindings.map(\.label)
        XCTAssertTrue(labels.contains("+"), "\(labels)")
        XCTAssertFalse(labels.contains("Space"), "\(labels)")
        XCTAssertTrue(HelpView(filter: "switch po").bindings.map(\.label).contains("<"))
        XCTAssertTrue(HelpView(filter: "[").bindings.map(\.label).contains("["))
    }

    /// Ctrl-U clears what is typed (it typed an invisible character), control characters are
    /// never typed, and on a screen too small to show the form keys do not reach it: q quits.
    func testTextInputsClearWithCtrlUAndKeysTypedBlindDoNothing() throws {
        var m = try model()
        _ = Controller.handle(.char("i"), &m, layout: layout)
        for k in [Key.char("e"), .char("\u{1}"), .char("1")] { _ = Controller.handle(k, &m, layout: layout) }
        XCTAssertEqual(form(m)?.text, "e1")
        _ = Controller.handle(.clearLine, &m, layout: layout)
        XCTAssertEqual(form(m)?.text, "")
        _ = Controller.handle(.char("/"), &m, layout: layout)
        let small = Layout(m, width: 40, height: 10)
        XCTAssertEqual(Controller.handle(.char("x"), &m, layout: small), [])
        XCTAssertEqual(form(m)?.text, "/")
        XCTAssertEqual(Controller.handle(.char("q"), &m, layout: small), [.quit])
        // Esc still closes: one that landed as the window shrank left help open, and the q
        // pressed after the window grew again closed help instead of asking to quit.
        m.mode = .help(HelpView())
        _ = Controller.handle(.escape, &m, layout: small)
        XCTAssertEqual(m.mode, .browse)
        m.mode = .browse
        _ = Controller.handle(.char("/"), &m, layout: layout)
        for k in [Key.char("a"), .char("b"), .clearLine, .char("c")] { _ = Controller.handle(k, &m, layout: layout) }
        XCTAssertEqual(m.filter, "c")
    }

    /// After DONE, steering keys said nothing about `r`, and Space gave no feedback.
    func testAFinishedRunSaysHowToApplyChanges() throws {
        var m = try model()
        m.state.finished = true
        XCTAssertEqual(Controller.handle(.char(" "), &m, layout: layout), [])
        XCTAssertEqual(m.message, "the run is finished: r starts a new run with these settings")
        let tightened = SteeringRules.scaledConstraint(m.config.constraint, tighter: true, state: m.state)
        XCTAssertTrue(
            tightened.message.hasSuffix("; the run is finished: r starts a new run with it"), tightened.message)
        m.config.pace = 400
        XCTAssertEqual(Controller.handle(.char("+"), &m, layout: layout), [.scalePace(faster: true)])
        let paced = SteeringRules.scaledPace(400, faster: true, state: m.state)
        XCTAssertEqual(paced.pace, 800)
        XCTAssertTrue(paced.message.hasSuffix("; the run is finished: r starts a new run with it"), paced.message)
        m.state.finished = false
        m.state.paused = false
        _ = Controller.handle(.char(" "), &m, layout: layout)
        XCTAssertEqual(m.message, "pausing after the unit in flight")
        // Once the engine says it paused, the status line says so and what Space does now (the
        // request's words stayed beside PAUSED), and the status bar offers resume.
        m.state.paused = true
        m.hear(.paused(true))
        XCTAssertEqual(m.message, "paused: Space resumes, n runs one step")
        XCTAssertTrue(Renderer.statusHints(m).contains { $0.key == "Space" && $0.text == "resume" })
        // Paused while a unit is still in flight (a label taking a minute): the header says
        // PAUSING and the status line why, until the engine says the unit ended.
        m.state.paused = false
        m.unitInFlight = true
        _ = Controller.handle(.char(" "), &m, layout: layout)
        m.state.paused = true
        m.hear(.paused(true))
        XCTAssertEqual(m.message, "pausing: the unit in flight finishes first (Space resumes)")
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("PAUSING"))
        var snap = EngineSnapshot(
            runID: m.runID, config: m.config, state: m.state, providerName: "p", evaluatorName: "e",
            labelTarget: 0, testCount: 0, running: false)
        snap.unitInFlight = false
        m.mirror(snap)
        XCTAssertEqual(m.message, "paused: Space resumes, n runs one step")
        XCTAssertTrue(Renderer.render(m, width: 120, height: 40).text.contains("PAUSED"))
    }

    /// The light theme set no background: light-on-default text was unreadable on a dark
    /// terminal. A theme that is light sets a background on every role, distinct from its text.
    func testTheLightThemeSetsItsOwnBackground() throws {
        let t = try Theme.load(path: "\(themes)/light.json")
        for (role, c) in t.roles {
            XCTAssertNotEqual(c.bg, -1, "\(role) has no background")
            XCTAssertNotEqual(c.bg8, -1, "\(role) has no 8-colour background")
            XCTAssertNotEqual(c.fg, c.bg, "\(role): text and background are one colour")
            XCTAssertNotEqual(c.fg8, c.bg8, "\(role): text and background are one colour in 8 colours")
        }
    }

    /// Raw mouse reports of an encoding ncurses did not expect were read as keys: their `[`
    /// and `<` tightened the constraint and moved the switch point.
    func testRawMouseReportsAndControlSequencesAreNeverKeys() {
        func bytes(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }
        func decode(_ s: String) -> EscapeSequence.Decoded {
            let b = bytes(s)
            // Complete exactly where the sequence ends, never before.
            for n in 1..<b.count {
                XCTAssertFalse(EscapeSequence.isComplete(Array(b.prefix(n))), "\(s) complete after \(n)")
            }
            XCTAssertTrue(EscapeSequence.isComplete(b), s)
            return EscapeSequence.decode(b)
        }
        XCTAssertEqual(decode("[<0;10;5M"), .key(.click(x: 9, y: 4)))
        XCTAssertEqual(decode("[<0;10;5m"), .ignored, "a release")
        XCTAssertEqual(decode("[<64;3;7M"), .key(.wheelUp(x: 2, y: 6)))
        XCTAssertEqual(decode("[<65;3;7M"), .key(.wheelDown(x: 2, y: 6)))
        XCTAssertEqual(decode("[<35;3;7M"), .ignored, "motion")
        XCTAssertEqual(
            decode("[M" + String(UnicodeScalar(32)) + String(UnicodeScalar(33 + 9)) + String(UnicodeScalar(33 + 4))),
            .key(.click(x: 9, y: 4)))
        XCTAssertEqual(decode("[A"), .key(.up))
        XCTAssertEqual(decode("[6~"), .key(.pageDown))
        XCTAssertEqual(decode("OB"), .key(.down))
        XCTAssertEqual(decode("[1;5A"), .ignored)
        XCTAssertEqual(decode("[200~"), .ignored, "bracketed paste start")
        XCTAssertEqual(EscapeSequence.decode([]), .key(.escape))
        XCTAssertEqual(EscapeSequence.decode(bytes("q")), .escapeThen(bytes("q")), "Esc then q: both keys")
        XCTAssertEqual(EscapeSequence.decode(bytes("[<garbage")), .ignored)
    }

    /// The inspector stuck at 100% after G (k, Up, PgUp did nothing) and cut words in two.
    func testTheInspectorScrollsBackAfterGAndWrapsAtWords() throws {
        var m = try model()
        let small = Layout(width: 80, height: 24)
        m.focus = .prompt
        m.selectedCall = 0
        _ = Controller.handle(.char("G"), &m, layout: small)
        let inner = try XCTUnwrap(small.panes[.prompt]).inner
        let last = PromptPane.maxScroll(m, width: inner.width, height: inner.height)
        XCTAssertGreaterThan(last, 0)
        XCTAssertEqual(m.promptScroll, last)
        _ = Controller.handle(.char("k"), &m, layout: small)
        XCTAssertEqual(m.promptScroll, last - 1)
        _ = Controller.handle(.up, &m, layout: small)
        XCTAssertEqual(m.promptScroll, last - 2)
        // Zoomed (no population on screen), PgDn pages by the inspector's own rows (it moved one line).
        m.zoomed = true
        m.promptScroll = 0
        let zoomed = Layout(m, width: 80, height: 24)
        let zoomedInner = try XCTUnwrap(zoomed.panes[.prompt]).inner
        let zoomedLast = PromptPane.maxScroll(m, width: zoomedInner.width, height: zoomedInner.height)
        _ = Controller.handle(.pageDown, &m, layout: zoomed)
        XCTAssertEqual(m.promptScroll, min(zoomed.promptRows, zoomedLast))
        XCTAssertGreaterThan(m.promptScroll, 1)
        XCTAssertEqual(
            PromptPane.wrap("predicts the performance is good", 16), ["predicts the", "performance is", "good"])
        XCTAssertEqual(PromptPane.wrap("abcdefghij", 4), ["abcd", "efgh", "ij"])
    }
}

extension ThemeAndKeyTests {
    func helpScroll(_ m: ExplorerModel) -> Int {
        if case .help(let view) = m.mode { return view.scroll }
        return 0
    }

    /// Where the plot draws the selected architecture (its ◆), inside the plot pane.
    func diamond(_ m: ExplorerModel, _ layout: Layout) -> (Int, Int)? {
        let b = Renderer.render(m, width: layout.width, height: layout.height)
        let r = layout.panes[.plot]!.inner
        for y in r.y..<(r.y + r.height) {
            for x in r.x..<(r.x + r.width) where b[x, y].scalar == "◆" { return (x, y) }
        }
        return nil
    }

    /// A click selects the point drawn under it, whatever the y-axis shows and wherever the
    /// constraint stretches the x-axis: the click used its own ranges (no constraint, the
    /// used score) and picked points far from the pointer.
    func testAClickSelectsThePointDrawnUnderIt() throws {
        var m = try model()
        m.focus = .plot
        m.config.constraint = .init(latencyMs: 60, hardware: "raspi4")
        for mode in [PlotYMode.used, .truth] {
            m.plotY = mode
            for row in [0, 7, 13, 19] {
                m.selectedRow = row
                let at = try XCTUnwrap(diamond(m, layout), "row \(row) is drawn")
                m.selectedRow = row == 0 ? 19 : 0
                _ = Controller.handle(.click(x: at.0, y: at.1), &m, layout: layout)
                let now = try XCTUnwrap(diamond(m, layout))
                XCTAssertTrue(now == at, "\(mode) row \(row): clicked \(at), selected the point at \(now)")
            }
        }
    }
}
