import Foundation

/// The folder of space folders (`SampleSpaces/`), each with a `space.json`.
public struct SpaceCatalog: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Where the spaces are: an explicit folder, `$LLMPP_SPACES`, `./SampleSpaces`, beside
    /// the executable's checkout (`.build/<config>/llmpp` -> the repository), or the source tree.
    public static func locate(explicit: String? = nil, executable: String = CommandLine.arguments.first ?? "")
        -> SpaceCatalog?
    {
        var candidates: [String] = []
        if let explicit { candidates.append(explicit) }
        if let env = ProcessInfo.processInfo.environment["LLMPP_SPACES"], !env.isEmpty { candidates.append(env) }
        candidates.append((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent("SampleSpaces"))
        var dir = (URL(fileURLWithPath: executable).resolvingSymlinksInPath().path as NSString)
            .deletingLastPathComponent
        for _ in 0..<5 {
            candidates.append((dir as NSString).appendingPathComponent("SampleSpaces"))
            dir = (dir as NSString).deletingLastPathComponent
        }
        var src = (#filePath as NSString).deletingLastPathComponent
        for _ in 0..<3 { src = (src as NSString).deletingLastPathComponent }
        candidates.append((src as NSString).appendingPathComponent("SampleSpaces"))
        if explicit != nil { return SpaceCatalog(directory: candidates[0]) }
        for c in candidates {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: c, isDirectory: &isDir), isDir.boolValue {
                return SpaceCatalog(directory: c)
            }
        }
        return nil
    }

    public var ids: [String] {
        let items = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return items.filter {
            FileManager.default.fileExists(
                atPath: ((directory as NSString).appendingPathComponent($0) as NSString).appendingPathComponent(
                    SpaceLoader.fileName))
        }.sorted()
    }

    public func load(_ id: String) throws -> SearchSpace {
        let dir = (directory as NSString).appendingPathComponent(id)
        guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(SpaceLoader.fileName))
        else {
            throw SpaceError(
                file: directory, field: nil, problem: "no space '\(id)' (known: \(ids.joined(separator: ", ")))")
        }
        return try SpaceLoader.load(directory: dir)
    }
}
