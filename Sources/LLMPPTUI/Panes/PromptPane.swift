import Foundation
import LLMPPCore
import LLMPPStore

/// The selected call's full prompt, its sections told apart by colour, then the raw
/// response and the outcome (value, attempt, tokens, latency, cost, error), and the answer's
/// distribution where it has one.
enum PromptPane {
    /// `run`: the run on screen; a call another run made is said to be a cached answer.
    static func lines(for c: CallRecord, width: Int, truth: Double? = nil, run: String? = nil) -> [(String, Role)] {
        var out: [(String, Role)] = []
        out.append(
            (
                "call #\(c.id) · \(c.provider)/\(c.model) · sample \(c.sampleIndex) · attempt \(c.attempt) · \(c.status.rawValue)",
                .title
            ))
        out.append(
            (
                String(
                    format: "value %@ · tokens %d in, %d out · %.0f ms · %@",
                    c.parsedValue.map { String(format: "%.3f", $0) } ?? "-",
                    c.tokensIn ?? 0, c.tokensOut ?? 0, c.latencyMs,
                    c.costUSD.map { String(format: "$%.5f", $0) } ?? "cost unknown"), .dim
            ))
        if let run, c.run != run {
            let note = "asked by run \(c.run); this run reused its answer from the cache"
            out += wrap(note, width).map { ($0, .dim) }
        }
        if let e = c.error { out.append(("error: \(e)", .bad)) }
        // The answer first: the prompt that led to it is long.
        if let d = ScoreDistribution.fromJSONText(c.distribution) {
            out += DistributionChart.lines(d, truth: truth, width: width)
        }
        let messages = (try? JSONSerialization.jsonObject(with: Data(c.messages.utf8)) as? [[String: Any]]) ?? []
        for msg in messages {
            let role = msg["role"] as? String ?? "?"
            out.append(("── \(role) ──", .border))
            var section: Role = role == "system" ? .dim : (role == "assistant" ? .response : .promptDemos)
            for raw in (msg["content"] as? String ?? "").components(separatedBy: "\n") {
                if role == "user" {
                    if raw.hasPrefix("You are ") {
                        section = .promptRole
                    } else if raw.range(of: #"^\d+\. "#, options: .regularExpression) != nil {
                        section = .promptInstructions
                    } else if raw.hasPrefix("Hyperparameter definitions") {
                        section = .promptDefinitions
                    } else if raw.hasPrefix("Examples:") {
                        section = .promptDemos
                    } else if raw.hasPrefix("Test architecture:") {
                        section = .promptQuestion
                    }
                }
                for chunk in wrap(raw, width) { out.append((chunk, section)) }
            }
        }
        out.append(("── response ──", .border))
        for raw in (c.responseText ?? "(no response)").components(separatedBy: "\n") {
            for chunk in wrap(raw, width) { out.append((chunk, .response)) }
        }
        return out
    }

    static func wrap(_ s: String, _ w: Int) -> [String] {
        guard w > 0, s.count > w else { return [s] }
        var out: [String] = []
        var rest = Substring(s)
        while rest.count > w {
            // At the last space that fits, so that words stay whole ("performance i|s" was cut);
            // a word longer than the line is cut where it must be.
            let head = rest.prefix(w + 1)
            if let space = head.lastIndex(of: " "), space > rest.startIndex {
                out.append(String(rest[..<space]))
                rest = rest[rest.index(after: space)...]
            } else {
                out.append(String(rest.prefix(w)))
                rest = rest.dropFirst(w)
            }
        }
        out.append(String(rest))
        return out
    }

    /// The largest scroll offset of the selected call's text in a pane of this inner size.
    static func maxScroll(_ m: ExplorerModel, width: Int, height: Int) -> Int {
        let calls = m.visibleCalls
        guard calls.indices.contains(m.selectedCall) else { return 0 }
        let call = calls[m.selectedCall]
        let truth = m.qualityPoints.first { $0.archID == call.archID }?.truth
        return max(0, lines(for: call, width: width, truth: truth, run: m.runID).count - height)
    }

    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ r: Rect) {
        let calls = m.visibleCalls
        guard calls.indices.contains(m.selectedCall) else {
            b.paragraph(
                r.x, r.y, "select a call in pane 3 to see what was asked and answered", .dim, width: r.width,
                maxLines: r.height)
            return
        }
        let call = calls[m.selectedCall]
        let truth = m.qualityPoints.first { $0.archID == call.archID }?.truth
        let all = lines(for: call, width: r.width, truth: truth, run: m.runID)
        let start = min(m.promptScroll, max(0, all.count - r.height))
        for (i, (text, role)) in all.dropFirst(start).prefix(r.height).enumerated() {
            b.text(
                r.x, r.y + i, text, Style(role, bold: role == .promptQuestion || role == .response), maxWidth: r.width)
        }
        if all.count > r.height {
            // On the frame's bottom edge, not over the text.
            b.text(
                r.x + r.width - 10, r.y + r.height,
                String(format: " %3d%% ↕ ", 100 * (start + r.height) / all.count), .dim)
        }
    }
}
