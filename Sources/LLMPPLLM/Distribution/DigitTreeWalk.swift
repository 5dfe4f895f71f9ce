import Foundation
import LLMPPCore

/// How a numeric answer is walked digit by digit. Part of the request, hence of the cache key.
public struct DigitWalkSettings: Sendable, Codable, Equatable, Hashable {
    /// Branches whose path probability falls below this are pruned (the greedy path never is).
    public var threshold: Double = 0.005
    /// Digits after the decimal point the walk resolves; a leaf cut there stands for the middle
    /// of the interval its digits fix (25.4 -> 25.45 at one decimal).
    public var decimals: Int = 1
    /// Next-token candidates asked for at each node.
    public var topK: Int = 40
    /// The score range: it bounds the integer part (and so the tree's depth).
    public var low: Double = 0
    public var high: Double = 100
    /// The text forced before the number, e.g. `{"bleu": `.
    public var answerPrefix: String = ""

    public init(
        threshold: Double = 0.005, decimals: Int = 1, topK: Int = 40, low: Double = 0, high: Double = 100,
        answerPrefix: String = ""
    ) {
        self.threshold = threshold
        self.decimals = decimals
        self.topK = topK
        self.low = low
        self.high = high
        self.answerPrefix = answerPrefix
    }

    enum CodingKeys: String, CodingKey {
        case threshold, decimals
        case topK = "top_k"
        case low, high
        case answerPrefix = "answer_prefix"
    }
}

/// One next-token candidate with its probability (before any sampling).
public struct TokenCandidate: Sendable, Equatable {
    public var token: String
    public var probability: Double
    public init(_ token: String, _ probability: Double) {
        self.token = token
        self.probability = probability
    }
}

/// What one batched request returned: per prompt, the next token's candidates.
public struct NextTokenBatch: Sendable {
    public var candidates: [[TokenCandidate]]
    public var tokensIn: Int
    public var tokensOut: Int
    public init(candidates: [[TokenCandidate]], tokensIn: Int = 0, tokensOut: Int = 0) {
        self.candidates = candidates
        self.tokensIn = tokensIn
        self.tokensOut = tokensOut
    }
}

/// A model that continues given texts and reports the next token's probabilities
/// (llama-server's `/completion` with `n_probs`).
public protocol NextTokenSource: Sendable {
    /// Renders chat messages to the model's prompt text (its chat template, generation prompt included).
    func renderPrompt(_ messages: [ChatMessage]) async throws -> String
    func nextTokens(_ prompts: [String], topK: Int) async throws -> NextTokenBatch
}

/// Walks the digit tree of a numeric answer: from the forced answer prefix, asks for the next
/// token's probabilities, keeps every digit branch whose path probability reaches the
/// threshold, renormalises over the tokens that can continue a number in range at each node,
/// and returns the distribution over the leaves. Siblings at one depth go out as one batched
/// request, so a two-digit score with one decimal costs three or four requests.
public enum DigitTreeWalk {
    public struct Result: Sendable, Equatable {
        public var distribution: ScoreDistribution
        public var requests: Int
        public var prompts: Int
        public var tokensIn: Int
        public var tokensOut: Int
    }

    /// At most this many prompts per walk: a bound on cost whatever the model answers.
    public static let maxPrompts = 400

    struct Node {
        var text: String
        var probability: Double
        var onGreedyPath: Bool
        var decimalsSoFar: Int? { text.firstIndex(of: ".").map { text.distance(from: $0, to: text.endIndex) - 1 } }
    }

    enum Step {
        case extend(String)
        case terminate
    }

    public static func walk(prompt: String, settings: DigitWalkSettings, source: any NextTokenSource) async throws
        -> Result
    {
        var frontier = [Node(text: "", probability: 1, onGreedyPath: true)]
        var leaves: [(value: Double, probability: Double)] = []
        var greedy: Double? = nil
        var requests = 0
        var prompts = 0
        var tokensIn = 0
        var tokensOut = 0
        while !frontier.isEmpty {
            guard prompts + frontier.count <= maxPrompts else {
                throw LLMError.malformed("the digit walk needs more than \(maxPrompts) prompts: raise --walk-threshold")
            }
            let batch = try await source.nextTokens(
                frontier.map { prompt + settings.answerPrefix + $0.text }, topK: settings.topK)
            requests += 1
            prompts += frontier.count
            tokensIn += batch.tokensIn
            tokensOut += batch.tokensOut
            guard batch.candidates.count == frontier.count else {
                throw LLMError.malformed(
                    "the server answered \(batch.candidates.count) results for \(frontier.count) prompts")
            }
            var next: [Node] = []
            for (node, candidates) in zip(frontier, batch.candidates) {
                let children = try expand(node, candidates, settings: settings, isRoot: requests == 1)
                for child in children {
                    if let leaf = child.leaf {
                        leaves.append((leaf, child.node.probability))
                        if child.node.onGreedyPath { greedy = leaf }
                    } else {
                        next.append(child.node)
                    }
                }
            }
            frontier = next
        }
        let points = leaves.map {
            ScoreDistribution.Point(min(max($0.value, settings.low), settings.high), $0.probability)
        }
        guard
            let d = ScoreDistribution(
                points: points, source: .digitTree, greedy: greedy.map { min(max($0, settings.low), settings.high) })
        else {
            throw LLMError.malformed("the digit walk ended with no answer")
        }
        return Result(distribution: d, requests: requests, prompts: prompts, tokensIn: tokensIn, tokensOut: tokensOut)
    }

    /// The children of a node worth following, with leaf values where the number ends.
    static func expand(_ node: Node, _ candidates: [TokenCandidate], settings: DigitWalkSettings, isRoot: Bool) throws
        -> [(node: Node, leaf: Double?)]
    {
        guard !candidates.isEmpty else {
            throw LLMError.malformed("the server returned no token probabilities (does it support n_probs?)")
        }
        let steps = self.steps(after: node.text, candidates, settings: settings)
        let total = steps.reduce(0) { $0 + $1.probability }
        guard total > 0 else { return try deadEnd(node, candidates, settings: settings, isRoot: isRoot) }
        var out: [(node: Node, leaf: Double?)] = []
        for (i, s) in steps.enumerated() {
            let p = node.probability * s.probability / total
            let greedy = node.onGreedyPath && i == 0
            guard p >= settings.threshold || greedy else { continue }
            out.append(child(of: node, s.step, probability: p, greedy: greedy, settings: settings))
        }
        return out
    }

    /// The candidates' usable steps, tokens that make the same step merged (" 2" and "2"),
    /// most probable first; ties broken by text, so that the greedy branch is reproducible.
    static func steps(after text: String, _ candidates: [TokenCandidate], settings: DigitWalkSettings) -> [(
        step: Step, probability: Double
    )] {
        var mass: [String: Double] = [:]
        for c in candidates where c.probability.isFinite && c.probability > 0 {
            guard let s = step(after: text, token: c.token, settings: settings) else { continue }
            mass[key(s), default: 0] += c.probability
        }
        return mass.map { (step: $0.key.isEmpty ? Step.terminate : .extend($0.key), probability: $0.value) }
            .sorted { $0.probability != $1.probability ? $0.probability > $1.probability : key($0.step) < key($1.step) }
    }

    /// A node no candidate continues: at the root the model did not start a number (an error
    /// naming what it wanted to say); deeper, the branch ends where it is, if it is a number.
    static func deadEnd(_ node: Node, _ candidates: [TokenCandidate], settings: DigitWalkSettings, isRoot: Bool)
        throws -> [(node: Node, leaf: Double?)]
    {
        if isRoot {
            let top = candidates.prefix(5).map { "'\($0.token)' \(String(format: "%.2f", $0.probability))" }.joined(
                separator: ", ")
            throw LLMError.malformed(
                "the model does not start a number after '\(settings.answerPrefix)' (top tokens: \(top))")
        }
        return node.text.last?.isNumber == true ? [(node, leafValue(node.text, settings: settings, cut: false))] : []
    }

    /// The node one step on, and its value where the number is complete there.
    static func child(of node: Node, _ step: Step, probability p: Double, greedy: Bool, settings: DigitWalkSettings)
        -> (node: Node, leaf: Double?)
    {
        switch step {
        case .terminate:
            return (
                Node(text: node.text, probability: p, onGreedyPath: greedy),
                leafValue(node.text, settings: settings, cut: false)
            )
        case .extend(let t):
            var child = Node(text: t, probability: p, onGreedyPath: greedy)
            // With no room for another integer digit the point is certain: skip a request.
            if child.decimalsSoFar == nil, settings.decimals > 0, !canTakeDigit(t, settings: settings) {
                child.text += "."
            }
            let done =
                (child.decimalsSoFar ?? -1) >= settings.decimals
                || (child.decimalsSoFar == nil && settings.decimals == 0 && !canTakeDigit(t, settings: settings))
            return (child, done ? leafValue(child.text, settings: settings, cut: true) : nil)
        }
    }

    static func key(_ s: Step) -> String {
        switch s {
        case .extend(let t): return t
        case .terminate: return ""
        }
    }

    /// What a token does to the number written so far: extends it (digits, the decimal point),
    /// ends it (any other token after a digit), or nothing usable (nil).
    static func step(after text: String, token: String, settings: DigitWalkSettings) -> Step? {
        let t = token.trimmingCharacters(in: .whitespaces)
        if !t.isEmpty, t.allSatisfy({ $0 == "." || ($0.isASCII && $0.isNumber) }) {
            if token.first == " " && !text.isEmpty { return text.last?.isNumber == true ? .terminate : nil }
            var extended = text + t
            if extended.filter({ $0 == "." }).count > 1 || extended.hasPrefix(".") { return nil }
            if let dot = extended.firstIndex(of: ".") {
                let intPart = String(extended[..<dot])
                guard !intPart.isEmpty, validInteger(intPart, settings: settings) else { return nil }
                let decimals = extended.distance(from: dot, to: extended.endIndex) - 1
                if settings.decimals == 0 { return .extend(intPart + ".") }
                if decimals > settings.decimals { extended = String(extended.dropLast(decimals - settings.decimals)) }
                return .extend(extended)
            }
            return validInteger(extended, settings: settings) ? .extend(extended) : nil
        }
        // Anything else ends a number that has at least one digit and no dangling point.
        return text.last?.isNumber == true ? .terminate : nil
    }

    /// No leading zeros, and within the range's integer part.
    static func validInteger(_ s: String, settings: DigitWalkSettings) -> Bool {
        guard let v = Double(s) else { return false }
        if s.count > 1 && s.hasPrefix("0") { return false }
        return v <= settings.high.rounded(.down)
    }

    static func canTakeDigit(_ intText: String, settings: DigitWalkSettings) -> Bool {
        intText != "0" && validInteger(intText + "0", settings: settings)
    }

    /// A cut leaf is the middle of the interval its digits fix: its text with a 5 appended
    /// (45.8 -> 45.85), parsed rather than added so the value is the decimal's nearest double.
    static func leafValue(_ text: String, settings: DigitWalkSettings, cut: Bool) -> Double {
        let number = text.hasSuffix(".") ? String(text.dropLast()) : text
        guard cut else { return Double(number) ?? 0 }
        return Double(number.contains(".") ? number + "5" : number + ".5") ?? 0
    }
}
