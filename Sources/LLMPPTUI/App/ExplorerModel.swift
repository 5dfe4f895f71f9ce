import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPStore

public enum Pane: Int, CaseIterable, Sendable {
    case plot = 1
    case population, calls, prompt, quality
    public var title: String {
        switch self {
        case .plot: return "Pareto plot"
        case .population: return "Population"
        case .calls: return "LLM calls"
        case .prompt: return "Prompt inspector"
        case .quality: return "Predictor quality"
        }
    }
}

public enum SortColumn: String, CaseIterable, Sendable {
    case score, id, generation, source, expensive, truth, latency, gflops, params
}

public enum ColorBy: String, Sendable { case generation, predictor }

/// Everything the explorer shows: the engine's newest snapshot (mirrored whole) plus the UI's own state
/// (focus, selection, sort, filter, overlays). Rendering is a pure function of it.
public struct ExplorerModel: Sendable {
    // From the engine's snapshot (see `mirror`).
    public var runID = ""
    public var spaceID = ""
    public var spaceTitle = ""
    public var metric = "score"
    public var providerName = ""
    public var evaluatorName = ""
    public var isReplay = false
    /// The spaces and data folders as the user named them (nil: the defaults), for the resume hint.
    public var namedFolders = ResumeHint.Folders()
    public var config: RunConfig
    public var state: RunState
    public var labelTarget = 0
    public var testCount = 0
    /// Every scored candidate of every generation (the plot's history), newest generation last.
    public var history: [[Candidate]] = []
    public var pareto: [Candidate] = []
    public var calls: [CallRecord] = []
    public var quality: [(String, [PredictorQuality])] = []
    /// Which score the plot's y-axis shows (`v` cycles).
    public var plotY: PlotYMode = .used
    /// What the expensive evaluator's costs are, for the hours in the header.
    public var costLabel = "wall time"
    /// The engine's slow call or evaluation in flight, if any.
    public var waiting: Waiting? = nil
    /// What the LLM provider is doing meanwhile (starting its server, a long first prompt).
    public var activity: Activity? = nil
    /// A saved device's latency model: the measurements it rests on (nil for built-in devices).
    public var latencyMeasurements: Int? = nil
    /// The clock the frame is drawn at (set by the app each frame; fixed in snapshot tests).
    public var now = Date()
    /// When this process first saw each phase, and how much of it was done then, answers from
    /// the cache left out: rates and ETAs count from there (a resumed run's earlier work is
    /// not in the rate).
    public var phaseClocks: [Phase: (since: Date, done: Int)] = [:]
    /// Since when the run has stood still for a pause (its unit in flight done): the time paused
    /// is no work, so the phase clocks move on by it when the run goes on (a 10-minute pause
    /// halved the search's rate and doubled its ETA).
    public var idleSince: Date? = nil
    /// Answers the engine took from the cache, by phase: done in no time, so not in the rate.
    public var cachedAnswers: [Phase: Int] = [:]
    /// A unit runs now (a paused run stops when it ends: the header says PAUSING until then).
    public var unitInFlight = false
    /// Predicted vs truth on the test split (the quality pane's scatter, the inspector's truth).
    public var qualityPoints: [QualityPoint] = []

    // UI state.
    public var focus: Pane = .population
    public var selectedRow = 0
    public var tableScroll = 0
    public var sort: SortColumn = .score
    public var sortAscending = false
    public var filter = ""
    /// What keys go to: browsing, a form, a question or an overlay.
    public var mode: Mode = .browse
    /// The focused pane fills the body (`z`).
    public var zoomed = false
    public var selectedCall = 0
    public var callScroll = 0
    public var promptScroll = 0
    public var callStatusFilter: CallRecord.Status? = nil
    public var colorBy: ColorBy = .generation
    public var message = ""
    /// The message on the status line and since when (`now`), noted by `fadeMessage`.
    var messageShown: (text: String, since: Date)? = nil
    /// The device latencies are predicted on when the run names none (the plot's x-axis).
    public var defaultLatencyDevice: String? = nil
    /// The pause state Space asked for and the engine has not confirmed yet: its "pausing
    /// after the unit in flight" gives way to what happened once the engine says so (it stayed
    /// on the status line beside PAUSED).
    public var requestedPause: Bool? = nil
    public var asciiOnly = false
    public var themeName = "dark"
    /// The selected architecture's `name: value` lines (set by the controller, which has the space).
    public var archText: [String] = []
    /// The space's dimensions and their choices, for the inject form (set by the app).
    public var dimensions: [(name: String, choices: String)] = []

    public init(config: RunConfig, state: RunState) {
        self.config = config
        self.state = state
    }

    public var population: [Candidate] { history.last ?? [] }

    /// The labels this run will have asked for: an anytime run labels only until its switch, so
    /// a switch moved earlier needs fewer (the bar stayed at 32/72 and never read "trained").
    public var labelGoal: Int { config.labelGoal(poolTargets: labelTarget) }

    /// Pinned now: by the engine's list, which `p` changes at once (the candidate's own flag
    /// waits for the next population, so a pinned row showed no mark until then).
    public func isPinned(_ c: Candidate) -> Bool { c.pinned || state.pinned.contains(c.arch) }

    /// The population as the table shows it: filtered, then sorted.
    public var tableRows: [Candidate] {
        var rows = population
        if !filter.isEmpty {
            let f = filter.lowercased()
            rows = rows.filter { c in
                c.id.contains(f) || c.source.rawValue.contains(f) || (isPinned(c) && "pinned".contains(f))
                    || c.arch.genes.description.contains(f)
            }
        }
        // Ids sort as text (a hash of them sorted nothing a reader could see).
        if sort == .id {
            rows.sort { sortAscending ? $0.id < $1.id : $0.id > $1.id }
            return rows
        }
        func key(_ c: Candidate) -> Double {
            switch sort {
            case .score: return c.score
            case .id: return 0
            case .generation: return Double(c.generation)
            case .source: return c.source == .distill ? 0 : 1
            case .expensive: return c.expensive ?? -.infinity
            case .truth: return c.truth ?? -.infinity
            case .latency: return c.latencyMs ?? .infinity
            case .gflops: return c.gflops
            case .params: return c.params
            }
        }
        rows.sort { sortAscending ? key($0) < key($1) : key($0) > key($1) }
        return rows
    }

    public var selected: Candidate? {
        let rows = tableRows
        return rows.indices.contains(selectedRow) ? rows[selectedRow] : nil
    }

    /// The first call a pane of `rows` rows shows: the scroll, but never so far down that rows
    /// stay empty below while calls hide above (with the oldest call selected, each new call
    /// pushed the list down until only it and one other showed).
    public func callsTop(rows: Int) -> Int { max(0, min(callScroll, visibleCalls.count - rows)) }

    public var visibleCalls: [CallRecord] {
        guard let f = callStatusFilter else { return calls }
        return calls.filter { $0.status == f }
    }

    public var running: Bool { !state.paused && !state.finished }

    /// Whether the run has work left (running or paused): leaving it or replacing it is asked first.
    public var runCanGoOn: Bool { !state.finished && state.phase != .done }

    /// A phase's work done of its total: LLM-PP predictions, labels, training steps, generations.
    public func progress(_ p: Phase) -> (done: Int, total: Int) {
        switch p {
        case .llmpp: return (state.llmppDone, testCount)
        case .labelling: return (state.labelsDone, labelGoal)
        case .training: return (state.trainingStep, config.firstTrainingSteps)
        case .search, .done: return (state.generation, config.evolution.iterations)
        }
    }

    func answersFromCache(_ p: Phase) -> Int { cachedAnswers[p] ?? 0 }

    /// A phase's progress with rate, elapsed time and ETA once this process has seen it move.
    public func rate(_ p: Phase) -> ProgressRate {
        let (done, total) = progress(p)
        let clock = phaseClocks[p]
        return ProgressRate(
            done: done, total: total, doneBefore: clock.map { $0.done + answersFromCache(p) } ?? done,
            elapsed: clock.map { now.timeIntervalSince($0.since) } ?? 0)
    }

    /// What the run is waiting on, said with its time: the provider's own activity, else a
    /// call or evaluation slower than 5 s (a shorter one is not news).
    public var waitLine: String? {
        if let a = activity { return a.line(now: now) }
        if let w = waiting, w.seconds(now: now) >= 5 { return w.line(now: now) }
        return nil
    }

    /// Since when the run has waited on what `waitLine` says.
    var waitSince: Date? { activity?.since ?? waiting?.since }

    /// When the last key was pressed (resizes left out).
    public var lastKeyAt: Date? = nil

    /// Whether the message answers a key pressed while the run waits (shown within 5 s of it,
    /// after the wait began): it goes first on the status line, or a long one ("injected ...")
    /// vanished behind the spinner at 80 columns. Any other message (the start's estimate,
    /// which lands after the server has begun loading) gives way to what the run waits on.
    var messageAnswersAKey: Bool {
        guard let shown = messageShown, shown.text == message, let since = waitSince, let key = lastKeyAt else {
            return false
        }
        return shown.since > since && shown.since >= key && shown.since.timeIntervalSince(key) < 5
    }

    /// How often the screen must be redrawn with nothing new from the engine: a spinner
    /// turns ten times a second, elapsed times and ETAs tick each second.
    public var redrawInterval: Double? {
        if activity != nil || waiting != nil { return 0.1 }
        return running ? 1 : nil
    }

    /// Takes the engine's snapshot as the one truth about the run: every engine-owned field
    /// is replaced, none patched (a copy patched from events drifted from the engine's).
    public mutating func mirror(_ snap: EngineSnapshot) {
        runID = snap.runID
        config = snap.config
        state = snap.state
        providerName = snap.providerName
        evaluatorName = snap.evaluatorName
        costLabel = snap.costLabel
        labelTarget = snap.labelTarget
        testCount = snap.testCount
        waiting = snap.waiting
        activity = snap.activity
        latencyMeasurements = snap.latencyMeasurements
        cachedAnswers = snap.answersFromCache
        if unitInFlight && !snap.unitInFlight && state.paused && message.hasPrefix("pausing") {
            message = Self.pausedMessage
        }
        unitInFlight = snap.unitInFlight
        leaveIdleTimeOutOfTheClocks()
        history = snap.history
        pareto = snap.pareto
        // The selected call stays the same call as newer ones arrive above it (the inspector
        // drifted from #19 to #23 while it was read); at the top, the list follows the newest.
        let kept = selectedCall > 0 && visibleCalls.indices.contains(selectedCall) ? visibleCalls[selectedCall].id : nil
        calls = snap.calls
        if let kept, let row = visibleCalls.firstIndex(where: { $0.id == kept }) {
            callScroll = max(0, callScroll + row - selectedCall)
            selectedCall = row
        }
        quality = snap.quality
        qualityPoints = snap.qualityPoints
        if phaseClocks[state.phase] == nil {
            phaseClocks[state.phase] = (now, progress(state.phase).done - answersFromCache(state.phase))
        }
    }

    static let pausedMessage = "paused: Space resumes, n runs one step"

    /// Notes when the run stops for a pause and, when it moves again (Space or a step of `n`),
    /// moves every phase clock on by the time it stood still.
    mutating func leaveIdleTimeOutOfTheClocks() {
        let idle = state.paused && !unitInFlight && !state.finished
        if idle, idleSince == nil { idleSince = now }
        guard !idle, let since = idleSince else { return }
        let stood = max(0, now.timeIntervalSince(since))
        phaseClocks = phaseClocks.mapValues { ($0.since.addingTimeInterval(stood), $0.done) }
        idleSince = nil
    }

    /// Clears a passing message once it has been readable for a while ("pinned ...", "theme:
    /// ..." stayed for the rest of a session, read as news long after); words that describe
    /// the run's state stay while it lasts: an error, paused, finished. Called every frame;
    /// returns whether it cleared one (the screen is to be drawn again).
    public mutating func fadeMessage() -> Bool {
        guard !message.isEmpty else {
            messageShown = nil
            return false
        }
        guard let shown = messageShown, shown.text == message else {
            messageShown = (message, now)
            return false
        }
        guard now.timeIntervalSince(shown.since) >= Self.messageLifetime(message), !messageDescribesState else {
            return false
        }
        // A key's answer that fades while the run is paused gives the word back to "paused"
        // (the line showed only the keys, and a paused run read as a stopped one).
        message = state.paused && !state.finished && !unitInFlight ? Self.pausedMessage : ""
        messageShown = nil
        return true
    }

    /// Time to read it twice at a slow pace: 8 s, longer for a long line (a command to copy).
    static func messageLifetime(_ text: String) -> TimeInterval { max(8, min(30, Double(text.count) / 8)) }

    var messageDescribesState: Bool {
        state.error != nil || (state.paused && message.hasPrefix("paused"))
            || ((state.finished || state.phase == .done) && message.hasPrefix("the run is finished"))
    }

    /// An event's words for the status line; what it changed arrives with the next snapshot.
    public mutating func hear(_ e: EngineEvent) {
        switch e {
        case .error(let m), .notice(let m): message = m
        // "running" (or any older word) stood under DONE: the end is said instead.
        case .finished: message = "the run is finished: r starts a new run with these settings, q quits"
        // The expensive generations' pace is not the student's (nor the labels' it waited for):
        // the search's rate and ETA count from the switch (an ETA of 1h20m was 2 minutes).
        case .switchReached(let g):
            phaseClocks[.search] = (now, g)
            // The moment a demo is for, said where the eye is (only headless runs said it), short
            // enough to be read whole beside the keys at 160 columns (it was cut there).
            message = "switch: from generation \(g) the \(evaluatorName) scores (v: y-axis)"
        case .paused(let p) where p == requestedPause:
            requestedPause = nil
            message =
                !p
                ? "running"
                : unitInFlight
                    ? "pausing: the unit in flight finishes first (Space resumes)" : Self.pausedMessage
        default: break
        }
    }
}

/// The plot's y-axis: never two predictors' scales on one axis without saying so.
public enum PlotYMode: String, CaseIterable, Sendable {
    /// The fitness the search used: the student's before the switch, the expensive one after.
    case used
    /// LLM-Distill-PP's prediction, for every architecture.
    case student
    /// The expensive evaluator's score, where it evaluated the architecture.
    case expensive
    /// The trained-from-scratch truth, where the space knows it (never used by the search).
    case truth

    public func value(_ c: Candidate) -> Double? {
        switch self {
        case .used: return c.score
        case .student: return c.distill
        case .expensive: return c.expensive
        case .truth: return c.truth
        }
    }

    public var label: String {
        switch self {
        case .used: return "score the search used"
        case .student: return "LLM-Distill-PP"
        case .expensive: return "expensive score"
        case .truth: return "truth"
        }
    }

    public var next: PlotYMode { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }
}
