#pragma once
// Slots as JSON objects with the spec's names and values (bots.md §3): numbers whole where they
// are whole, sets as arrays. For `jorge extract`/`replay`, the conversation API and storage.
#include <nlohmann/json_fwd.hpp>

#include "bots/slots.hpp"

namespace jorge::bots {

nlohmann::json slot_value_json(const SlotValue& value);
nlohmann::json slots_json(const Slots& slots);  // {"budget_max": 450000, "areas": ["Hutto"], ...}
// With where each value came from: {"budget_max": {"value": 450000, "message_id": "m1", "extractor": "rules", "at": "..."}}
nlohmann::json slots_with_provenance_json(const Slots& slots);

}  // namespace jorge::bots

namespace jorge::bots {
// The reverse of slots_json: unknown names and values of the wrong type are skipped.
Slots slots_from_json(const nlohmann::json& object, const Provenance& provenance);
}  // namespace jorge::bots
