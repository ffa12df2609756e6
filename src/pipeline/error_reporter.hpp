#pragma once
// Where background work tells of an error it cannot hand to a caller (#17): a job that failed,
// a message whose handling failed, a loop whose claim failed. `where` is a fixed name
// ("worker.job", "sender.message"); the reporter logs and counts it (jorge serve: one line per
// kind a minute, and jorge_background_errors_total in /metrics). Never carries personal data.
#include <functional>
#include <string_view>

#include "core/result.hpp"

namespace jorge::pipeline {

using ErrorReporter = std::function<void(std::string_view where, const Error& error)>;

}  // namespace jorge::pipeline
