#pragma once
// The model registry role of the store: versions, bodies, activations and rollbacks.
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace jorge::store {

// A model in the registry. `body` is the model file itself (listings leave it empty).
struct ModelRecord {
  std::string version, kind, data_sha256, metrics_json, body;
  SystemTime created_at{};
  bool active = false;
};

class ModelRegistry {
 public:
  virtual ~ModelRegistry() = default;

  // Model registry. Adding a version already there with the same body changes nothing;
  // with another body it is kAlreadyExists.
  virtual Status add_model(const ModelRecord& model) = 0;

  virtual Result<std::vector<ModelRecord>> list_models() = 0;  // newest first, without bodies

  // Makes `version` the one active model and records the activation. kNotFound if unknown.
  virtual Status activate_model(const std::string& version, SystemTime now) = 0;

  // Activates the model active before the current one; returns its version.
  // kFailedPrecondition when there is none.
  virtual Result<std::string> rollback_model(SystemTime now) = 0;

  // The active model with its body, or nullopt when none is active.
  virtual Result<std::optional<ModelRecord>> active_model() = 0;

  // Just the active version ("" when none): cheap, for instances polling for a change.
  virtual Result<std::string> active_model_version() = 0;
};

}  // namespace jorge::store
