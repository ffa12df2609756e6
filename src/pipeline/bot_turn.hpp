#pragma once
// The bots in the worker (#19): what a message job changes for the conversation. An inbound
// text runs one turn of the engine; its reply, and on a handoff the tags, the task and the
// note, are queued in the job's transaction, keyed per message so that redeliveries, retries,
// crashes and merges never queue a second reply. A newer inbound cancels the pending reply
// (several quick messages get one answer, computed on the newest state). A message from a
// person of the team puts the bot to sleep. Nothing is sent here.
#include <chrono>
#include <set>
#include <vector>
#include <string>

#include "bots/engine.hpp"
#include "core/result.hpp"
#include "queue/types.hpp"
#include "store/conversations.hpp"
#include "store/jobs.hpp"
#include "store/lead_reads.hpp"
#include "store/store.hpp"

namespace jorge::pipeline {

struct BotOptions {
  bool enabled = true;                       // bots.enabled
  bots::EngineConfig engine;                 // the team's name and phone; the model, if any
  std::chrono::seconds reply_delay{8};       // bots.reply_delay: quick messages get one answer
  int handoff_task_minutes = 15;             // bots.handoff_task_minutes
  int human_sleep_hours = 72;                // bots.human_sleep_hours
  int max_messages_per_contact = 25;         // bots.max_messages_per_contact
  std::set<std::string> sources_off;         // [sources.NAME] bots = false: those leads are the team's
  bool quiet_hours = true;                   // compliance.quiet_hours: off only to try or test
  // team.calendar_id: the GoHighLevel calendar the bot books calls on after a handoff asked
  // "what time works"; empty: no booking, the agent sets the time.
  std::string calendar_id;
  bool notify_team = false;  // team.notify_url is set: every handoff is told in the team's chat too
  // §6 follow-ups, in days after the last inbound (bots.followup_days); a lead that answered
  // then hears from the bot every `followup_every_days` up to `followup_horizon_days`.
  std::vector<int> followup_days = {2, 5, 8, 11, 14, 17, 20, 23, 26, 29};
  int followup_every_days = 14;
  int followup_horizon_days = 180;
};

// §9 / #19: a person removed the tag `jorge-handoff` in GoHighLevel — the conversation is handed
// back and the bot answers again. Only for a handed-off conversation whose handoff tags Jorge
// did send (a contact update older than them says nothing). For a contact event's job.
Status add_handoff_release(store::Store& store, const store::OutreachFacts& lead, const BotOptions& options,
                           SystemTime now, store::JobEffects& effects);

// #19: a booking made, moved or cancelled in GoHighLevel (Appointment webhooks): the bot's
// follow-ups stop (a person and the lead have a date), and the turn is recorded.
Status add_appointment_effects(store::ConversationStore& store, const store::OutreachFacts& lead, const BotOptions& options,
                               SystemTime now, store::JobEffects& effects);

// The follow-ups of a quiet conversation (bots.md §6), queued as outbox texts due on their day,
// keyed "follow-up:<anchor>:<day>" per person: durable, sent once across instances, and all
// cancelled by the next inbound, a pause or a person of the team (their prefix). `answered`:
// the lead wrote at least once (else the cadence stops after its last day). Nothing for a
// conversation that gets none (handed off, closed, opted out).
void add_follow_ups(const bots::Conversation& conversation, const bots::LeadFacts& facts, const BotOptions& options,
                    const store::OutreachFacts& lead, const std::string& anchor, SystemTime anchor_at, bool answered,
                    store::JobEffects& effects);

// Adds to `effects` what the message job `job` (an inbound or outbound message) means for the
// bot: the conversation write and the messages to queue. `role_hint` is what the lead's source
// said (a seller's import row). Reads the message and the conversation from `store`.
Status add_bot_effects(store::ConversationStore& store, const queue::Job& job, const store::OutreachFacts& lead,
                       bots::Role role_hint, const BotOptions& options, SystemTime now, store::JobEffects& effects);

}  // namespace jorge::pipeline
