#pragma once
// A free-text column as one number: a fastText supervised classifier's probability that the
// row is positive. Trained here, on the rows of one fold, so its out-of-fold output can be a
// feature without leaking the target. Small on purpose (16 dimensions, word bigrams hashed
// into 50,000 buckets, no sub-words): a few MB, stored inside the model file.
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fasttext {
class FastText;
}

namespace jorge::scoring {

class TextModel {
 public:
  static Result<TextModel> train(const std::vector<std::string>& texts, std::span<const float> labels, uint64_t seed);
  static Result<TextModel> from_bytes(const std::string& bytes);
  Result<std::string> to_bytes() const;
  // P(positive | text); the training base rate for an empty text.
  double probability(std::string_view text) const;

 private:
  std::shared_ptr<fasttext::FastText> model_;
};

// Lower-cased words of letters and digits, one space apart: what fastText sees.
std::string text_tokens(std::string_view text);

}  // namespace jorge::scoring
