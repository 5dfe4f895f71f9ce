extension CellBuffer {
    /// `s` word-wrapped into `width` columns from (x, y), at most `maxLines` lines; returns the
    /// lines used. For the panes' one-sentence explanations, which a narrow pane cut mid-word
    /// ("the search starts aft").
    @discardableResult
    public mutating func paragraph(_ x: Int, _ y: Int, _ s: String, _ style: Style, width: Int, maxLines: Int) -> Int {
        let lines = PromptPane.wrap(s, width).prefix(max(0, maxLines))
        for (i, line) in lines.enumerated() { _ = text(x, y + i, line, style, maxWidth: width) }
        return lines.count
    }
}
