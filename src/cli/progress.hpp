#pragma once
// Progress of long CLI work (training, imports) on stderr.
#include <unistd.h>

#include <cstdio>
#include <string>

namespace jorge::cli {

// A one-line bar on a terminal; plain lines when stderr is a file or a pipe.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label) : label_(std::move(label)), terminal_(isatty(STDERR_FILENO)) {}
  void update(int done, int total, const std::string& what) {
    if (!terminal_) {
      if (what != last_) std::fprintf(stderr, "%s: %s\n", label_.c_str(), what.c_str());
      last_ = what;
      return;
    }
    constexpr int kWidth = 30;
    int filled = total > 0 ? done * kWidth / total : 0;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%%  %-50.50s", label_.c_str(), bar.c_str(), total ? done * 100 / total : 0,
                 what.c_str());
    if (done >= total) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  std::string label_, last_;
  bool terminal_;
};

}  // namespace jorge::cli
