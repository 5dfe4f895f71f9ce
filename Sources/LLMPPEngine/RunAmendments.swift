import Foundation

/// What a user may change when resuming a run: its limits (budgets, timeouts), its pace and
/// an external evaluator's command (a typo in it made a run that could never go on; the
/// scores it already gave are kept), nothing that would make the resumed run a different run. Everything else is fixed at
/// creation; the CLI refuses those options with `--resume` rather than ignoring them.
public struct RunAmendments: Sendable, Equatable {
    /// The run's whole budget (spent included), replacing the stored one.
    public var maxCalls: Int?
    public var maxTokens: Int?
    public var maxCostUSD: Double?
    public var llmTimeout: Double?
    public var concurrency: Int?
    public var evaluatorTimeout: Double?
    public var evaluatorCommand: String?
    /// `.some(nil)`: pacing off.
    public var pace: Double??
    public var pauseAtSwitch: Bool?

    public init(
        maxCalls: Int? = nil, maxTokens: Int? = nil, maxCostUSD: Double? = nil, llmTimeout: Double? = nil,
        concurrency: Int? = nil, evaluatorTimeout: Double? = nil, evaluatorCommand: String? = nil,
        pace: Double?? = nil, pauseAtSwitch: Bool? = nil
    ) {
        self.evaluatorCommand = evaluatorCommand
        self.concurrency = concurrency
        self.maxCalls = maxCalls
        self.maxTokens = maxTokens
        self.maxCostUSD = maxCostUSD
        self.llmTimeout = llmTimeout
        self.evaluatorTimeout = evaluatorTimeout
        self.pace = pace
        self.pauseAtSwitch = pauseAtSwitch
    }

    public var isEmpty: Bool { self == RunAmendments() }

    /// Why these changes cannot apply to a run of `config`, if they cannot.
    public func problem(_ config: RunConfig) -> String? {
        guard evaluatorCommand != nil, config.evaluator.kind != "external" else { return nil }
        return
            "--evaluator-cmd: this run uses the \(config.evaluator.kind) evaluator; only an external evaluator's command can change"
    }

    public func apply(to c: inout RunConfig) {
        if let v = maxCalls { c.maxCalls = v }
        if let v = maxTokens { c.maxTokens = v }
        if let v = maxCostUSD { c.maxCostUSD = v }
        if let v = llmTimeout { c.prediction.timeout = v }
        if let v = concurrency { c.prediction.concurrency = v }
        if let v = evaluatorTimeout { c.evaluator.timeout = v }
        if let v = evaluatorCommand { c.evaluator.command = v }
        if let v = pace { c.pace = v }
        if let v = pauseAtSwitch { c.pauseAtSwitch = v ? true : nil }
    }

    /// One line per change, for the resume's progress output.
    public func summary(spent: Counters) -> [String] {
        var out: [String] = []
        if let v = maxCalls {
            out.append("budget: \(v) LLM calls in all (\(spent.llmCalls) spent, \(max(0, v - spent.llmCalls)) left)")
        }
        if let v = maxTokens { out.append("budget: \(v) tokens in all (\(spent.tokens) spent)") }
        if let v = maxCostUSD { out.append(String(format: "budget: $%.4f in all ($%.4f spent)", v, spent.costUSD)) }
        if let v = llmTimeout { out.append(String(format: "LLM timeout: %g s", v)) }
        if let v = concurrency { out.append("LLM requests in flight: \(v)") }
        if let v = evaluatorTimeout { out.append(String(format: "evaluator timeout: %g s", v)) }
        if let v = evaluatorCommand {
            out.append("evaluator command: \(v) (the scores so far are the earlier command's)")
        }
        if let v = pace { out.append(v.map { String(format: "pace: %gx", $0) } ?? "pace: off") }
        if let v = pauseAtSwitch { out.append("pause at the switch: \(v ? "on" : "off")") }
        return out
    }
}
