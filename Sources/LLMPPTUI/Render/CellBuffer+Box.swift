extension CellBuffer {
    /// A box with a title; focused boxes use the focused border role and heavier lines.
    public mutating func box(_ r: Rect, title: String, focused: Bool, ascii: Bool = false) {
        guard r.width >= 2, r.height >= 2 else { return }
        let st = Style(focused ? .borderFocused : .border, bold: focused)
        let (h, v, tl, tr, bl, br):
            (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) =
                ascii
                ? ("-", "|", "+", "+", "+", "+")
                : (focused ? ("━", "┃", "┏", "┓", "┗", "┛") : ("─", "│", "┌", "┐", "└", "┘"))
        for x in (r.x + 1)..<(r.x + r.width - 1) {
            put(x, r.y, h, st)
            put(x, r.y + r.height - 1, h, st)
        }
        for y in (r.y + 1)..<(r.y + r.height - 1) {
            put(r.x, y, v, st)
            put(r.x + r.width - 1, y, v, st)
        }
        put(r.x, r.y, tl, st)
        put(r.x + r.width - 1, r.y, tr, st)
        put(r.x, r.y + r.height - 1, bl, st)
        put(r.x + r.width - 1, r.y + r.height - 1, br, st)
        text(r.x + 2, r.y, " \(title) ", Style(focused ? .borderFocused : .title, bold: true), maxWidth: r.width - 4)
    }
}
