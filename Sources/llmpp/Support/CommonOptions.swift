import ArgumentParser
import Foundation
import LLMPPCore

/// Options every command shares: where the spaces and the data directory are.
struct CommonOptions: ParsableArguments {
    @Option(
        name: .customLong("spaces"),
        help: "Folder of space folders (default: $LLMPP_SPACES, ./SampleSpaces, or the checkout's).")
    var spacesDirectory: String?

    @Option(
        name: .customLong("data-dir"),
        help: "Data directory for the database and caches (default: $XDG_DATA_HOME/llmpp).")
    var dataDirectory: String?

    /// A data directory that cannot be one is named before anything is written (a file, or a
    /// path under a file, failed later with a raw NSCocoaErrorDomain error).
    func validate() throws {
        // Arguments reach us decoded as UTF-8, a byte that is not one as U+FFFD: the folder
        // used would be another than the one named ("d\xff" wrote to "d\u{fffd}").
        for (flag, value) in [("--data-dir", dataDirectory), ("--spaces", spacesDirectory)]
        where value?.unicodeScalars.contains("\u{FFFD}") == true {
            throw ValidationError("\(flag) is not valid UTF-8 (a folder named with other bytes cannot be used)")
        }
        guard let d = dataDirectory else { return }
        guard !d.isEmpty else { throw ValidationError("--data-dir is empty: give a folder (it is created if missing)") }
        var path = (d as NSString).standardizingPath
        while !path.isEmpty {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw ValidationError(
                        "--data-dir \(d.escapingControlCharacters): \(path.escapingControlCharacters) is a file, not a folder"
                    )
                }
                return
            }
            let parent = (path as NSString).deletingLastPathComponent
            if parent == path { return }
            path = parent
        }
    }

    /// The folders as named on the command line, for the commands this one prints.
    var namedFolders: ResumeHint.Folders { ResumeHint.Folders(spaces: spacesDirectory, data: dataDirectory) }

    func catalog() throws -> SpaceCatalog {
        guard let c = SpaceCatalog.locate(explicit: spacesDirectory) else {
            throw CLIError("cannot find the SampleSpaces folder: pass --spaces DIR or set LLMPP_SPACES")
        }
        return c
    }

    func loadSpace(_ id: String) throws -> SearchSpace { try catalog().load(id) }

    var resolvedDataDirectory: String {
        if let d = dataDirectory { return d }
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_DATA_HOME"], !x.isEmpty { return (x as NSString).appendingPathComponent("llmpp") }
        return (NSHomeDirectory() as NSString).appendingPathComponent(".local/share/llmpp")
    }

    var cacheDirectory: String { (resolvedDataDirectory as NSString).appendingPathComponent("cache") }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
