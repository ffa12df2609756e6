// `jorge models list | add FILE | activate VERSION | rollback`, and the watcher that lets a
// running server pick up whichever model is active in the database.
#include <malloc.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "core/files.hpp"
#include "cli/model_watcher.hpp"
#include "cli/outcome_training.hpp"
#include "core/clock.hpp"
#include "scoring/lead_scorer.hpp"

namespace jorge::cli {
Result<std::string> register_model_file(store::Store& store, const std::string& path, SystemTime now) {
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

Status activate_model_checked(store::Store& store, const std::string& version, bool allow_partial, SystemTime now) {
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

Status require_existing_database(const std::string& database) {
  constexpr std::string_view kScheme = "sqlite://";
  if (database.rfind(kScheme, 0) != 0) return ok_status();
  const std::string path = database.substr(kScheme.size());
  if (access(path.c_str(), F_OK) == 0) return ok_status();
  return Error{ErrorCode::kNotFound, "no database at " + path + " (jorge serve or jorge import creates it; check --database)"};
}

int models_command(const ModelsCommand& command) {
  if (command.action == "list") {  // reads only: never creates an empty database to list
    if (Status exists = require_existing_database(command.database); !exists.ok()) {
      std::fprintf(stderr, "jorge models: %s\n", exists.error().message.c_str());
      return 2;
    }
  }
  SystemClock clock;
  auto store = store::open_store(command.database, clock);
  if (!store.ok()) {
    std::fprintf(stderr, "jorge models: database: %s\n", store.error().message.c_str());
    return 2;
  }
  auto fail = [](const Error& error) {
    std::fprintf(stderr, "jorge models: %s\n", error.message.c_str());
    return error.code == ErrorCode::kNotFound || error.code == ErrorCode::kInvalidArgument ||
                   error.code == ErrorCode::kFailedPrecondition || error.code == ErrorCode::kAlreadyExists
               ? 2
               : 1;
  };
  if (command.action == "list") {
    auto models = (*store)->list_models();
    if (!models.ok()) return fail(models.error());
    if (models->empty()) std::printf("no models yet: add one with jorge models add FILE (rules-v1 answers meanwhile)\n");
    for (const auto& model : *models)
      std::printf("%s %-45s %-14s %s  %s\n", model.active ? "*" : " ", model.version.c_str(), model.kind.c_str(),
                  format_iso8601(model.created_at).substr(0, 19).c_str(), model.metrics_json.substr(0, 120).c_str());
    return 0;
  }
  if (command.action == "add") {
    auto version = register_model_file(**store, command.argument, clock.now());
    if (!version.ok()) return fail(version.error());
    if (command.activate) {
      Status activated = activate_model_checked(**store, *version, command.allow_partial, clock.now());
      if (!activated.ok()) return fail(activated.error());
    }
    std::printf("added %s%s\n", version->c_str(), command.activate ? " and made it active" : "");
    return 0;
  }
  if (command.action == "activate") {
    Status activated = activate_model_checked(**store, command.argument, command.allow_partial, clock.now());
    if (!activated.ok()) return fail(activated.error());
    std::printf("%s is active; running servers switch to it within %d s\n", command.argument.c_str(),
                kModelPollSeconds);
    return 0;
  }
  if (command.action == "retrain") {
    // What the server's schedule does, now: challenger against the active model.
    scoring::ActiveLeadModel active;
    ModelWatcher(**store, active).check_now();
    RetrainOptions options;
    options.min_outcomes = command.min_outcomes;
    auto outcome = retrain_once(**store, active, clock, options);
    if (!outcome.ok()) return fail(outcome.error());
    std::printf("%s\n", outcome->c_str());
    return 0;
  }
  if (command.action == "rollback") {
    auto version = (*store)->rollback_model(clock.now());
    if (!version.ok()) return fail(version.error());
    std::printf("rolled back: %s is active again\n", version->c_str());
    return 0;
  }
  std::fprintf(stderr, "jorge models: unknown action %s (list, add, activate, rollback, retrain)\n",
               command.action.c_str());
  return 2;
}

ModelWatcher::ModelWatcher(store::Store& store, scoring::ActiveLeadModel& active, bool allow_partial)
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

}  // namespace jorge::cli
