#include "pipeline/worker.hpp"

#include "pipeline/lead_facts.hpp"
#include "scoring/lead_scorer.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace jorge::pipeline {

Worker::Worker(store::Store& store, queue::JobQueue& jobs, Clock& clock, bots::FirstTouchTemplates templates,
               const scoring::ActiveLeadModel* model, ErrorReporter report, const BotOptions* bots)
    : store_(store),
      jobs_(jobs),
      clock_(clock),
      templates_(std::move(templates)),
      model_(model),
      report_(std::move(report)),
      bots_(bots) {}

namespace {

queue::OutboxMessage upsert_of(const store::OutreachFacts& lead, int priority) {
  queue::OutboxMessage upsert;
  upsert.kind = queue::OutboxKind::kUpsertContact;
  upsert.contact_id = lead.id;
  upsert.priority = priority;
  upsert.purpose = "upsert";
  return upsert;
}

// The lead told a source it sells ("role" from an import's "Buying or Selling" column).
bool sells(const store::OutreachFacts& lead) {
  for (const CustomField& field : lead.custom_fields)
    if (field.key == "role")
      if (const auto* role = std::get_if<std::string>(&field.value)) return *role == "seller" || *role == "both";
  return false;
}

}  // namespace

Result<store::JobEffects> Worker::effects_of(const queue::Job& job) {
  store::JobEffects effects;
  if (!job.contact_id) return effects;
  // Texts go out through GoHighLevel, so the person needs its contact id there.
  JORGE_TRY(store::OutreachFacts lead, store_.outreach_facts(*job.contact_id, "ghl"));
  effects.contact = lead.id;
  // The greeting's wording and the tier tag follow the score computed here, not the quick
  // estimate the webhook queued the job with (#17).
  Tier tier = tier_of_priority(job.priority);
  if (model_) {
    const auto model = model_->current();
    const SystemTime now = clock_.now();
    scoring::LeadScore scored = model->score(lead_facts_of(lead), now);
    effects.score = store::LeadScoreRecord{lead.id, scored.model_version, std::string(quality_name(scored.quality)), scored.score,
                                           scoring::reasons_json(scored.reasons), scoring::features_json(scored.features),
                                           now};
    tier = scored.quality;
  }
  // Only a contact event may bring a greeting: a message in (the bots answer it), a message
  // from someone of the team, or a deal moving is recorded and re-scored (#17).
  if ((job.event == JobEvent::kInboundMessage || job.event == JobEvent::kOutboundMessage) && bots_)
    JORGE_TRY_STATUS(add_bot_effects(store_, job, lead, sells(lead) ? bots::Role::kSeller : bots::Role::kUnknown, *bots_,
                                     clock_.now(), effects));
  if (job.event == JobEvent::kAppointment && bots_)
    JORGE_TRY_STATUS(add_appointment_effects(store_, lead, *bots_, clock_.now(), effects));
  if (job.event != JobEvent::kContact) return effects;
  if (bots_) JORGE_TRY_STATUS(add_handoff_release(store_, lead, *bots_, clock_.now(), effects));
  // First touch happens once per person, only to someone who can be texted. Consent was
  // decided when each message was stored (pipeline/consent.hpp), for the number.
  const bool new_person = !lead.phone.empty() && !lead.already_texted;
  if (new_person && lead.sms_opt_out) {
    // #15: a new lead (or a new GoHighLevel contact) for a number that opted out is recorded,
    // never texted, and a person of the team is told, once per person.
    if (lead.crm_contact_id.empty()) effects.messages.push_back(upsert_of(lead, job.priority));
    queue::OutboxMessage task;
    task.kind = queue::OutboxKind::kTask;
    task.contact_id = lead.id;
    task.external_contact_id = lead.crm_contact_id;
    task.priority = job.priority;
    task.purpose = "opted-out-number-flag";
    task.payload = nlohmann::json{{"title", "New lead whose number opted out of texts"},
                                  {"body", "This number replied STOP earlier, so Jorge will not text it. Call or "
                                           "e-mail instead, and only if the person asked to be contacted."},
                                  {"due_minutes", 60}}
                       .dump();
    effects.messages.push_back(task);
    return effects;
  }
  if (lead.sms_opt_out || lead.do_not_disturb || !new_person) return effects;
  if (lead.crm_contact_id.empty()) {
    // From Zillow, Facebook, an e-mail, an import: GoHighLevel learns of the person first; the
    // text and tags below wait in the outbox until it answers with its id.
    effects.messages.push_back(upsert_of(lead, job.priority));
  }
  queue::OutboxMessage sms;
  sms.kind = queue::OutboxKind::kSms;
  sms.contact_id = lead.id;
  sms.external_contact_id = lead.crm_contact_id;
  sms.priority = job.priority;
  sms.payload = bots::first_touch_text(templates_, tier, lead.first_name, lead.lead_source, sells(lead));
  // One greeting per person, ever: two jobs of one person racing (two deliveries claimed in one
  // batch, by two instances, or of two contacts merged meanwhile) write one (#16).
  sms.purpose = "first-touch";
  effects.messages.push_back(sms);
  if (bots_ && bots_->enabled && !bots_->sources_off.count(lead.lead_source)) {
    // §6: a lead that never answers hears from the bot on the cadence's days, then no more.
    bots::Conversation conversation =
        bots::start_conversation(std::to_string(lead.id), sells(lead) ? bots::Role::kSeller : bots::Role::kUnknown);
    conversation.variants = bots::assign_variants(conversation.contact_id);
    bots::LeadFacts facts;
    facts.first_name = lead.first_name;
    add_follow_ups(conversation, facts, *bots_, lead, "greeting", clock_.now(), /*answered=*/false, effects);
  }
  queue::OutboxMessage tags = sms;
  tags.purpose = "first-touch-tags";
  tags.kind = queue::OutboxKind::kTags;
  tags.priority = queue::kBookkeepingPriority;
  tags.payload = std::string("jorge-") + std::string(tier_name(tier));
  effects.messages.push_back(tags);
  return effects;
}

Result<int> Worker::run_once(const std::string& worker_id, int max_jobs) {
  JORGE_TRY(std::vector<queue::Job> claimed, jobs_.claim(worker_id, max_jobs));
  // Decide every claimed job, then commit them together: one transaction for the batch.
  std::vector<std::pair<int64_t, store::JobEffects>> decided;
  std::vector<const queue::Job*> decided_jobs;
  for (const queue::Job& job : claimed) {
    auto effects = effects_of(job);
    if (!effects.ok()) {
      if (report_) report_("worker.job", effects.error());
      Status failed = jobs_.fail(job, worker_id, effects.error());
      // A lost lease (the job is someone else's now) is no fault; anything else is told.
      if (!failed.ok() && failed.error().code != ErrorCode::kAborted && report_) report_("worker.retry", failed.error());
      continue;
    }
    decided.emplace_back(job.id, std::move(effects).value());
    decided_jobs.push_back(&job);
  }
  if (decided.empty()) return static_cast<int>(claimed.size());
  auto completed = store_.complete_jobs_with(worker_id, clock_.now(), decided);
  if (completed.ok()) {
    // Not completed: the lease was lost (failing it then changes nothing), or the job's
    // conversation moved on meanwhile (another message of the person first): run it again.
    for (size_t i = 0; i < decided_jobs.size(); ++i)
      if (!(*completed)[i]) {
        Status failed = jobs_.fail(*decided_jobs[i], worker_id,
                                   Error{ErrorCode::kAborted, "not completed: lease lost or conversation changed"});
        if (!failed.ok() && failed.error().code != ErrorCode::kAborted && report_) report_("worker.retry", failed.error());
      }
  }
  if (!completed.ok()) {
    if (report_) report_("worker.complete", completed.error());
    for (const queue::Job* job : decided_jobs) {
      Status failed = jobs_.fail(*job, worker_id, completed.error());
      if (!failed.ok() && failed.error().code != ErrorCode::kAborted && report_) report_("worker.retry", failed.error());
    }
  }
  return static_cast<int>(claimed.size());
}

}  // namespace jorge::pipeline
