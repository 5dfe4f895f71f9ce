/// What the explorer's loop needs of a terminal: its size and character set, drawing a
/// frame, reading a key, repainting and colours. `Terminal` is the ncurses one; the tests
/// drive the real loop through a fake that feeds keys and keeps the frames (lazygit's
/// integration tests work the same way).
public protocol Screen: AnyObject {
    var size: (width: Int, height: Int) { get }
    var utf8: Bool { get }
    @discardableResult func draw(_ b: CellBuffer) -> Int
    func read(timeoutMs: Int32) -> Key?
    /// Forget the last frame: the next draw repaints everything.
    func invalidate()
    func setTheme(_ t: Theme)
}

extension Terminal: Screen {}
