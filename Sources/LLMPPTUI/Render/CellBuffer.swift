import LLMPPCore

/// The screen as characters and styles: the renderer writes it, the terminal layer blits
/// only the cells that differ from the previous frame, tests read it as text.
public struct CellBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0 && y >= 0 && x < width && y < height { cells[y * width + x] = newValue } }
    }

    public mutating func put(_ x: Int, _ y: Int, _ s: Unicode.Scalar, _ style: Style) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        cells[y * width + x] = Cell(scalar: s, style: style)
    }

    /// Writes text from (x, y), clipped at `maxWidth` columns (and the buffer's edge).
    @discardableResult
    public mutating func text(_ x: Int, _ y: Int, _ s: String, _ style: Style = .normal, maxWidth: Int = .max) -> Int {
        var cx = x
        let limit = maxWidth >= width - x ? width : x + max(0, maxWidth)
        // Lazily: a frame draws many texts, and only a cut one is read past its last cell.
        var scalars = s.unicodeScalars.lazy.filter {
            !($0.properties.generalCategory == .nonspacingMark || $0.value == 0xFE0F)
        }.makeIterator()
        while let u = scalars.next() {
            if cx >= limit {
                // A cut shows as "…" in the last cell, unless only blanks were left out (padding).
                if cx > x, u != " " || IteratorSequence(scalars).contains(where: { $0 != " " }) {
                    put(cx - 1, y, "…", style)
                }
                break
            }
            // Control characters (C0, DEL, C1 such as 0x9B, a one-byte CSI) and bidi overrides
            // never reach the terminal.
            put(cx, y, u.isTerminalUnsafe ? " " : u, style)
            cx += 1
        }
        return cx - x
    }

    public mutating func fill(
        _ x: Int, _ y: Int, _ w: Int, _ h: Int, _ s: Unicode.Scalar = " ", _ style: Style = .normal
    ) {
        for yy in y..<(y + h) { for xx in x..<(x + w) { put(xx, yy, s, style) } }
    }

    /// The buffer as plain text lines (trailing spaces kept): what snapshot tests compare.
    public var lines: [String] {
        (0..<height).map { y in String(String.UnicodeScalarView((0..<width).map { cells[y * width + $0].scalar })) }
    }

    public var text: String { lines.joined(separator: "\n") }

    /// The cells that differ from `old` (all of them when the size changed).
    public func changes(from old: CellBuffer?) -> [(Int, Int, Cell)] {
        guard let old, old.width == width, old.height == height else {
            return (0..<(width * height)).map { ($0 % width, $0 / width, cells[$0]) }
        }
        var out: [(Int, Int, Cell)] = []
        for i in 0..<cells.count where cells[i] != old.cells[i] { out.append((i % width, i / width, cells[i])) }
        return out
    }
}

extension CellBuffer {
    static let asciiFallback: [Unicode.Scalar: Unicode.Scalar] = [
        "·": ".", "▼": "v", "▲": "^", "↕": "|", "◆": "@", "█": "#", "░": ".", "┃": "|", "━": "-", "│": "|", "─": "-",
        "┌": "+", "┐": "+", "└": "+", "┘": "+", "┏": "+", "┓": "+", "┗": "+", "┛": "+", "▏": "|", "≤": "<", "→": ">",
        "←": "<",
        "↑": "^", "↓": "v", "…": ".", "◀": "<", "▶": ">", "×": "x", "÷": "/", "✗": "x", "—": "-",
    ]

    /// For terminals without UTF-8: every scalar becomes ASCII (braille dots become '*').
    public mutating func asciify() {
        for i in cells.indices where !cells[i].scalar.isASCII {
            let u = cells[i].scalar
            cells[i].scalar = (0x2800...0x28FF).contains(u.value) ? "*" : (Self.asciiFallback[u] ?? "?")
        }
    }
}
