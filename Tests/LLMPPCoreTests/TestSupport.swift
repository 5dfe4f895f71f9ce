import Foundation
import XCTest
@testable import LLMPPCore

/// The repository's SampleSpaces, found from this file's path.
enum Fixtures {
    static let root: String = {
        var dir = (#filePath as NSString).deletingLastPathComponent
        for _ in 0..<2 { dir = (dir as NSString).deletingLastPathComponent }
        return dir
    }()
    static let catalog = SpaceCatalog(directory: (root as NSString).appendingPathComponent("SampleSpaces"))
    static let shared = ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/data")

    nonisolated(unsafe) private static var cache: [String: SearchSpace] = [:]
    private static let lock = NSLock()

    /// Loads a sample space once per test process (they are immutable).
    static func space(_ id: String) throws -> SearchSpace {
        lock.lock(); defer { lock.unlock() }
        if let s = cache[id] { return s }
        let s = try catalog.load(id)
        cache[id] = s
        return s
    }

    static func tempDirectory() -> String {
        let d = (NSTemporaryDirectory() as NSString).appendingPathComponent("llmpp-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}
