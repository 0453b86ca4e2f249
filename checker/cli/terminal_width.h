// How wide the text report may be: the width of the terminal it goes to, or no limit when it
// goes to a pipe or a file, where wrapped lines would only break grep and diffs.
#pragma once

#include <cstddef>
#include <optional>

namespace lockcheck::cli {

// `columns_env` is $COLUMNS (nullptr when unset): a user's explicit width wins, on a terminal or
// not. Otherwise the terminal's width when stdout is one (`tty_columns`, from TIOCGWINSZ; empty
// when that failed). 0: no limit. Widths below kMinColumns count as kMinColumns, since the
// trace's first columns alone need about that much.
inline constexpr size_t kMinColumns = 40;
size_t report_width(const char* columns_env, bool out_is_terminal,
                    std::optional<size_t> tty_columns);

// The width of the terminal behind file descriptor `fd`, if it is one.
std::optional<size_t> terminal_columns(int fd);

}  // namespace lockcheck::cli
