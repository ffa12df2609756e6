#pragma once
// The lead model every request uses right now; swapped whole, without a lock on the read
// path, when another version is activated (requests in flight finish on the old one).
#include <atomic>
#include <memory>

#include "scoring/lead_scorer.hpp"

namespace jorge::scoring {

class ActiveLeadModel {
 public:
  ActiveLeadModel() : model_(LeadModel::rules()) {}
  std::shared_ptr<const LeadModel> current() const { return model_.load(std::memory_order_acquire); }
  void set(std::shared_ptr<const LeadModel> model) { model_.store(std::move(model), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const LeadModel>> model_;
};

}  // namespace jorge::scoring
