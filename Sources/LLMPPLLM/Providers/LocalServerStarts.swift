import Foundation

/// How long one start of the local server took before it was of use: loading the model,
/// then its first answer (the whole prompt processed; later prompts reuse its prefix).
public struct LocalServerStart: Codable, Sendable, Equatable {
    public var model: String
    public var loadSeconds: Double
    public var firstAnswerSeconds: Double
    public var date: Double

    public init(model: String, loadSeconds: Double, firstAnswerSeconds: Double, date: Double) {
        self.model = model
        self.loadSeconds = loadSeconds
        self.firstAnswerSeconds = firstAnswerSeconds
        self.date = date
    }
}

/// The local server's starts, one JSON line each beside its logs (the newest 20): what an
/// estimate made before the server starts prices for the wait a newcomer sees first. It
/// priced neither, and a headless run estimated at 1m13s took two minutes.
public enum LocalServerStarts {
    static let fileName = "server-starts.jsonl"
    static let kept = 20

    /// Adds a start; a file that cannot be written costs only the estimate's accuracy.
    public static func record(_ start: LocalServerStart, logDirectory: String) {
        let path = (logDirectory as NSString).appendingPathComponent(fileName)
        guard let line = try? JSONEncoder().encode(start), let text = String(data: line, encoding: .utf8) else {
            return
        }
        let lines =
            (read(path: path).compactMap { try? JSONEncoder().encode($0) }.compactMap {
                String(data: $0, encoding: .utf8)
            } + [text]).suffix(kept)
        try? FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        let tmp = path + ".tmp-\(getpid())"
        if FileManager.default.createFile(atPath: tmp, contents: Data((lines.joined(separator: "\n") + "\n").utf8)) {
            _ = rename(tmp, path)
        }
    }

    /// This model's recorded starts, oldest first; lines that do not read (a hand edit, a
    /// cut write) are skipped.
    public static func read(logDirectory: String, model: String) -> [LocalServerStart] {
        read(path: (logDirectory as NSString).appendingPathComponent(fileName)).filter { $0.model == model }
    }

    static func read(path: String) -> [LocalServerStart] {
        guard let d = FileManager.default.contents(atPath: path), d.count <= 1 << 20,
            let text = String(data: d, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            (try? JSONDecoder().decode(LocalServerStart.self, from: Data(line.utf8))).flatMap {
                [$0.loadSeconds, $0.firstAnswerSeconds, $0.date].allSatisfy { $0.isFinite && $0 >= 0 } ? $0 : nil
            }
        }
    }
}

/// What a provider's first request costs beyond an ordinary answer, from its recorded starts.
public struct ColdStartCost: Sendable, Equatable {
    public var loadSeconds: Double
    public var firstAnswerSeconds: Double
    public var starts: Int

    public init(loadSeconds: Double, firstAnswerSeconds: Double, starts: Int) {
        self.loadSeconds = loadSeconds
        self.firstAnswerSeconds = firstAnswerSeconds
        self.starts = starts
    }
}
