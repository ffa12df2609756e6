#include "scoring/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace jorge::scoring {

double roc_auc(std::span<const double> scores, std::span<const float> labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Mann-Whitney U from average ranks.
  double positives = 0, rank_sum = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) ++j;
    const double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k)
      if (labels[order[k]] > 0.5f) {
        positives += 1;
        rank_sum += average_rank;
      }
    i = j;
  }
  const double negatives = static_cast<double>(scores.size()) - positives;
  if (positives == 0 || negatives == 0) return 0.5;
  return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

double log_loss(std::span<const double> probabilities, std::span<const float> labels) {
  double total = 0;
  for (size_t i = 0; i < probabilities.size(); ++i) {
    const double p = std::clamp(probabilities[i], 1e-15, 1 - 1e-15);
    total -= labels[i] > 0.5f ? std::log(p) : std::log(1 - p);
  }
  return probabilities.empty() ? 0 : total / static_cast<double>(probabilities.size());
}

double brier_score(std::span<const double> probabilities, std::span<const float> labels) {
  double total = 0;
  for (size_t i = 0; i < probabilities.size(); ++i) total += std::pow(probabilities[i] - labels[i], 2);
  return probabilities.empty() ? 0 : total / static_cast<double>(probabilities.size());
}

double accuracy(std::span<const double> probabilities, std::span<const float> labels, double threshold) {
  size_t right = 0;
  for (size_t i = 0; i < probabilities.size(); ++i) right += (probabilities[i] >= threshold) == (labels[i] > 0.5f);
  return probabilities.empty() ? 0 : static_cast<double>(right) / static_cast<double>(probabilities.size());
}

}  // namespace jorge::scoring
