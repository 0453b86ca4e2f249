// Reading and writing whole files, with messages that name the file and the system's reason
// ("cannot read 'x.lcs': No such file or directory").
#pragma once

#include <string>

namespace lockcheck::cli {

bool read_file(const std::string& path, std::string& text, std::string& error);
// Creates or truncates `path`.
bool write_file(const std::string& path, const std::string& contents, std::string& error);
// Creates `path` only if nothing is there yet (atomically: an existing file is never touched);
// `exists` tells that case apart from other failures.
bool write_new_file(const std::string& path, const std::string& contents, bool& exists,
                    std::string& error);

}  // namespace lockcheck::cli
