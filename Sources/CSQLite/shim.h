#ifndef LLMPP_SQLITE_SHIM_H
#define LLMPP_SQLITE_SHIM_H
#include <sqlite3.h>
// SQLITE_TRANSIENT is a cast macro Swift cannot import: bound text is copied by SQLite.
static inline sqlite3_destructor_type llmpp_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
