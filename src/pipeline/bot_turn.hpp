#pragma once
// The bots in the worker (#19): what a message job changes for the conversation. An inbound
// text runs one turn of the engine; its reply, and on a handoff the tags, the task and the
// note, are queued in the job's transaction, keyed per message so that redeliveries, retries,
// crashes and merges never queue a second reply. A newer inbound cancels the pending reply
// (several quick messages get one answer, computed on the newest state). A message from a
// person of the team puts the bot to sleep. Nothing is sent here.
#include <chrono>
#include <set>
#include <string>

#include "bots/engine.hpp"
#include "core/result.hpp"
#include "queue/types.hpp"
#include "store/conversations.hpp"
#include "store/jobs.hpp"
#include "store/lead_reads.hpp"

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
};

// Adds to `effects` what the message job `job` (an inbound or outbound message) means for the
// bot: the conversation write and the messages to queue. `role_hint` is what the lead's source
// said (a seller's import row). Reads the message and the conversation from `store`.
Status add_bot_effects(store::ConversationStore& store, const queue::Job& job, const store::OutreachFacts& lead,
                       bots::Role role_hint, const BotOptions& options, SystemTime now, store::JobEffects& effects);

}  // namespace jorge::pipeline
