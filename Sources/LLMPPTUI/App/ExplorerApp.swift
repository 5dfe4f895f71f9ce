import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore
import Synchronization

/// What the engine side hands the UI thread: the newest snapshot and the events' messages.
final class Inbox: Sendable {
    struct Content: Sendable {
        var events: [EngineEvent] = []
        var snapshot: EngineSnapshot?
        /// A restart's new engine, or why it could not be made.
        var restarted: Restarted?
    }
    let content = Mutex(Content())
    func push(_ e: EngineEvent) { content.withLock { $0.events.append(e) } }
    func set(_ r: Restarted) { content.withLock { $0.restarted = r } }
    func set(_ s: EngineSnapshot) { content.withLock { $0.snapshot = s } }
    func drain() -> Content {
        content.withLock { c in
            let out = c
            c = Content()
            return out
        }
    }
}

/// The explorer: a synchronous loop on its own thread (keys with a short timeout, ~30 fps
/// at most, redraw only when something changed) over an engine that runs on the
/// concurrency pool and is never awaited by this loop.
public final class ExplorerApp: @unchecked Sendable {
    var engine: Engine
    /// The run on screen (a restart with `r` replaces the one the app started with).
    public var currentEngine: Engine { engine }
    let space: SearchSpace
    let themes: [(String, Theme)]
    var themeIndex: Int
    let makeEngine: @Sendable (RunConfig) async throws -> Engine
    let dataDirectory: String
    /// The spaces and data folders as the user named them, for resume hints; the model holds them.
    public var namedFolders: ResumeHint.Folders {
        get { model.namedFolders }
        set { model.namedFolders = newValue }
    }
    let inbox = Inbox()
    var model: ExplorerModel
    var listeners: [Task<Void, Never>] = []
    /// Steering for the run on screen, in key order (a restart's run gets its own).
    var commands = SerialCommands()
    /// A restart is stopping the old run; its engine has not arrived yet.
    var restarting = false
    /// Set from a signal handler: the loop quits at its next turn, as `q` then `y` would.
    private let quitRequested = Atomic<Bool>(false)
    /// The crash test's trap (`LLMPP_TEST_TRAP=1`), read once: the environment was read at
    /// every frame.
    private let trapsAfterFirstFrame = ProcessInfo.processInfo.environment["LLMPP_TEST_TRAP"] == "1"

    /// Quits at the loop's next turn (a Ctrl-C), saving the run as a quit does.
    public func requestQuit() { quitRequested.store(true, ordering: .relaxed) }

    public init(
        engine: Engine, space: SearchSpace, config: RunConfig, state: RunState, themes: [(String, Theme)],
        themeIndex: Int,
        dataDirectory: String, isReplay: Bool, makeEngine: @escaping @Sendable (RunConfig) async throws -> Engine
    ) {
        self.engine = engine
        self.space = space
        self.themes = themes
        self.themeIndex = themeIndex
        self.makeEngine = makeEngine
        self.dataDirectory = dataDirectory
        model = Self.model(config: config, state: state, space: space, isReplay: isReplay, theme: themes[themeIndex].0)
    }

    /// A model for a run on screen: the space's names and dimensions, the theme; the UI's own
    /// state fresh (the start, and every restart, begin here).
    static func model(config: RunConfig, state: RunState, space: SearchSpace, isReplay: Bool, theme: String)
        -> ExplorerModel
    {
        var m = ExplorerModel(config: config, state: state)
        m.spaceID = space.id
        m.spaceTitle = space.title
        m.metric = space.task.metric
        m.isReplay = isReplay
        m.themeName = theme
        m.dimensions = dimensionList(space)
        m.defaultLatencyDevice = space.latency?.defaultHardware
        return m
    }

    /// Each dimension's name and choices, for the inject form.
    static func dimensionList(_ space: SearchSpace) -> [(name: String, choices: String)] {
        space.shape.dimensions.map { d in
            (d.name, d.choices.map(\.description).joined(separator: ", ") + (d.group == nil ? "" : " (per layer)"))
        }
    }

    /// Listens to a run: its snapshots (pushed by the engine after every change) and its
    /// events (for the status line's messages).
    func attach(_ e: Engine) {
        for l in listeners { l.cancel() }
        let inbox = self.inbox
        listeners = [
            Task { for await ev in await e.events() { inbox.push(ev) } },
            Task { for await s in await e.snapshots() { inbox.set(s) } },
        ]
    }

    /// Runs until the user quits. Call on a dedicated thread: it blocks.
    public func run(terminal: any Screen, startPaused: Bool = false) {
        model.asciiOnly = !terminal.utf8
        if !terminal.utf8 { model.message = "the locale is not UTF-8: ASCII plot (set LANG=C.UTF-8 for braille)" }
        start(paused: startPaused)
        frames(terminal)
        stop(terminal)
    }

    /// Attaches to the engine and starts it, or pauses it before the first snapshot, so that no
    /// frame shows it running.
    func start(paused startPaused: Bool) {
        let e = engine
        if startPaused {
            let paused = DispatchSemaphore(value: 0)
            Task {
                await e.pause()
                paused.signal()
            }
            _ = paused.wait(timeout: .now() + 5)
            model.message = "paused: Space starts the run, n runs one step"
        }
        attach(engine)
        announceEstimate(e, after: startPaused ? model.message : nil)
        if !startPaused { Task { await e.start() } }
    }

    /// The loop: mirror what the engine sent, draw when something changed (at most ~30 frames
    /// a second; a key always redraws at once), handle keys, until a quit.
    func frames(_ terminal: any Screen) {
        var dirty = true
        var lastDraw = Date.distantPast
        while !quitRequested.load(ordering: .relaxed) {
            model.now = Date()
            let c = inbox.drain()
            if !c.events.isEmpty || c.snapshot != nil || c.restarted != nil { dirty = true }
            if let every = model.redrawInterval, Date().timeIntervalSince(lastDraw) >= every { dirty = true }
            if let s = c.snapshot { model.mirror(s) }
            for ev in c.events { model.hear(ev) }
            if let r = c.restarted { finishRestart(r, utf8: terminal.utf8) }
            if model.fadeMessage() { dirty = true }
            let (w, h) = terminal.size
            let layout = Layout(model, width: w, height: h)
            Controller.clampSelection(&model, layout)
            model.archText = model.selected.map { space.canonicalText($0.arch).components(separatedBy: "\n") } ?? []
            if dirty && Date().timeIntervalSince(lastDraw) >= 0.033 {
                terminal.draw(Renderer.render(model, width: w, height: h))
                lastDraw = Date()
                dirty = false
                // The crash test's trap, once a frame is up: the terminal must come back usable.
                if trapsAfterFirstFrame { fatalError("LLMPP_TEST_TRAP: the trap the crash test asked for") }
            }
            var pending = terminal.read(timeoutMs: dirty ? 10 : 33)
            guard pending != nil else { continue }
            // Keys already waiting (a paste, a held key) are taken before the next frame, up to
            // 512 of them: one frame per key froze the screen for seconds after a long paste.
            var handled = 0
            while let key = pending {
                if handle(key, terminal) { return }
                handled += 1
                pending = handled < 512 ? terminal.read(timeoutMs: 0) : nil
            }
            terminal.draw(Renderer.render(model, width: terminal.size.width, height: terminal.size.height))
            lastDraw = Date()
        }
    }

    /// One key: its commands run; true when it quits.
    private func handle(_ key: Key, _ terminal: any Screen) -> Bool {
        if key == .resize || key == .repaint { terminal.invalidate() }
        if key != .resize && key != .repaint { model.lastKeyAt = Date() }
        let commands = Controller.handle(
            key, &model, layout: Layout(model, width: terminal.size.width, height: terminal.size.height))
        for cmd in commands where cmd != .quit { execute(cmd, terminal: terminal) }
        return commands.contains(.quit)
    }

    /// Leaves the run resumable: pauses it (saved after its current unit) and stops the LLM
    /// server; the screen says so meanwhile (it used to freeze for seconds without a word).
    func stop(_ terminal: any Screen) {
        model.message = "stopping: saving the run after the unit in flight and stopping the LLM server..."
        terminal.draw(Renderer.render(model, width: terminal.size.width, height: terminal.size.height))
        let done = DispatchSemaphore(value: 0)
        let eng = engine
        commands.send {
            await eng.pause()
            await eng.shutdown()
            done.signal()
        }
        _ = done.wait(timeout: .now() + 10)
        for l in listeners { l.cancel() }
    }

    /// Says how long the run's settings take, as soon as the engine has measured it.
    func announceEstimate(_ e: Engine, after prefix: String?) {
        let inbox = self.inbox
        Task {
            // A finished run has nothing left to estimate ("~0s (search 0 generations...)").
            guard await !e.state.finished else { return }
            let line = await e.estimate().shortLine
            inbox.push(.notice(prefix.map { "\($0) · \(line)" } ?? line))
        }
    }

    /// Shows the new run once a restart has its engine (or says why it has none).
    func finishRestart(_ r: Restarted, utf8: Bool) {
        restarting = false
        switch r {
        case .engine(let fresh):
            engine = fresh
            commands.close()
            commands = SerialCommands()
            let (cfg, old, named) = (model.config, model.runID, model.namedFolders)
            model = Self.model(
                config: cfg, state: RunState(seed: cfg.seed), space: space, isReplay: cfg.provider == "replay",
                theme: themes[themeIndex].0)
            model.asciiOnly = !utf8
            model.namedFolders = named
            // The old run is paused, not lost: `runs` lists it as such, and this says why.
            model.message =
                "restarted as a new run; run \(old) stays paused: "
                + ResumeHint.command("explore", runID: old, folders: named)
            attach(fresh)
            announceEstimate(fresh, after: model.message)
            Task { await fresh.start() }
        case .failed(let err): model.message = "restart failed: \(err)"
        }
    }

    func execute(_ c: Command, terminal: any Screen) {
        let e = engine
        switch c {
        case .pause: commands.send { await e.pause(byUser: true) }
        case .resume: commands.send { await e.resume() }
        // A step runs for a whole unit (an LLM batch can take seconds) and must not hold up the
        // keys after it; the engine counts presses that arrive while one runs.
        case .step: commands.send { Task { await e.step() } }
        case .moveSwitch(let d): commands.send { _ = await e.moveSwitch(by: d) }
        case .scalePace(let faster): commands.send { await e.scalePace(faster: faster) }
        case .scaleConstraint(let tighter): commands.send { await e.scaleConstraint(tighter: tighter) }
        case .pin(let a): commands.send { await e.pin(a) }
        case .ban(let id): commands.send { await e.ban(id) }
        case .inject(let text): inject(text)
        case .writePrompt(let id): writePrompt(id)
        case .cycleTheme:
            themeIndex = (themeIndex + 1) % themes.count
            terminal.setTheme(themes[themeIndex].1)
            model.themeName = themes[themeIndex].0
            model.message = "theme: \(themes[themeIndex].0)"
        case .restart: restart()
        case .quit: break
        }
    }

    /// Every problem of the typed architecture at once, the text kept in the form to fix (it
    /// used to name one missing dimension per try and throw the input away); a well-formed one
    /// goes to the engine, which judges it (the constraint too) and answers as a notice.
    func inject(_ text: String) {
        let lines = text.replacingOccurrences(of: ";", with: "\n")
        let problems = space.shape.problems(lines)
        guard problems.isEmpty, let a = try? space.parse(lines) else {
            model.mode = .inject(InjectForm.opening(model, text: text, problems: problems))
            return
        }
        let (e, inbox, id) = (engine, self.inbox, space.id(a))
        commands.send {
            do {
                try await e.inject(a)
                inbox.push(.notice("injected \(id): it joins the next population built"))
            } catch { inbox.push(.notice("cannot inject: \(error)")) }
        }
    }

    /// The prompt and answer of call `id`, as the inspector shows them, to a file in the data
    /// directory.
    func writePrompt(_ id: Int64) {
        guard let call = model.calls.first(where: { $0.id == id }) else { return }
        let path = (dataDirectory as NSString).appendingPathComponent("prompt-\(id).txt")
        let text = PromptPane.lines(for: call, width: 10_000, run: model.runID).map(\.0).joined(separator: "\n") + "\n"
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            model.message = "prompt written to \(path)"
        } catch { model.message = "cannot write \(path): \(error)" }
    }

    /// A new run with the same settings. Off the UI thread: stopping the run and its LLM server
    /// takes seconds, during which the screen used to freeze; the new engine arrives through the
    /// inbox.
    func restart() {
        guard !restarting else {
            model.message = "already restarting: the new run starts when this one has stopped"
            return
        }
        restarting = true
        model.message = "restarting: stopping this run and its LLM server..."
        let (e, config, make, inbox) = (engine, model.config, makeEngine, self.inbox)
        commands.send {
            await e.pause()
            await e.shutdown()
            do { inbox.set(.engine(try await make(config))) } catch { inbox.set(.failed("\(error)")) }
        }
    }
}

/// How a restart ended: the new run's engine, or the error that prevented it.
enum Restarted: Sendable {
    case engine(Engine)
    case failed(String)
}
