import CNcurses
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

public struct TerminalError: Error, CustomStringConvertible {
    public let description: String
    public let exitCode: Int32
}

/// The only place that calls ncurses: checks the terminal, draws the cells that changed,
/// reads keys and mouse events.
/// Used from one thread at a time (the UI loop); handed to it once.
public final class Terminal: @unchecked Sendable {
    private var previous: CellBuffer?
    private var theme: Theme
    private let colors: Bool
    private var pairs: [Int: Int16] = [:]
    private var screen: OpaquePointer?
    public private(set) var utf8: Bool

    /// Refuses, with a clear message and exit code, what would break: not a TTY, TERM unset,
    /// dumb or unknown. Warns about a non-UTF-8 locale (the plot falls back to ASCII).
    public init(theme: Theme) throws {
        setlocale(LC_ALL, "")
        utf8 =
            String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "")
            == "UTF8"
        let term = try Self.preflight()
        // Threads spawned by the runtime may have blocked these; the resize signal must arrive.
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGWINCH, SIGINT, SIGTERM, SIGTSTP, SIGCONT] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        // Before ncurses changes the modes: a crash puts back these (see shim.h).
        llmpp_install_crash_terminal_restore()
        guard let scr = newterm(nil, llmpp_stdout(), llmpp_stdin()) else {
            throw TerminalError(description: "ncurses could not start on '\(term)'", exitCode: 3)
        }
        screen = scr
        set_term(scr)
        self.theme = theme
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        colors = !noColor && has_colors()
        if colors {
            start_color()
            use_default_colors()
        }
        cbreak()
        noecho()
        nonl()
        keypad(llmpp_stdscr(), true)
        curs_set(0)
        mousemask(llmpp_all_mouse_events(), nil)
        mouseinterval(0)
        set_escdelay(25)
    }

    /// The checks `init` makes, without starting ncurses: callers run them before creating
    /// anything (a launch without a TTY used to leave a `created` run behind). Returns TERM.
    @discardableResult
    public static func preflight() throws -> String {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TerminalError(
                description:
                    "llmpp explore needs an interactive terminal (stdin and stdout must be a TTY); use 'llmpp search' for headless runs",
                exitCode: 3)
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw TerminalError(
                description:
                    "TERM is \(term.isEmpty ? "unset" : "dumb"): the explorer needs a terminal with cursor addressing (e.g. TERM=xterm-256color)",
                exitCode: 3)
        }
        var err: Int32 = 0
        guard setupterm(term, STDOUT_FILENO, &err) == OK, let cup = tigetstr("cup"), Int(bitPattern: cup) != -1,
            Int(bitPattern: cup) != 0
        else {
            throw TerminalError(
                description: "the terminal type '\(term)' is unknown or cannot move the cursor", exitCode: 3)
        }
        return term
    }

    public func close() {
        guard screen != nil else { return }
        endwin()
        delscreen(screen)
        screen = nil
    }

    deinit { close() }

    public var size: (width: Int, height: Int) { (Int(getmaxx(llmpp_stdscr())), Int(getmaxy(llmpp_stdscr()))) }

    public func setTheme(_ t: Theme) {
        theme = t
        pairs.removeAll()
        previous = nil
    }

    private func pair(for role: Role) -> Int16 {
        guard colors, let c = theme.roles[role] else { return 0 }
        let many = llmpp_colors() >= 256
        let fg = many ? c.fg : c.fg8
        let bg = many ? c.bg : c.bg8
        let key = (fg + 1) * 1000 + (bg + 1)
        if let p = pairs[key] { return p }
        let n = Int16(pairs.count + 1)
        guard Int(n) < llmpp_color_pairs() else { return 0 }
        init_pair(n, Int16(fg), Int16(bg))
        pairs[key] = n
        return n
    }

    /// Writes only the cells that differ from the last frame.
    @discardableResult
    public func draw(_ b: CellBuffer) -> Int {
        let changes = b.changes(from: previous)
        for (x, y, cell) in changes {
            var attrs: attr_t = 0
            let boldByTheme = theme.roles[cell.style.role]?.bold ?? false
            if cell.style.bold || boldByTheme { attrs |= llmpp_a_bold() }
            if cell.style.reverse || (!colors && cell.style.role == .selection) { attrs |= llmpp_a_reverse() }
            if cell.style.underline { attrs |= llmpp_a_underline() }
            if !colors && cell.style.role == .dim { attrs |= llmpp_a_dim() }
            var scalar = cell.scalar
            if !utf8 && scalar.value > 0x7e { scalar = "?" }
            // The bottom-right cell would scroll the screen on some terminals: skip it.
            if y == b.height - 1 && x == b.width - 1 { continue }
            llmpp_put_cell(Int32(y), Int32(x), wchar_t(scalar.value), attrs, pair(for: cell.style.role))
        }
        if !changes.isEmpty { refresh() }
        previous = b
        return changes.count
    }

    /// Forgets the last frame (after a resize the whole screen is redrawn).
    public func invalidate() {
        previous = nil
        clear()
    }

    /// Reads what is already waiting after an ESC (at most 32 characters, without waiting) and
    /// decodes it: a raw mouse report or control sequence is never read as separate keys.
    private func escapeSequence() -> Key? {
        timeout(0)
        var bytes: [UInt32] = []
        var ch: wint_t = 0
        while bytes.count < 32 && !EscapeSequence.isComplete(bytes), get_wch(&ch) != ERR {
            bytes.append(UInt32(ch))
        }
        switch EscapeSequence.decode(bytes) {
        case .key(let k): return k
        case .ignored: return nil
        case .escapeThen(let rest):
            for c in rest.reversed() { unget_wch(wchar_t(c)) }
            return .escape
        }
    }

    /// Waits up to `timeoutMs` for input.
    public func read(timeoutMs: Int32) -> Key? {
        timeout(timeoutMs)
        var ch: wint_t = 0
        let rc = get_wch(&ch)
        if rc == ERR { return nil }
        if rc == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case llmpp_key_resize(): return .resize
            case llmpp_key_mouse():
                var ev = MEVENT()
                guard getmouse(&ev) == OK else { return nil }
                let x = Int(ev.x)
                let y = Int(ev.y)
                if ev.bstate & llmpp_button4_pressed() != 0 { return .wheelUp(x: x, y: y) }
                if ev.bstate & llmpp_button5_pressed() != 0 { return .wheelDown(x: x, y: y) }
                if ev.bstate & llmpp_button1_pressed() != 0 { return .click(x: x, y: y) }
                return nil
            default: return nil
            }
        }
        switch ch {
        case 9: return .tab
        case 12: return .repaint
        case 21: return .clearLine
        case 10, 13: return .enter
        case 27: return escapeSequence()
        case 127, 8: return .backspace
        default:
            guard let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(u))
        }
    }
}
