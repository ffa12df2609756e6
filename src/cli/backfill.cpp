// `jorge backfill`: Meta retries a lead notification for 36 hours, then drops it. After a
// longer outage, this reads the form's leads from the Graph API and stores the ones not stored
// yet, through the same idempotent ingest as the webhook (key "lead:<id>"), each with its job.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/ingest_rules.hpp"
#include "core/clock.hpp"
#include "pipeline/facebook_fetcher.hpp"
#include "scoring/lead_scorer.hpp"
#include "store/store.hpp"

namespace jorge::cli {

int backfill(const BackfillCommand& command, const Config& config) {
  auto found = config.sources.find(command.source);
  if (found == config.sources.end() || found->second.kind != "facebook") {
    std::fprintf(stderr, "jorge backfill: no [sources.%s] of kind \"facebook\" in the configuration\n",
                 command.source.c_str());
    return 2;
  }
  const Config::Source& source = found->second;
  if (source.page_access_token.empty()) {
    std::fprintf(stderr, "jorge backfill: sources.%s.page_access_token is not set\n", command.source.c_str());
    return 2;
  }
  std::optional<SystemTime> since;
  if (!command.since.empty()) {
    SystemTime parsed;
    if (!parse_iso8601(command.since, parsed)) {
      std::fprintf(stderr, "jorge backfill: --since wants an ISO-8601 time, e.g. 2026-11-20T00:00:00Z\n");
      return 2;
    }
    since = parsed;
  }
  SystemClock clock;
  store::StoreOptions store_options = ingest_store_options(config);
  auto store = store::open_store(config.database, clock, store_options);
  if (!store.ok()) {
    std::fprintf(stderr, "jorge backfill: database: %s\n", store.error().message.c_str());
    return 1;
  }
  queue::JobQueue jobs(**store, clock, queue_options_of(config), jitter_source());
  // The tier as the rules see it: the next `jorge serve` scores each lead with the active model.
  pipeline::FacebookFetcher fetcher(
      **store, jobs,
      {source.graph_base_url, source.graph_version, source.page_access_token,
       {source.field_map.begin(), source.field_map.end()}},
      [&](const InboundEvent& event) { return jobs.plan(scoring::queue_tier(*scoring::LeadModel::rules(), event)); });
  auto summary = fetcher.backfill_form(command.form, since, [](const pipeline::FacebookFetcher::BackfillSummary& so_far) {
    std::fprintf(stderr, "backfill: page %zu, %zu leads read, %zu new\n", so_far.pages, so_far.fetched, so_far.stored);
  });
  (*store)->close();
  if (!summary.ok()) {
    std::fprintf(stderr, "jorge backfill: %s\n", summary.error().message.c_str());
    return summary.error().code == ErrorCode::kInvalidArgument ? 2 : 1;  // a wrong form id: a usage error
  }
  std::printf("form %s: %zu leads read, %zu stored, %zu already there, %zu unreadable\n", command.form.c_str(),
              summary->fetched, summary->stored, summary->already_there, summary->unreadable);
  return 0;
}

}  // namespace jorge::cli
