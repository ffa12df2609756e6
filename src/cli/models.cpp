// `jorge models list | add FILE | activate VERSION | rollback | retrain`.
#include <malloc.h>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "core/files.hpp"
#include "pipeline/model_watcher.hpp"
#include "pipeline/outcome_training.hpp"
#include "core/clock.hpp"
#include "scoring/lead_scorer.hpp"

namespace jorge::cli {
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
    auto version = pipeline::register_model_file(**store, command.argument, clock.now());
    if (!version.ok()) return fail(version.error());
    if (command.activate) {
      Status activated = pipeline::activate_model_checked(**store, *version, command.allow_partial, clock.now());
      if (!activated.ok()) return fail(activated.error());
    }
    std::printf("added %s%s\n", version->c_str(), command.activate ? " and made it active" : "");
    return 0;
  }
  if (command.action == "activate") {
    Status activated = pipeline::activate_model_checked(**store, command.argument, command.allow_partial, clock.now());
    if (!activated.ok()) return fail(activated.error());
    std::printf("%s is active; running servers switch to it within %d s\n", command.argument.c_str(),
                pipeline::kModelPollSeconds);
    return 0;
  }
  if (command.action == "retrain") {
    // What the server's schedule does, now: challenger against the active model.
    scoring::ActiveLeadModel active;
    pipeline::ModelWatcher(**store, active).check_now();
    pipeline::RetrainOptions options;
    options.min_outcomes = command.min_outcomes;
    auto outcome = pipeline::retrain_once(**store, active, clock, options);
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

}  // namespace jorge::cli
