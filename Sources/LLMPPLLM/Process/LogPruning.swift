import Foundation

/// Keeps a folder of per-process logs from growing without end: every start of the local
/// server writes a log named by its port, and a few weeks of runs left dozens of megabytes.
public enum LogPruning {
    /// Deletes the files in `directory` whose names start with `prefix` and end with ".log",
    /// all but the `keep` newest by modification time. A running process's log is written to,
    /// so it is among the newest; a file that cannot be read or removed is left as it is.
    public static func prune(directory: String, prefix: String, keep: Int) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return }
        let logs = names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".log") }.compactMap {
            name -> (path: String, modified: Date)? in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let date = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
            return (path, date)
        }
        for old in logs.sorted(by: { $0.modified > $1.modified }).dropFirst(max(0, keep)) {
            try? fm.removeItem(atPath: old.path)
        }
    }
}
