import ArgumentParser
import Foundation
import LLMPPCore

/// `llmpp new-space --from-csv FILE --id ID --score COLUMN`: a working space folder in the
/// spaces directory from one CSV of architectures (see `SpaceScaffold`).
struct NewSpaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-space",
        abstract: "Write a working space folder from one CSV of architectures (every other column a dimension).",
        discussion:
            "The folder goes into the spaces directory (--spaces, as for every command); 'llmpp check --space ID' passes on it as written."
    )

    @OptionGroup var common: CommonOptions
    @Option(name: .customLong("from-csv"), help: "CSV of architectures: one row each, a header naming the columns.")
    var fromCSV: String
    @Option(help: "Id of the new space (letters, digits, - and _).") var id: String
    @Option(help: "Column of the trained-from-scratch score.") var score: String
    @Option(help: "Column of the FLOPs (optional).") var flops: String?
    @Option(help: "Column of the parameter count (optional).") var params: String?
    @Option(name: .customLong("flops-scale"), help: "Multiplier from the FLOPs column to FLOPs (1e6 for MFLOPs).")
    var flopsScale: Double = 1
    @Option(
        name: .customLong("params-scale"),
        help: "Multiplier from the parameters column to parameters (1e6 for millions).")
    var paramsScale: Double = 1
    @Flag(help: "Replace an existing folder of that id.") var force = false

    func run() throws {
        let csv = try CSVTable.load(path: fromCSV)
        var scaffold = SpaceScaffold(id: id, csv: csv, score: score, flops: flops, params: params)
        guard flopsScale > 0, flopsScale.isFinite, paramsScale > 0, paramsScale.isFinite else {
            throw ValidationError("--flops-scale and --params-scale must be finite numbers above 0")
        }
        scaffold.flopsScale = flopsScale
        scaffold.paramsScale = paramsScale
        let files: [(String, String)]
        // Row errors name the CSV like the reader's own errors do.
        do { files = try scaffold.files() } catch let p as SpaceScaffold.Problem where p.description.hasPrefix("row ") {
            throw CLIError("\(fromCSV): \(p.description)")
        }
        let root = (try common.catalog().directory as NSString).appendingPathComponent(id)
        if FileManager.default.fileExists(atPath: root) && !force {
            throw CLIError("\(root) exists: pass --force to replace it")
        }
        // Written beside, then moved into place: a failure leaves no half-written space.
        let staging = root + ".new-\(UUID().uuidString)"
        do {
            for (path, text) in files {
                let full = (staging as NSString).appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: full, atomically: true, encoding: .utf8)
            }
            if FileManager.default.fileExists(atPath: root) { try FileManager.default.removeItem(atPath: root) }
            try FileManager.default.moveItem(atPath: staging, toPath: root)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        print("wrote \(root) (\(files.count) files); next: llmpp check --space \(id)\(common.namedFolders.flags)")
        warnAboutSavedDevices()
    }

    /// Devices measured on a replaced space stay saved (nothing is deleted), but their
    /// architectures may not exist in the new one: say so, rather than fail at the next search.
    private func warnAboutSavedDevices() {
        let dataDirectory = common.resolvedDataDirectory
        let names = SavedDevice.names(dataDirectory: dataDirectory, space: id)
        guard !names.isEmpty else { return }
        let dir = SavedDevice.directory(dataDirectory: dataDirectory, space: id)
        StandardError.line(
            "note: \(names.count) device\(names.count == 1 ? "" : "s") saved for the earlier '\(id)' stay in \(dir) (\(names.joined(separator: ", "))); "
                + "one whose architectures this space lacks is refused when used (llmpp latency --space \(id) --hardware NAME --measurements FILE --replace measures it again)"
        )
    }
}
