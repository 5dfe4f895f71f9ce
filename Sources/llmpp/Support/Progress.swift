import Foundation

/// Progress of long work on stderr: a redrawn bar on a terminal, a line every 10% otherwise,
/// so that piped output and logs stay readable.
final class Progress {
    let label: String
    let isTTY = isatty(STDERR_FILENO) == 1
    private var lastDecile = -1

    init(_ label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        guard total > 0 else { return }
        let frac = min(max(Double(done) / Double(total), 0), 1)
        if isTTY {
            let width = 30, filled = Int(frac * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write("\r\(label) \(bar) \(Int(frac * 100))% (\(done)/\(total))\u{1B}[K".data(using: .utf8)!)
            if done >= total { FileHandle.standardError.write("\n".data(using: .utf8)!) }
        } else {
            let decile = Int(frac * 10)
            if decile != lastDecile {
                lastDecile = decile
                FileHandle.standardError.write("\(label): \(done)/\(total) (\(Int(frac * 100))%)\n".data(using: .utf8)!)
            }
        }
    }
}
