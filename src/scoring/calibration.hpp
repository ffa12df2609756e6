#pragma once
// Isotonic calibration: a non-decreasing step function from raw model probabilities to
// observed rates, fitted on out-of-fold predictions by pool-adjacent-violators. Each step
// remembers how many rows it pooled, which gives the confidence interval of a calibrated
// probability: the Wilson 95 % interval of the rate observed in that step.
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace jorge::scoring {

struct ReliabilityBin {
  double lower = 0, upper = 0;  // raw probability range
  double mean_predicted = 0, observed_rate = 0;
  size_t count = 0;
};

class IsotonicCalibration {
 public:
  static IsotonicCalibration fit(std::span<const double> raw, std::span<const float> labels);
  bool empty() const { return thresholds_.empty(); }
  double apply(double raw) const;
  // Wilson 95 % interval of the step `raw` falls in.
  std::pair<double, double> interval(double raw) const;

  std::string to_json() const;
  static Result<IsotonicCalibration> from_json(const std::string& json);

 private:
  size_t step(double raw) const;
  std::vector<double> thresholds_;  // lower raw bound of each step
  std::vector<double> values_;      // calibrated probability of each step
  std::vector<double> counts_;      // rows pooled into each step
};

// Ten equal-width bins of predicted probability: mean predicted vs observed rate.
std::vector<ReliabilityBin> reliability_curve(std::span<const double> predicted, std::span<const float> labels,
                                              int bins = 10);
std::pair<double, double> wilson_interval(double rate, double count);

}  // namespace jorge::scoring
