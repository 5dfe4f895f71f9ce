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
        let (themes, index) = try loadThemes(spacesDirectory: try common.catalog().directory)
        // The terminal is checked before anything is created: a launch without a TTY used to
        // leave a `created` run behind.
        do { try Terminal.preflight() } catch let e as TerminalError { throw Self.exit(e) }
        let env = try common.engineEnvironment()
        // The explorer shows the switch happen: the anytime schedule, expensive evaluations paced 1000x.
        let engine = try await common.engine(
            resume: resume, run: run, llm: llm, defaultSpace: "nb201-cifar10",
            defaults: .explorer)
        let snap = await engine.snapshot()
        let terminal: Terminal
        do { terminal = try Terminal(theme: themes[index].1) } catch let e as TerminalError {
            await engine.shutdown()
            throw Self.exit(e)
        }
        let app = ExplorerApp(
            engine: engine, space: engine.space, config: snap.config, state: snap.state, themes: themes,
            themeIndex: index,
            dataDirectory: common.resolvedDataDirectory, isReplay: snap.config.provider == "replay",
            makeEngine: { config in try await Engine.create(config: config, environment: env) })
        app.namedFolders = common.namedFolders
        // A run the user had paused comes back paused (it used to come back running).
        await showUI(app, terminal, startPaused: paused || snap.state.pausedByUser == true)
        // The run on screen at the end (a restart with `r` made a new one), and exactly how to
        // come back to it.
        let last = await app.currentEngine.snapshot()
        StandardError.line(Self.exitMessage(last, folders: common.namedFolders))
    }

    /// The themes in Themes/ and the one `--theme` names (a path is loaded and put first).
    func loadThemes(spacesDirectory: String) throws -> (themes: [(String, Theme)], index: Int) {
        let themeDir = Theme.locateDirectory(
            spacesDirectory: spacesDirectory, builtInSpacesDirectory: SpaceCatalog.locate()?.directory)
        var themes = try Theme.available(in: themeDir).map { name in
            (name, try Theme.load(path: (themeDir as NSString).appendingPathComponent("\(name).json")))
        }
        if let index = themes.firstIndex(where: { $0.0 == theme }) { return (themes, index) }
        guard FileManager.default.fileExists(atPath: theme) else {
            let known =
                themes.isEmpty ? "none there; LLMPP_THEMES names a folder" : themes.map(\.0).joined(separator: ", ")
            throw CLIError("no theme '\(theme)' (in \(themeDir): \(known))")
        }
        themes.insert(((theme as NSString).lastPathComponent, try Theme.load(path: theme)), at: 0)
        return (themes, 0)
    }

    /// The terminal's error on stderr and its exit code.
    static func exit(_ e: TerminalError) -> ExitCode {
        StandardError.line("error: \(e.description)")
        return ExitCode(e.exitCode)
    }

    /// Runs the UI until it quits, with stderr in the data directory's log meanwhile (nothing but
    /// the renderer may write to the screen). The UI loop blocks: it gets a thread of its own,
    /// not one of the concurrency pool's.
    func showUI(_ app: ExplorerApp, _ terminal: Terminal, startPaused: Bool) async {
        let dataDir = common.resolvedDataDirectory
        let stderrLog = StderrRedirect(to: (dataDir as NSString).appendingPathComponent("logs/explore-stderr.log"))
        // Ctrl-C (SIGINT, SIGTERM, SIGHUP) quits like q: the run saved and the resume command
        // said (it ended the process at once, with no word, and left the run listed as stopped).
        let interruption = Interruption { app.requestQuit() }
        defer { interruption.cancel() }
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let t = Thread {
                app.run(terminal: terminal, startPaused: startPaused)
                terminal.close()
                cont.resume()
            }
            t.stackSize = 8 << 20
            t.start()
        }
        stderrLog?.restore()
    }

    static func exitMessage(_ s: EngineSnapshot, folders: ResumeHint.Folders) -> String {
        let search = ResumeHint.command("search", runID: s.runID, folders: folders)
        let explore = ResumeHint.command("explore", runID: s.runID, folders: folders)
        if s.state.finished {
            return "run \(s.runID) finished: its result with: \(search)\nsee it again with: \(explore)"
        }
        return "run \(s.runID) saved: continue with: \(explore)\nor headless: \(search)"
    }
}
