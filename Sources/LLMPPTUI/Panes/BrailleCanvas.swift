import Foundation

/// A grid of braille cells (2 dots across, 4 down each), each cell coloured by the role of
/// the last dot set in it: the plot draws points and lines on it, then copies it to the
/// cell buffer.
struct BrailleCanvas {
    static let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    let area: Rect
    private var cells: [UInt32]
    private var roles: [Role]

    init(_ area: Rect) {
        self.area = area
        cells = [UInt32](repeating: 0, count: max(0, area.width * area.height))
        roles = [Role](repeating: .dim, count: max(0, area.width * area.height))
    }

    var dotWidth: Int { area.width * 2 }
    var dotHeight: Int { area.height * 4 }

    mutating func set(_ dx: Int, _ dy: Int, _ role: Role) {
        guard dx >= 0, dy >= 0, dx < dotWidth, dy < dotHeight else { return }
        let i = (dy / 4) * area.width + dx / 2
        cells[i] |= Self.bits[dx % 2][dy % 4]
        roles[i] = role
    }

    /// A straight segment between two dots (Bresenham).
    mutating func line(from a: (Int, Int), to c: (Int, Int), _ role: Role) {
        var (x0, y0) = a
        let (x1, y1) = c
        let sx = x0 < x1 ? 1 : -1
        let sy = y0 < y1 ? 1 : -1
        let dx = abs(x1 - x0)
        let dy = -abs(y1 - y0)
        var err = dx + dy
        while true {
            set(x0, y0, role)
            if x0 == x1 && y0 == y1 { break }
            let e2 = 2 * err
            if e2 >= dy {
                err += dy
                x0 += sx
            }
            if e2 <= dx {
                err += dx
                y0 += sy
            }
        }
    }

    /// Copies the dots to the buffer (`*` and `o` where braille cannot be shown); empty cells
    /// in column `dashedColumn` get a dashed line (the constraint).
    func draw(_ b: inout CellBuffer, ascii: Bool, dashedColumn: Int?) {
        for cy in 0..<area.height {
            for cx in 0..<area.width {
                let i = cy * area.width + cx
                if cells[i] != 0 {
                    let ch: Unicode.Scalar =
                        ascii ? (roles[i] == .pareto ? "o" : "*") : Unicode.Scalar(0x2800 + cells[i])!
                    b.put(area.x + cx, area.y + cy, ch, Style(roles[i], bold: roles[i] == .pareto))
                } else if cx == dashedColumn {
                    // Dashed, so it is never taken for the pane's border.
                    b.put(area.x + cx, area.y + cy, ascii ? ":" : "┊", Style(.constraint, bold: true))
                }
            }
        }
    }
}
