import Foundation
import XCTest

@testable import LLMPPCore

/// Spaces whose efficiency formulas read a table listing part of the grid draw from that
/// listing; the sample spaces keep drawing from the grid, so that their seeded runs stay as
/// they were.
final class SpaceListingTests: XCTestCase {
    func testTheSampleSpacesHaveNoListing() throws {
        for id in ["nb201-cifar10", "hat-wmt14ende"] {
            let s = try Fixtures.space(id)
            XCTAssertNil(s.listing, id)
            var a = SeededGenerator(seed: 3)
            var b = SeededGenerator(seed: 3)
            XCTAssertEqual(s.randomArchitecture(using: &a), s.shape.random(using: &b), id)
        }
    }

    func testAPartialTableListsItsRowsAndEvolutionKeepsToThem() throws {
        let dir = Fixtures.tempDirectory()
        var rows = ["a,b,c,acc,mflops"]
        for i in 0..<40 { rows.append("\(i % 4),\((i / 4) % 4),\(i / 16),\(70 + Double(i) * 0.1),\(100 + i)") }
        let csv = try CSVTable.parse(rows.joined(separator: "\n") + "\n", file: "p.csv")
        let scaffold = SpaceScaffold(id: "part", csv: csv, score: "acc", flops: "mflops", params: nil)
        for (path, text) in try scaffold.files() {
            let full = (dir as NSString).appendingPathComponent(path)
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        let s = try SpaceLoader.load(file: dir + "/space.json")
        let listing = try XCTUnwrap(s.listing)
        XCTAssertEqual(listing.architectures.count, 40)
        XCTAssertEqual(s.shape.size, 48)
        XCTAssertEqual(listing.tables, ["archs"])
        let evolution = Evolution(
            shape: s.shape, config: EvolutionConfig(population: 6, parents: 2, mutations: 2, crossovers: 2),
            areFeasible: { $0.map { listing.contains(s.id($0)) } }, draw: { s.randomArchitecture(using: &$0) })
        var rng = SeededGenerator(seed: 1)
        var pop = try evolution.randomPopulation(6, using: &rng)
        for _ in 0..<5 { pop = try evolution.nextPopulation(parents: Array(pop.prefix(2)), using: &rng) }
        XCTAssertTrue(pop.allSatisfy { listing.contains(s.id($0)) })
        XCTAssertTrue(pop.allSatisfy { (try? s.flops($0)) != nil })
    }
}
