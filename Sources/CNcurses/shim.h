#ifndef LLMPP_NCURSES_SHIM_H
#define LLMPP_NCURSES_SHIM_H
// SwiftPM drops pkg-config's -D flags: the wide-character API needs these before the header.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift 6 rejects these C globals and macros: read them through functions.
static inline WINDOW *llmpp_stdscr(void) { return stdscr; }
static inline int llmpp_lines(void) { return LINES; }
static inline int llmpp_cols(void) { return COLS; }
static inline int llmpp_colors(void) { return COLORS; }
static inline int llmpp_color_pairs(void) { return COLOR_PAIRS; }
static inline FILE *llmpp_stdout(void) { return stdout; }
static inline FILE *llmpp_stdin(void) { return stdin; }
static inline attr_t llmpp_a_bold(void) { return A_BOLD; }
static inline attr_t llmpp_a_reverse(void) { return A_REVERSE; }
static inline attr_t llmpp_a_dim(void) { return A_DIM; }
static inline attr_t llmpp_a_underline(void) { return A_UNDERLINE; }
static inline int llmpp_key_resize(void) { return KEY_RESIZE; }
static inline int llmpp_key_mouse(void) { return KEY_MOUSE; }
static inline mmask_t llmpp_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t llmpp_button1_pressed(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED; }
static inline mmask_t llmpp_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t llmpp_button5_pressed(void) { return BUTTON5_PRESSED; }
static inline int llmpp_put_cell(int y, int x, wchar_t ch, attr_t attrs, short pair) {
    cchar_t cc;
    wchar_t s[2] = { ch, 0 };
    setcchar(&cc, s, attrs, pair, NULL);
    return mvadd_wch(y, x, &cc);
}

// A crash (a Swift trap is SIGILL) left the terminal raw, without echo, on the alternate
// screen and reporting the mouse: the user had to type `reset` blind. These restore the modes
// the explorer started from, then hand the signal to whoever handled it before (Swift's
// backtracer) or to its default action. Only async-signal-safe calls: tcsetattr, write.
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
// Storage as function-local statics: Swift's importer emits no header-level static variables.
// Only Terminal.swift calls these, so one copy of each exists.
static inline struct termios *llmpp_saved_termios(void) { static struct termios saved; return &saved; }
static inline int *llmpp_saved_termios_ok(void) { static int ok = 0; return &ok; }
static inline struct sigaction *llmpp_previous_action(int sig) {
    static struct sigaction previous[32];
    return &previous[sig & 31];
}
static inline void llmpp_restore_terminal_on_crash(int sig, siginfo_t *info, void *context) {
    if (*llmpp_saved_termios_ok()) tcsetattr(STDIN_FILENO, TCSANOW, llmpp_saved_termios());
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1003l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof reset - 1);
    (void)ignored;
    struct sigaction *previous = llmpp_previous_action(sig);
    sigaction(sig, previous, NULL);
    if ((previous->sa_flags & SA_SIGINFO) && previous->sa_sigaction) {
        previous->sa_sigaction(sig, info, context);
    } else if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
        previous->sa_handler(sig);
    } else {
        raise(sig);
    }
}
static inline void llmpp_install_crash_terminal_restore(void) {
    if (tcgetattr(STDIN_FILENO, llmpp_saved_termios()) == 0) *llmpp_saved_termios_ok() = 1;
    int signals[] = { SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = llmpp_restore_terminal_on_crash;
        action.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        sigaction(signals[i], &action, llmpp_previous_action(signals[i]));
    }
}
#endif
