#pragma once
// Measures of a binary classifier's probabilities against 0/1 labels.
#include <span>

namespace jorge::scoring {

// Area under the ROC curve (ties count half); 0.5 when one class is absent.
double roc_auc(std::span<const double> scores, std::span<const float> labels);
double log_loss(std::span<const double> probabilities, std::span<const float> labels);
double brier_score(std::span<const double> probabilities, std::span<const float> labels);
double accuracy(std::span<const double> probabilities, std::span<const float> labels, double threshold = 0.5);

}  // namespace jorge::scoring
