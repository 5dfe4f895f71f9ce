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
#endif
