/// Where each pane goes for a screen size. Shared by the renderer and mouse hit-testing.
public struct Layout: Equatable, Sendable {
    public static let minWidth = 80
    public static let minHeight = 24

    public let width: Int, height: Int
    public let header: Rect, status: Rect
    public let panes: [Pane: Rect]

    /// `zoom`: that pane alone fills the body (`z`).
    public init(width: Int, height: Int, zoom: Pane? = nil) {
        self.width = width
        self.height = height
        header = Rect(0, 0, width, 3)
        status = Rect(0, height - 1, width, 1)
        let bodyY = 3
        let bodyH = height - 4
        if let zoom {
            panes = [zoom: Rect(0, bodyY, width, bodyH)]
            return
        }
        let leftW = width * 55 / 100
        let rightW = width - leftW
        let plotH = bodyH * 62 / 100
        let popH = bodyH * 45 / 100
        let callsH = max(5, bodyH * 20 / 100)
        panes = [
            .plot: Rect(0, bodyY, leftW, plotH),
            .quality: Rect(0, bodyY + plotH, leftW, bodyH - plotH),
            .population: Rect(leftW, bodyY, rightW, popH),
            .calls: Rect(leftW, bodyY + popH, rightW, callsH),
            .prompt: Rect(leftW, bodyY + popH + callsH, rightW, bodyH - popH - callsH),
        ]
    }

    public var tooSmall: Bool { width < Self.minWidth || height < Self.minHeight }

    public func pane(at x: Int, _ y: Int) -> Pane? { panes.first { $0.value.contains(x, y) }?.key }

    /// Rows of the population table that fit (inner height minus the header row).
    public var tableRows: Int { max(0, (panes[.population]?.height ?? 0) - 3) }
    public var callRows: Int { max(0, (panes[.calls]?.height ?? 0) - 3) }
    public var promptRows: Int { max(0, (panes[.prompt]?.height ?? 0) - 2) }

    /// What PgUp/PgDn move in pane `p`: its own rows (the population's were used for every
    /// pane, and a zoomed inspector, with no population on screen, paged one line at a time).
    public func pageRows(_ p: Pane) -> Int {
        switch p {
        case .population: return max(1, tableRows)
        case .calls: return max(1, callRows)
        case .prompt: return max(1, promptRows)
        case .plot, .quality: return max(1, (panes[p]?.height ?? 0) - 2)
        }
    }
}

extension Layout {
    /// The layout the model is drawn in at this size: zoomed or not.
    public init(_ m: ExplorerModel, width: Int, height: Int) {
        self.init(width: width, height: height, zoom: m.zoomed ? m.focus : nil)
    }
}
