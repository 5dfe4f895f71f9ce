import ArgumentParser
import Foundation
import LLMPPCore
import LLMPPEngine
import LLMPPTUI

struct ExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract:
            "The explorer: watch and steer a search live (population, Pareto plot, prompt inspector). ? lists the keys.",
        discussion:
            "Needs an interactive terminal (80x24 or larger). NO_COLOR turns colours off; --theme picks a file in Themes/."
    )

    @OptionGroup var common: CommonOptions
    @OptionGroup var llm: ProviderOptions
    @OptionGroup var run: RunOptions
    @Option(help: "Theme: a name in Themes/ (dark, light, high-contrast) or a path to a theme file.") var theme:
        String = "dark"
    @Option(help: "Continue this run.") var resume: String?
    @Flag(help: "Start paused: Space starts the run, n steps it one unit at a time (for demos).") var paused = false

    func run() async throws {
        let catalog = try common.catalog()
        let themeDir = Theme.locateDirectory(spacesDirectory: catalog.directory)
        var themes: [(String, Theme)] = []
        for name in Theme.available(in: themeDir) {
            themes.append((name, try Theme.load(path: (themeDir as NSString).appendingPathComponent("\(name).json"))))
        }
        var index = themes.firstIndex { $0.0 == theme } ?? -1
        if index < 0 {
            guard FileManager.default.fileExists(atPath: theme) else {
                throw CLIError("no theme '\(theme)' (in \(themeDir): \(themes.map(\.0).joined(separator: ", ")))")
            }
            themes.insert(((theme as NSString).lastPathComponent, try Theme.load(path: theme)), at: 0)
            index = 0
        }
        // The terminal is checked before anything is created: a launch without a TTY used to
        // leave a `created` run behind.
        do { try Terminal.preflight() } catch let e as TerminalError {
            FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
            throw ExitCode(e.exitCode)
        }
        let env = try common.engineEnvironment()
        // The explorer shows the switch happen: the anytime schedule, expensive evaluations paced 1000x.
        let engine = try await common.engine(
            resume: resume, run: run, llm: llm, defaultSpace: "nb201-cifar10",
            defaults: .explorer)
        let snap = await engine.snapshot()
        let terminal: Terminal
        do { terminal = try Terminal(theme: themes[index].1) } catch let e as TerminalError {
            await engine.shutdown()
            FileHandle.standardError.write(Data("error: \(e.description)\n".utf8))
            throw ExitCode(e.exitCode)
        }
        let app = ExplorerApp(
            engine: engine, space: engine.space, config: snap.config, state: snap.state, themes: themes,
            themeIndex: index,
            dataDirectory: common.resolvedDataDirectory, isReplay: snap.config.provider == "replay",
            makeEngine: { config in try await Engine.create(config: config, environment: env) })
        // The UI loop blocks: it gets a thread of its own, not one of the concurrency pool's.
        let dataDir = common.resolvedDataDirectory
        let stderrLog = StderrRedirect(to: (dataDir as NSString).appendingPathComponent("logs/explore-stderr.log"))
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let t = Thread {
                // A run the user had paused comes back paused (it used to come back running).
                app.run(terminal: terminal, startPaused: paused || snap.state.pausedByUser == true)
                terminal.close()
                cont.resume()
            }
            t.stackSize = 8 << 20
            t.start()
        }
        stderrLog?.restore()
        // The run on screen at the end (a restart with `r` made a new one), and exactly how to
        // come back to it.
        let last = await app.currentEngine.snapshot()
        FileHandle.standardError.write(Data((Self.exitMessage(last, dataDirectory: common.dataDirectory) + "\n").utf8))
    }

    static func exitMessage(_ s: EngineSnapshot, dataDirectory: String?) -> String {
        let dir = dataDirectory.map { " --data-dir '\($0)'" } ?? ""
        if s.state.finished {
            return
                "run \(s.runID) finished: its result with 'llmpp search --resume \(s.runID)\(dir)'; see it again with 'llmpp explore --resume \(s.runID)\(dir)'"
        }
        return
            "run \(s.runID) saved, paused: continue with 'llmpp explore --resume \(s.runID)\(dir)' or 'llmpp search --resume \(s.runID)\(dir)'"
    }
}
