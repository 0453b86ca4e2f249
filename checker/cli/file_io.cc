#include "checker/cli/file_io.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace lockcheck::cli {

namespace {

std::string errno_message(int e) { return std::generic_category().message(e); }

bool write_to(const std::string& path, const char* mode, const std::string& contents, bool& exists,
              std::string& error) {
  exists = false;
  std::FILE* f = std::fopen(path.c_str(), mode);
  if (f == nullptr) {
    exists = errno == EEXIST;
    error = fmt::format("cannot write '{}': {}", path, errno_message(errno));
    return false;
  }
  bool ok = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
  int saved = errno;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) error = fmt::format("cannot write '{}': {}", path, errno_message(saved));
  return ok;
}

}  // namespace

bool read_file(const std::string& path, std::string& text, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = fmt::format("cannot read '{}': {}", path, errno_message(errno));
    return false;
  }
  char buffer[1 << 16];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  bool failed = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (failed) {
    // Reading a folder fails here, not at fopen.
    error = fmt::format("cannot read '{}': {}", path, errno_message(saved));
    return false;
  }
  return true;
}

bool write_file(const std::string& path, const std::string& contents, std::string& error) {
  bool exists = false;
  return write_to(path, "wb", contents, exists, error);
}

bool write_new_file(const std::string& path, const std::string& contents, bool& exists,
                    std::string& error) {
  // "x" (C11): fail with EEXIST rather than truncate, with no window between a check and the
  // write.
  return write_to(path, "wbx", contents, exists, error);
}

}  // namespace lockcheck::cli
