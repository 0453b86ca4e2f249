// The version `lockcheck --version` prints and every report carries.
#pragma once

namespace lockcheck::cli {

// Kept equal to project(lockcheck VERSION ...) in CMakeLists.txt; cli_test checks that it is.
inline constexpr const char* kVersion = "0.1.0";

}  // namespace lockcheck::cli
