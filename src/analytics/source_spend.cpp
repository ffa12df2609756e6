#include "analytics/source_spend.hpp"

#include <algorithm>

namespace jorge::analytics {

double source_spend(const SourceCost& cost, int64_t leads, SystemTime first_lead_at, SystemTime now) {
  constexpr double kDaysPerMonth = 30.44;  // 365.25 / 12
  double spend = cost.cost_per_lead_cents / 100.0 * static_cast<double>(leads);
  if (cost.monthly_spend_cents > 0 && leads > 0) {
    const double days = std::max(1.0, std::chrono::duration<double>(now - first_lead_at).count() / 86400.0);
    spend += cost.monthly_spend_cents / 100.0 * days / kDaysPerMonth;
  }
  return spend;
}

}  // namespace jorge::analytics
