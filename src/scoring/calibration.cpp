#include "scoring/calibration.hpp"

#include "core/json_parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace jorge::scoring {

IsotonicCalibration IsotonicCalibration::fit(std::span<const double> raw, std::span<const float> labels) {
  std::vector<size_t> order(raw.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return raw[a] < raw[b]; });
  struct Block {
    double sum, count, lowest;
  };
  std::vector<Block> blocks;
  for (size_t index : order) {
    blocks.push_back({labels[index], 1, raw[index]});
    // Pool while a block's rate is below its predecessor's.
    while (blocks.size() > 1) {
      Block& last = blocks.back();
      Block& previous = blocks[blocks.size() - 2];
      if (previous.sum / previous.count < last.sum / last.count) break;
      previous.sum += last.sum;
      previous.count += last.count;
      blocks.pop_back();
    }
  }
  IsotonicCalibration calibration;
  for (const Block& block : blocks) {
    calibration.thresholds_.push_back(block.lowest);
    calibration.values_.push_back(block.sum / block.count);
    calibration.counts_.push_back(block.count);
  }
  return calibration;
}

size_t IsotonicCalibration::step(double raw) const {
  auto after = std::upper_bound(thresholds_.begin(), thresholds_.end(), raw);
  return after == thresholds_.begin() ? 0 : static_cast<size_t>(after - thresholds_.begin() - 1);
}

double IsotonicCalibration::apply(double raw) const {
  if (empty()) return raw;
  // Clamp away from 0 and 1: a step of all negatives still is not a certainty.
  return std::clamp(values_[step(raw)], 0.001, 0.999);
}

std::pair<double, double> IsotonicCalibration::interval(double raw) const {
  if (empty()) return {raw, raw};
  size_t at = step(raw);
  return wilson_interval(values_[at], counts_[at]);
}

std::pair<double, double> wilson_interval(double rate, double count) {
  if (count <= 0) return {0, 1};
  const double z = 1.959964, z2 = z * z;
  const double center = (rate + z2 / (2 * count)) / (1 + z2 / count);
  const double half = z * std::sqrt(rate * (1 - rate) / count + z2 / (4 * count * count)) / (1 + z2 / count);
  return {std::max(0.0, center - half), std::min(1.0, center + half)};
}

std::string IsotonicCalibration::to_json() const {
  return nlohmann::json{{"method", "isotonic"}, {"thresholds", thresholds_}, {"values", values_}, {"counts", counts_}}.dump();
}

Result<IsotonicCalibration> IsotonicCalibration::from_json(const std::string& json) {
  auto root = parse_json(json);
  IsotonicCalibration calibration;
  try {
    calibration.thresholds_ = root.at("thresholds").get<std::vector<double>>();
    calibration.values_ = root.at("values").get<std::vector<double>>();
    calibration.counts_ = root.at("counts").get<std::vector<double>>();
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInvalidArgument, std::string("calibration: ") + error.what()};
  }
  if (calibration.values_.size() != calibration.thresholds_.size() || calibration.counts_.size() != calibration.values_.size() ||
      !std::is_sorted(calibration.thresholds_.begin(), calibration.thresholds_.end()))
    return Error{ErrorCode::kInvalidArgument, "calibration: inconsistent steps"};
  return calibration;
}

std::vector<ReliabilityBin> reliability_curve(std::span<const double> predicted, std::span<const float> labels, int bins) {
  std::vector<ReliabilityBin> curve(static_cast<size_t>(bins));
  std::vector<double> predicted_sum(curve.size()), positive_sum(curve.size());
  for (size_t i = 0; i < predicted.size(); ++i) {
    size_t bin = std::min(curve.size() - 1, static_cast<size_t>(std::max(0.0, predicted[i]) * bins));
    predicted_sum[bin] += predicted[i];
    positive_sum[bin] += labels[i];
    ++curve[bin].count;
  }
  for (size_t b = 0; b < curve.size(); ++b) {
    curve[b].lower = static_cast<double>(b) / bins;
    curve[b].upper = static_cast<double>(b + 1) / bins;
    if (curve[b].count) {
      curve[b].mean_predicted = predicted_sum[b] / static_cast<double>(curve[b].count);
      curve[b].observed_rate = positive_sum[b] / static_cast<double>(curve[b].count);
    }
  }
  return curve;
}

}  // namespace jorge::scoring
