#include "core/files.hpp"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace jorge {

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorCode::kNotFound, path + ": cannot open (does it exist, can we read it?)"};
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

Status write_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) return Error{ErrorCode::kInternal, path + ": cannot write (is the directory there and writable?)"};
  return ok_status();
}

TempFile::TempFile(const char* prefix) {
  std::string pattern = std::string("/tmp/") + prefix + "-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  path_ = pattern;
}

TempFile::~TempFile() { std::remove(path_.c_str()); }

}  // namespace jorge
