import Foundation
import LLMPPTestSupport
import XCTest

@testable import LLMPPCore

/// The three architecture encodings of the prompts, rendered for a HAT SubTransformer and an
/// NB201 cell (snapshots in Snapshots/).
final class EncodingTests: XCTestCase {
    static let snapshots = (Repo.root as NSString).appendingPathComponent("Tests/LLMPPCoreTests/Snapshots")

    func testEachEncodingOfAHATAndAnNB201Architecture() throws {
        let hat = try Repo.space("hat-wmt14ende")
        // Row 1 of the trained architectures (6 encoder, 3 decoder layers), its last decoder layer attending 2.
        let transformer = try hat.parse(
            Repo.hatRow1.replacingOccurrences(of: "[-1, 1, 1]", with: "[-1, 1, 2]"))
        let nb201 = try Repo.space("nb201-cifar10")
        let cell = try nb201.parse(
            "e10: nor_conv_3x3\ne20: skip_connect\ne21: none\ne30: avg_pool_3x3\ne31: nor_conv_1x1\ne32: nor_conv_3x3")
        for e in ArchitectureEncoding.allCases {
            try TextSnapshot.assert(e.render(transformer, in: hat), "hat-\(e.rawValue)", directory: Self.snapshots)
            try TextSnapshot.assert(e.render(cell, in: nb201), "nb201-\(e.rawValue)", directory: Self.snapshots)
        }
        // Decoder layer 2 (arbitrary attention 2) attends to the last three encoder layers.
        XCTAssertTrue(
            ArchitectureEncoding.graph.render(transformer, in: hat).contains(
                "decoder.2 [dec_ffn 1024, dec_self_heads 4, dec_ende_heads 4, dec_arb_ende 2] <- decoder.1; attends encoder.3, encoder.4, encoder.5"
            ))
        // The JSON form parses back to the same architecture.
        let json = ArchitectureEncoding.json.render(transformer, in: hat)
        XCTAssertEqual(try ArchitectureFile.architectures(json, file: "-", space: hat), [transformer])
    }

    func testAGraphNamingAnUnknownDimensionIsRefused() throws {
        let shape = try Repo.space("nb201-cifar10").shape
        let bad = ArchitectureGraphFile(edges: [.init(from: "a", to: "b", operation: "e99")], attends: nil)
        XCTAssertThrowsError(try bad.resolve(shape) { SpaceError(file: "space.json", field: $0, problem: $1) }) {
            XCTAssertEqual("\($0)", "space.json: graph.edges[0].operation: unknown dimension 'e99'")
        }
    }
}
