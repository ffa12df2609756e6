#include "cli/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <mutex>

namespace jorge::cli {
namespace {

// A log line is one line: control characters in any logged value (a newline in a header or
// a body's field that reached a message) are written as \xNN, so no value can forge a line (#14).
void escape_control_characters(std::string_view text, spdlog::memory_buf_t& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out.push_back(c);
      continue;
    }
    const char escaped[] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 15]};
    out.append(escaped, escaped + 4);
  }
}

class BufferedStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& original) override {
    spdlog::memory_buf_t payload;
    escape_control_characters(std::string_view(original.payload.data(), original.payload.size()), payload);
    spdlog::details::log_msg message = original;
    message.payload = spdlog::string_view_t(payload.data(), payload.size());
    spdlog::memory_buf_t formatted;
    formatter_->format(message, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

void set_up_logging() {
  static char buffer[1 << 16];
  std::setvbuf(stderr, buffer, _IOFBF, sizeof buffer);
  auto logger = std::make_shared<spdlog::logger>("jorge", std::make_shared<BufferedStderrSink>());
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

}  // namespace jorge::cli
