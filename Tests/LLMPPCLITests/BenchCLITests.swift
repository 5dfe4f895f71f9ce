import Foundation
import XCTest

/// `llmpp bench` runs its side-by-side pairs interleaved and reports the median of the pairs'
/// ratios (one A then one B swung the training ratio from 0.47 to 1.57 between runs).
final class BenchCLITests: XCTestCase {
    func testPairsAreInterleavedAndReportedAsMedians() throws {
        let r = try CLI.run(["bench", "--quick", "--only", "training,search,store", "--pairs", "5", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rows = try XCTUnwrap((CLI.json(r.stdout) as? [String: Any])?["benchmarks"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 1 + 1 + 2, "\(rows)")
        let training = rows[0]
        let name = try XCTUnwrap(training["name"] as? String)
        if name.contains("NumPy unavailable") { throw XCTSkip("python3 with NumPy is not installed: \(name)") }
        XCTAssertTrue(name.contains("median of 5 pairs"), name)
        // The ratio is the median of the pairs' ratios, not the ratio of the medians.
        XCTAssertNotNil(training["ratio"] as? Double)
        XCTAssertTrue((rows[1]["name"] as? String)?.contains("median of 5") == true, "\(rows[1])")
        XCTAssertTrue(r.stderr.contains("5 interleaved pairs"), r.stderr)
        try assertTheCPUsKernels(reported: CLI.json(r.stdout) as? [String: Any])
    }

    /// Debian's OpenBLAS fell back to Prescott's SSE3 kernels on this project's VMs, whose CPUID
    /// hides the model, though the CPU has AVX-512: the binary now restarts itself on kernels
    /// the CPU's flags support, and the report names them.
    func assertTheCPUsKernels(reported: [String: Any]?) throws {
        let core = try XCTUnwrap(reported?["blas_core"] as? String)
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
            let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        else { return }
        let flags = Set(
            cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? []
        )
        if flags.contains("avx2") && flags.contains("fma") {
            XCTAssertNotEqual(core.lowercased(), "prescott", "a CPU with AVX2 ran OpenBLAS's SSE3 kernels")
        }
    }

    /// The restart on the CPU's kernels exec'd /proc/self/exe, and the process was named "exe"
    /// in ps, top and pkill. The name is read a second in, while `arch` waits for its stdin.
    func testTheRestartKeepsTheProcessName() throws {
        let r = try CLI.run(
            ["arch", "--space", "nb201-cifar10", "--file", "-"],
            shellPrefix: "(sleep 1; echo \"comm=$(cat /proc/$$/comm)\" >&2) & exec < <(sleep 2)")
        XCTAssertTrue(r.stderr.contains("comm=llmpp"), r.stderr)
    }

    func testSectionsAndPairsAreChecked() throws {
        let bad = try CLI.run(["bench", "--only", "everything"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown section 'everything'"), bad.stderr)
        let few = try CLI.run(["bench", "--pairs", "2"])
        XCTAssertNotEqual(few.status, 0)
        XCTAssertTrue(few.stderr.contains("--pairs must be at least 5"), few.stderr)
    }
}
