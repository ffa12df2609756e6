#include "bots/slots_json.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace jorge::bots {

nlohmann::json slot_value_json(const SlotValue& value) {
  if (const bool* flag = std::get_if<bool>(&value)) return *flag;
  if (const double* number = std::get_if<double>(&value)) {
    if (std::floor(*number) == *number && std::abs(*number) < 9e15) return static_cast<int64_t>(*number);
    return *number;
  }
  if (const std::string* text = std::get_if<std::string>(&value)) return *text;
  return std::get<std::vector<std::string>>(value);
}

nlohmann::json slots_json(const Slots& slots) {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < kSlotCount; ++i) {
    const Slot slot = static_cast<Slot>(i);
    if (const auto& entry = slots[slot]) out[std::string(slot_name(slot))] = slot_value_json(entry->value);
  }
  return out;
}

nlohmann::json slots_with_provenance_json(const Slots& slots) {
  nlohmann::json out = nlohmann::json::object();
  for (size_t i = 0; i < kSlotCount; ++i) {
    const Slot slot = static_cast<Slot>(i);
    if (const auto& entry = slots[slot])
      out[std::string(slot_name(slot))] = {{"value", slot_value_json(entry->value)},
                                           {"message_id", entry->provenance.message_id},
                                           {"extractor", entry->provenance.extractor},
                                           {"at", format_iso8601(entry->provenance.at)}};
  }
  return out;
}

}  // namespace jorge::bots

namespace jorge::bots {

Slots slots_from_json(const nlohmann::json& object, const Provenance& provenance) {
  Slots slots;
  if (!object.is_object()) return slots;
  for (const auto& [name, value] : object.items()) {
    const auto slot = parse_slot(name);
    if (!slot) continue;
    // Each slot holds its own kind of value; a stored or sent value of another kind is skipped.
    const SlotKind kind = slot_kind(*slot);
    if (kind == SlotKind::kFlag && value.is_boolean()) slots.set(*slot, value.get<bool>(), provenance);
    else if (kind == SlotKind::kNumber && value.is_number()) slots.set(*slot, value.get<double>(), provenance);
    else if (kind == SlotKind::kText && value.is_string()) slots.set(*slot, value.get<std::string>(), provenance);
    else if (kind == SlotKind::kSet && value.is_array()) {
      std::vector<std::string> items;
      for (const auto& item : value)
        if (item.is_string()) items.push_back(item.get<std::string>());
      slots.set(*slot, items, provenance);
    }
  }
  return slots;
}

}  // namespace jorge::bots
