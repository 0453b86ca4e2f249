// A position in a spec file. Lines and columns count from 1; 0 means "no location".
#pragma once

#include <cstdint>

namespace lockcheck {

struct SourceLoc {
  uint32_t line = 0;
  uint32_t column = 0;

  bool valid() const { return line != 0; }
  friend bool operator==(const SourceLoc&, const SourceLoc&) = default;
  friend auto operator<=>(const SourceLoc&, const SourceLoc&) = default;
};

}  // namespace lockcheck
