#include "cli/ingest_rules.hpp"

#include "bots/first_touch.hpp"
#include "identity/dedup_plan.hpp"
#include "pipeline/consent.hpp"

namespace jorge::cli {

store::StoreOptions ingest_store_options(const Config& config, std::shared_ptr<const std::atomic<double>> tuned_merge) {
  store::StoreOptions options;
  options.writer_threads = config.store.writer_threads;
  options.max_batch = config.store.max_batch;
  options.max_pending = config.store.max_pending;
  options.source_trust = config.source_trust;
  if (config.identity_online)
    options.online_matcher = identity::make_online_matcher(
        {config.identity_merge_threshold, config.identity_review_threshold}, std::move(tuned_merge));
  options.name_conflict = identity::make_name_conflict();
  options.classify_inbound = pipeline::consent_classifier();
  if (config.stop_confirmation_by_jorge) options.stop_confirmation = bots::kStopConfirmation;
  options.help_text = bots::help_text(config.first_touch_team, config.team_phone);
  return options;
}

}  // namespace jorge::cli
