#include "checker/cli/terminal_width.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "checker/cli/option_values.h"

namespace lockcheck::cli {

size_t report_width(const char* columns_env, bool out_is_terminal,
                    std::optional<size_t> tty_columns) {
  std::optional<uint64_t> columns;
  // An empty or malformed COLUMNS is as if unset: shells export odd values now and then.
  if (columns_env != nullptr) columns = parse_count(columns_env);
  if ((!columns || *columns == 0) && out_is_terminal && tty_columns && *tty_columns > 0) {
    columns = *tty_columns;
  }
  if (!columns || *columns == 0) return 0;
  return std::max<size_t>(kMinColumns, static_cast<size_t>(std::min<uint64_t>(*columns, 100000)));
}

std::optional<size_t> terminal_columns(int fd) {
  if (isatty(fd) == 0) return std::nullopt;
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return std::nullopt;
  return size.ws_col;
}

}  // namespace lockcheck::cli
