import Foundation
import LLMPPCore

/// The inject form: every dimension with its choices (the form used to name none, so a user
/// had to know the space file), the line being typed, and after a refused Enter every
/// problem with it, the text kept for fixing.
enum InjectOverlay {
    static func draw(_ b: inout CellBuffer, _ m: ExplorerModel, _ form: InjectForm) {
        let w = min(b.width - 4, 110)
        let inner = w - 4
        var lines: [(String, Role)] = PromptPane.wrap(
            "One 'name: value' per dimension, separated by ';' (per-layer values as [a, b, c]).", inner
        ).map { ($0, .dim) }
        for d in m.dimensions {
            for (i, part) in PromptPane.wrap("\(d.name): \(d.choices)", inner - 2).enumerated() {
                lines.append(((i == 0 ? "" : "  ") + part, .normal))
            }
        }
        if let id = form.templateID, !form.templateText.isEmpty {
            lines.append(("The selected architecture (\(id)); Tab copies it here to edit:", .dim))
            lines += PromptPane.wrap(form.templateText, inner).map { ($0, .dim) }
        }
        for p in form.problems { lines += PromptPane.wrap("✗ " + p, inner).map { ($0, .bad) } }
        let wrapped = PromptPane.wrap("inject> " + form.text + "▏", inner)
        let h = min(b.height - 2, lines.count + wrapped.count + 3)
        // A line taller than a third of the box (a long paste) shows its end, where the cursor
        // is, with "…" where it is cut: the problems keep their room (a negative room trapped in
        // `prefix`; a 12,000-character paste hid every problem).
        var input = Array(wrapped.suffix(max(1, (h - 2) / 3)))
        if input.count < wrapped.count { input[0] = "…" + input[0].dropFirst() }
        let x = (b.width - w) / 2
        let y = max(0, (b.height - h) / 2)
        b.fill(x, y, w, h)
        b.box(
            Rect(x, y, w, h), title: "inject an architecture · Enter adds it · Esc cancels", focused: true,
            ascii: m.asciiOnly)
        // The input and its problems stay on screen; the dimension list gives way when short.
        let room = max(0, h - 2 - input.count)
        let problems = lines.filter { $0.1 == .bad }
        let head = lines.filter { $0.1 != .bad }.prefix(max(0, room - problems.count))
        for (i, (t, role)) in (Array(head) + problems).prefix(room).enumerated() {
            b.text(x + 2, y + 1 + i, t, Style(role, bold: role == .bad), maxWidth: inner)
        }
        for (i, t) in input.enumerated() {
            b.text(x + 2, y + h - 1 - input.count + i, t, Style(.accent, bold: true), maxWidth: inner)
        }
    }
}
