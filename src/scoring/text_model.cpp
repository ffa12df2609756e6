#include "scoring/text_model.hpp"

#include "core/files.hpp"

#include <fasttext/fasttext.h>


namespace jorge::scoring {
// fastText reads and writes only files: each step goes through a private temporary one.

std::string text_tokens(std::string_view text) {
  std::string out;
  bool gap = false;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {  // UTF-8 letters pass through whole
      if (gap && !out.empty()) out.push_back(' ');
      gap = false;
      out.push_back(static_cast<char>(std::tolower(c)));
    } else {
      gap = true;
    }
  }
  return out;
}

Result<TextModel> TextModel::train(const std::vector<std::string>& texts, std::span<const float> labels, uint64_t seed) {
  TempFile input("jorge-text");
  std::string lines;
  for (size_t i = 0; i < texts.size(); ++i)
    lines += std::string("__label__") + (labels[i] > 0.5f ? "1 " : "0 ") + text_tokens(texts[i]) + '\n';
  JORGE_TRY_STATUS(write_file(input.path(), lines));
  fasttext::Args args;
  args.input = input.path();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = 16;
  args.epoch = 15;
  args.lr = 0.3;
  args.wordNgrams = 2;
  args.bucket = 50'000;
  args.minn = args.maxn = 0;
  args.minCount = 1;
  args.thread = 1;  // deterministic
  args.verbose = 0;
  args.seed = static_cast<int>(seed % 1'000'000);
  TextModel model;
  model.model_ = std::make_shared<fasttext::FastText>();
  try {
    model.model_->train(args);
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInvalidArgument, std::string("fastText training: ") + error.what()};
  }
  return model;
}

Result<TextModel> TextModel::from_bytes(const std::string& bytes) {
  TempFile file("jorge-text");
  JORGE_TRY_STATUS(write_file(file.path(), bytes));
  TextModel model;
  model.model_ = std::make_shared<fasttext::FastText>();
  try {
    model.model_->loadModel(file.path());  // checks the magic number and version first
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInvalidArgument, std::string("fastText model: ") + error.what()};
  }
  return model;
}

Result<std::string> TextModel::to_bytes() const {
  TempFile file("jorge-text");
  try {
    model_->saveModel(file.path());
  } catch (const std::exception& error) {
    return Error{ErrorCode::kInternal, std::string("fastText save: ") + error.what()};
  }
  return read_file(file.path());
}

double TextModel::probability(std::string_view text) const {
  std::istringstream line(text_tokens(text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(line, predictions, 2, 0.0);
  for (const auto& [probability, label] : predictions)
    if (label == "__label__1") return probability;
  for (const auto& [probability, label] : predictions)
    if (label == "__label__0") return 1.0 - probability;
  return 0.5;
}

}  // namespace jorge::scoring
