#include "pipeline/model_watcher.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include "core/files.hpp"
#include "scoring/lead_scorer.hpp"

namespace jorge::pipeline {

Result<std::string> register_model_file(store::ModelRegistry& store, const std::string& path, SystemTime now) {
  JORGE_TRY(std::string body, read_file(path));
  auto described = scoring::LeadModel::describe(body, path);
  if (!described.ok()) return Error{described.error().code, path + ": " + described.error().message};
  // Load it once: a file that cannot score never reaches the registry.
  auto loaded = scoring::LeadModel::from_json(body, described->version);
  if (!loaded.ok()) return Error{loaded.error().code, path + ": " + loaded.error().message};
  store::ModelRecord record{described->version, described->kind, described->data_sha256, described->metrics_json,
                            std::move(body), now, false};
  JORGE_TRY_STATUS(store.add_model(record));
  return described->version;
}

Status activate_model_checked(store::ModelRegistry& store, const std::string& version, bool allow_partial, SystemTime now) {
  // The registry lists models without their bodies: activate, read the active body back, and
  // undo the activation when leads lack its columns (a server's watcher refuses it meanwhile).
  JORGE_TRY_STATUS(store.activate_model(version, now));
  JORGE_TRY(std::optional<store::ModelRecord> active, store.active_model());
  if (!active) return ok_status();
  auto loaded = scoring::LeadModel::from_json(active->body, active->version);
  Status covered = loaded.ok() ? (*loaded)->check_coverage(allow_partial) : Status(loaded.error());
  if (covered.ok()) return ok_status();
  auto restored = store.rollback_model(now);
  (void)restored;  // kFailedPrecondition when nothing was active before: rules-v1 answers then
  return covered;
}

ModelWatcher::ModelWatcher(store::ModelRegistry& store, scoring::ActiveLeadModel& active, bool allow_partial)
    : store_(store), active_(active), allow_partial_(allow_partial) {}

ModelWatcher::~ModelWatcher() { stop(); }

void ModelWatcher::check_now() {
  auto version = store_.active_model_version();
  if (!version.ok()) {
    spdlog::warn("model registry: {}", version.error().message);
    return;
  }
  if (*version == loaded_) return;
  if (version->empty()) {
    active_.set(scoring::LeadModel::rules());
    loaded_.clear();
    spdlog::info("no active model: scoring with rules-v1");
    return;
  }
  auto record = store_.active_model();
  if (!record.ok() || !record->has_value()) return;  // changed again meanwhile: next poll
  auto model = scoring::LeadModel::from_json((*record)->body, (*record)->version);
  if (!model.ok()) {
    spdlog::error("model {} cannot be loaded ({}); still scoring with {}", (*record)->version, model.error().message,
                  active_.current()->version());
    loaded_ = *version;  // do not retry a broken file every poll
    return;
  }
  const auto coverage = (*model)->coverage();
  if (Status covered = (*model)->check_coverage(allow_partial_); !covered.ok()) {
    spdlog::error("{}; still scoring with {}", covered.error().message, active_.current()->version());
    loaded_ = *version;  // decided: not every poll again
    return;
  }
  spdlog::info("model {}: leads supply {} of its {} input columns", (*record)->version,
               coverage.columns - coverage.missing.size(), coverage.columns);
  active_.set(*model);
  loaded_ = (*record)->version;
  // Parsing the model file's JSON left megabytes of freed heap behind: give them back.
  malloc_trim(0);
  spdlog::info("scoring with model {}", loaded_);
}

void ModelWatcher::every_ten_minutes(std::function<void()> task) {
  std::lock_guard lock(mutex_);
  periodic_ = std::move(task);
}

void ModelWatcher::start() {
  check_now();
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(kModelPollSeconds), [this] { return stopping_; })) {
      auto task = ++polls_ % (600 / kModelPollSeconds) == 0 ? periodic_ : nullptr;
      lock.unlock();
      check_now();
      if (task) task();
      lock.lock();
    }
  });
}

void ModelWatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace jorge::pipeline
