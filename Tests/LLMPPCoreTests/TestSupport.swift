import Foundation
import LLMPPCore
import LLMPPTestSupport

/// The repository's sample spaces and the reference data beside the checkout.
enum Fixtures {
    static let root = Repo.root
    static let catalog = Repo.catalog
    static let shared = ((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("shared/data")
    static func space(_ id: String) throws -> SearchSpace { try Repo.space(id) }
    static func tempDirectory() -> String { Repo.tempDirectory() }
}
