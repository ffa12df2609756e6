#pragma once
// A time written as ISO 8601, for tests that set the clock of a turn or a message.
#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace jorge::testing {

inline SystemTime at(const char* iso) {
  SystemTime time;
  EXPECT_TRUE(parse_iso8601(iso, time)) << iso;
  return time;
}

}  // namespace jorge::testing
