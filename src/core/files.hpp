#pragma once
// Whole files in and out, and private temporary files (for libraries that only read and write
// paths, such as fastText, or for tables handed from one step to the next).
#include <string>

#include "core/result.hpp"

namespace jorge {

// The file's bytes; kNotFound "<path>: cannot open (does it exist, can we read it?)".
Result<std::string> read_file(const std::string& path);
// Replaces the file's contents; kInternal naming the path when it cannot.
Status write_file(const std::string& path, const std::string& contents);

// A fresh file under /tmp, removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(const char* prefix = "jorge");
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace jorge
