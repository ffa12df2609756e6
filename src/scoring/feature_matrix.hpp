#pragma once
// A dense row-major matrix of model features; NaN is a missing value.
#include <cstddef>
#include <span>
#include <vector>

namespace jorge::scoring {

struct FeatureMatrix {
  size_t rows = 0, columns = 0;
  std::vector<float> values;
  std::span<const float> row(size_t r) const { return {values.data() + r * columns, columns}; }
  std::span<float> row(size_t r) { return {values.data() + r * columns, columns}; }
};

}  // namespace jorge::scoring
