#pragma once
// A conversation as JSON, to store between turns and show in the conversation view: every
// field of bots::Conversation, slots with their provenance. Reading is lenient: a field that
// is missing or of the wrong type keeps its default, so a state written by an older version
// still loads.
#include <nlohmann/json_fwd.hpp>

#include "bots/engine.hpp"

namespace jorge::bots {

nlohmann::json conversation_json(const Conversation& conversation);
Conversation conversation_from_json(const nlohmann::json& object);

}  // namespace jorge::bots
