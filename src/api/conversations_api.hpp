#pragma once
// The bots' conversations over HTTP (#19), the routes
//   GET  /api/v1/conversations/{contact_id}         state, bot, slots with provenance, temperature,
//                                                   pending question, messages in and out, texts
//                                                   scheduled, every turn (template, variant,
//                                                   handoff), pause and sleep
//   POST /api/v1/conversations/{contact_id}/pause   the bot stays silent for this contact; its
//                                                   waiting reply and follow-ups are cancelled
//   POST /api/v1/conversations/{contact_id}/resume  a person hands the conversation back: the bot
//                                                   answers again (after a handoff, a pause or a
//                                                   human's message)
#include "api/auth.hpp"
#include "core/clock.hpp"
#include "http/router.hpp"
#include "store/store.hpp"

namespace jorge::api {

class ConversationsApi {
 public:
  ConversationsApi(store::Store& store, Clock& clock, const BearerAuth& auth) : store_(store), clock_(clock), auth_(auth) {}
  void add_routes(http::Router& router);

 private:
  void get(http::Request& request, http::Respond respond);
  // Pause (true) or resume (false).
  void control(http::Request& request, http::Respond respond, bool pause);

  store::Store& store_;
  Clock& clock_;
  const BearerAuth& auth_;
};

}  // namespace jorge::api
