#include "bots/extract.hpp"

#include <algorithm>
#include <cmath>

#include "bots/compliance/opt_out.hpp"
#include "bots/gazetteer.hpp"
#include "bots/text.hpp"
#include "core/quantities.hpp"

namespace jorge::bots {

const SlotValue* Extraction::value(Slot slot) const {
  for (const auto& [which, value] : values)
    if (which == slot) return &value;
  return nullptr;
}

namespace {

constexpr size_t npos = FoldedText::npos;

bool all_digits(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool one_of(std::string_view word, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), word) != options.end();
}

// A small count written as digits or a word ("3", "three", "tres").
std::optional<double> small_count(std::string_view word) {
  if (all_digits(word) && word.size() <= 2) return std::stod(std::string(word));
  static constexpr std::pair<std::string_view, double> kWords[] = {
      {"one", 1}, {"two", 2}, {"three", 3}, {"four", 4}, {"five", 5}, {"six", 6}, {"uno", 1}, {"una", 1},
      {"dos", 2}, {"tres", 3}, {"cuatro", 4}, {"cinco", 5}, {"seis", 6}};
  for (const auto& [name, count] : kWords)
    if (word == name) return count;
  return std::nullopt;
}

bool bed_word(std::string_view w) {
  return one_of(w, {"bed", "beds", "bedroom", "bedrooms", "br", "brs", "bd", "bds", "bdr", "bdrm", "bdrms", "bedrm",
                    "recamara", "recamaras", "habitacion", "habitaciones", "cuarto", "cuartos", "dormitorio",
                    "dormitorios"});
}
bool bath_word(std::string_view w) {
  return one_of(w, {"bath", "baths", "bathroom", "bathrooms", "ba", "bth", "bano", "banos"});
}
bool street_suffix(std::string_view w) {
  return one_of(w, {"st", "street", "rd", "road", "dr", "drive", "ln", "lane", "ave", "avenue", "blvd", "boulevard",
                    "ct", "court", "cir", "circle", "cv", "cove", "trl", "trail", "pkwy", "parkway", "pl", "place",
                    "way", "loop", "bnd", "bend", "holw", "hollow", "path", "ter", "terrace", "hwy", "highway"});
}
std::string_view usps(std::string_view w) {
  static constexpr std::pair<std::string_view, std::string_view> kShort[] = {
      {"street", "st"}, {"drive", "dr"}, {"lane", "ln"}, {"road", "rd"}, {"avenue", "ave"}, {"boulevard", "blvd"},
      {"court", "ct"}, {"circle", "cir"}, {"cove", "cv"}, {"trail", "trl"}, {"parkway", "pkwy"}, {"place", "pl"},
      {"bend", "bnd"}, {"hollow", "holw"}, {"terrace", "ter"}, {"highway", "hwy"}, {"north", "n"}, {"south", "s"},
      {"east", "e"}, {"west", "w"}, {"apartment", "unit"}, {"apt", "unit"}, {"suite", "unit"}, {"ste", "unit"}};
  for (const auto& [from, to] : kShort)
    if (w == from) return to;
  return w;
}
bool direction(std::string_view w) {
  return one_of(w, {"n", "s", "e", "w", "north", "south", "east", "west", "ne", "nw", "se", "sw"});
}

class Reader {
 public:
  Reader(std::string_view original, const ExtractContext& context)
      : original_(original), text_(original), context_(context) {}

  Extraction run();

 private:
  void put(Slot slot, SlotValue value) {
    for (auto& [which, existing] : out_.values)
      if (which == slot) { existing = std::move(value); return; }
    out_.values.emplace_back(slot, std::move(value));
  }
  bool has(std::string_view phrase) const { return text_.has(phrase); }
  bool any(std::initializer_list<std::string_view> phrases) const { return text_.has_any(phrases); }
  bool pending(SlotGroup group) const { return context_.pending == group; }
  bool selling_side() const { return role_ == Role::kSeller || role_ == Role::kBoth; }
  bool seller_only() const { return role_ == Role::kSeller; }

  void read_sides();
  void read_not_money_numbers();
  void read_money();
  void read_financing();
  void read_timeline();
  void read_places();
  void read_rooms();
  void read_property_type();
  void read_motivation();
  void read_condition();
  void read_address();
  void read_listing_and_agents();
  void read_safety();
  void read_intent();
  // Whether the nearest side-naming words before word `at` speak of selling.
  bool sell_clause(size_t at) const;

  std::string_view original_;
  FoldedText text_;
  const ExtractContext& context_;
  Extraction out_;
  Role role_ = Role::kUnknown;
  bool sells_ = false, buys_ = false, rents_ = false;
  std::vector<PlaceMention> places_;  // read once, used for areas and for "moving to <place>"
  std::vector<bool> not_money_;  // per byte of folded(): a ZIP, a phone number, a date, an address
  std::vector<bool> not_time_;   // per byte: a ZIP, a phone number, a street or unit number
};

void Reader::read_sides() {
  sells_ = any({"sell", "selling", "sale of my", "list my", "list our", "list the house", "list it", "listing my",
                "listing our", "ready to list", "thinking of listing", "whats my house worth", "whats my home worth",
                "what my house is worth", "what my home is worth", "home value", "house value", "home valuation",
                "how much could i get", "how much can i get", "how much would i get", "how much is my",
                "what could i get", "what can i get", "cash offer for my", "vender", "vendo", "vendemos", "vendiendo",
                "venta de mi", "cuanto vale mi", "needs to sell", "need to sell", "have to sell", "sell first",
                "get it sold", "want it gone", "unload"});
  if (any({"sell*"}) && any({"decided not to sell", "not selling", "no longer selling"})) sells_ = false;
  buys_ = any({"buy", "buying", "purchase", "looking for", "looking at", "looking in", "still looking", "house hunting",
               "home search", "saw the house", "saw the listing", "saw your listing", "the listing", "tour",
               "showing", "see the house", "see it", "preapproved", "pre approved", "prequalified", "pre qualified",
               "budget", "comprar", "compra", "busco", "buscando", "buscamos", "in the market", "searching",
               "first home", "something bigger", "something smaller", "move into", "new place", "open house",
               "preaprobado", "preaprobacion", "looking to move", "just looking", "just browsing", "browsing",
               "seeing whats out there"});
  if (any({"looking to sell", "looking at selling", "looking into selling", "looking for a buyer"}) &&
      !any({"buy", "buying", "comprar", "something bigger", "something smaller"}))
    buys_ = false;
  if (any({"already bought", "we bought", "just bought", "not buying", "no longer looking", "not looking"})) buys_ = false;
  rents_ = any({"looking to rent", "want to rent", "wanting to rent", "to rent", "for rent", "rent a", "rent an",
                "rentals", "rentar", "alquilar", "lease a", "an apartment to rent"}) &&
           !any({"rental property", "rent it out", "renting it out", "rented out"});
  role_ = context_.role;
  if (any({"both", "ambos", "las dos", "los dos", "buy and sell", "sell and buy", "buying and selling",
           "selling and buying"})) {
    sells_ = buys_ = true;
  }
  const bool both_here = (sells_ && buys_) || any({"before we can buy", "before we buy", "sell first",
                                                    "sell ours first", "sell our house first", "sell my house first",
                                                    "sell our current house first", "sell our current home first",
                                                    "sell my current house first", "sell my current home first",
                                                    "sell our place first", "sell my place first", "sell ours before",
                                                    "once we sell", "after we sell", "contingent on selling"});
  if (context_.role_is_hint && sells_ != buys_ && !both_here) role_ = sells_ ? Role::kSeller : Role::kBuyer;
  else if (both_here) role_ = Role::kBoth;
  else if (sells_ && role_ == Role::kBuyer) role_ = Role::kBoth;
  else if (buys_ && role_ == Role::kSeller && any({"buy", "buying", "comprar", "purchase"})) role_ = Role::kBoth;
  else if (sells_ && role_ == Role::kUnknown) role_ = Role::kSeller;
  else if (buys_ && role_ == Role::kUnknown) role_ = Role::kBuyer;
  if (both_here) put(Slot::kNeedsToSellFirst, true);
}

bool Reader::sell_clause(size_t at) const {
  for (size_t i = at; i-- > 0;) {
    const std::string& w = text_.word(i);
    if (one_of(w, {"sell", "selling", "sale", "list", "listing", "vender", "vendo", "owe"}) ||
        ((w == "my" || w == "our" || w == "mi") && i + 1 < text_.size() &&
         one_of(text_.word(i + 1), {"house", "home", "place", "condo", "property", "casa", "townhome", "duplex",
                                    "dads", "moms", "parents"})))
      return true;
    if (one_of(w, {"buy", "buying", "looking", "move", "moving", "find", "something", "busco", "buscando",
                   "comprar", "purchase", "want", "relocating", "go", "to"}))
      return false;
  }
  return seller_only();
}

// Numbers that are something else: ZIP codes, phone numbers, dates, times, credit scores,
// street numbers, sizes. Marked per byte so money never reads them.
void Reader::read_not_money_numbers() {
  const std::string& f = text_.folded();
  not_money_.assign(f.size() + 1, false);
  not_time_.assign(f.size() + 1, false);
  auto mark = [&](size_t from, size_t to, bool time_too = true) {
    std::fill(not_money_.begin() + from, not_money_.begin() + std::min(to, f.size()), true);
    if (time_too) std::fill(not_time_.begin() + from, not_time_.begin() + std::min(to, f.size()), true);
  };
  std::vector<std::string> zips;
  for (size_t i = 0; i < text_.size(); ++i) {
    const Word& w = text_.words()[i];
    if (!all_digits(w.text)) continue;
    const char before = w.start > 0 ? f[w.start - 1] : ' ';
    const char after = w.end < f.size() ? f[w.end] : ' ';
    const bool dollar = before == '$' || (w.start > 1 && f[w.start - 2] == '$' && before == ' ');
    // Phone numbers: 512-555-0123, (512) 555 0123, 5125550123.
    if (w.text.size() == 10 || (w.text.size() == 11 && w.text[0] == '1')) { mark(w.start, w.end); continue; }
    if (w.text.size() == 3 && i + 2 < text_.size() && text_.word(i + 1).size() == 3 && text_.word(i + 2).size() == 4 &&
        all_digits(text_.word(i + 1)) && all_digits(text_.word(i + 2)) && text_.words()[i + 2].start - w.end <= 8) {
      mark(w.start, text_.words()[i + 2].end);
      i += 2;
      continue;
    }
    // ZIP (and ZIP+4): five digits on their own, no "$", no thousands separator.
    if (w.text.size() == 5 && !dollar && before != ',' && before != '.' && (after != ',' || w.end + 1 >= f.size() ||
                                                                          f[w.end + 1] == ' ')) {
      const bool money_word_after = i + 1 < text_.size() && one_of(text_.word(i + 1), {"k", "mil", "dollars", "down"});
      if (!money_word_after) {
        zips.push_back(w.text);
        size_t end = w.end;
        if (after == '-' && i + 1 < text_.size() && text_.word(i + 1).size() == 4 && all_digits(text_.word(i + 1)) &&
            text_.words()[i + 1].start == w.end + 1)
          end = text_.words()[++i].end;
        mark(w.start, end);
        continue;
      }
    }
    // Years, times, dates, scores and sizes.
    const std::string next = i + 1 < text_.size() ? text_.word(i + 1) : "";
    const bool year = w.text.size() == 4 && (w.text.rfind("19", 0) == 0 || w.text.rfind("20", 0) == 0) && !dollar &&
                      next != "k";
    const bool time = (after == ':' || one_of(next, {"am", "pm", "oclock"})) ||
                      (text_.preceded_by(i, {"at"}, 1) && w.text.size() <= 2 && !dollar);
    auto digit_at = [&](size_t at) { return at < f.size() && f[at] >= '0' && f[at] <= '9'; };
    const bool date = (after == '/' && digit_at(w.end + 1)) || (before == '/' && w.start >= 2 && digit_at(w.start - 2));
    const bool score = text_.preceded_by(i, {"score", "credit", "fico", "scores", "puntaje"}, 3);
    // A span of time after a number ("6 months") unless the number is money ("$2,400/mo").
    const bool span = one_of(next, {"yr", "yrs", "year", "years", "month", "months", "mo", "mos", "week", "weeks",
                                    "day", "days", "min", "mins", "minutes", "hour", "hours", "meses", "anos", "dias",
                                    "semanas"}) &&
                      !dollar && before != ',' && after != '/';
    const bool size = span ||
                      one_of(next, {"sq", "sqft", "square", "ft", "feet", "acre", "acres", "car", "story", "stories",
                                    "percent", "th", "st", "nd", "rd"}) ||
                      bed_word(next) || bath_word(next) || after == '%' || after == '+';
    const bool unit = text_.preceded_by(i, {"unit", "apt", "suite", "number", "ste", "lot"}, 1) || before == '#';
    if (year || time || date || score || size || unit) { mark(w.start, w.end, unit); continue; }
    // Street numbers: "2207 tillery st", "1807 west 35th street".
    if (!dollar && w.text.size() <= 6 && next != "k" && next != "m") {
      for (size_t j = i + 1; j < text_.size() && j <= i + 5; ++j)
        if (street_suffix(text_.word(j)) && j > i + 1) { mark(w.start, w.end); break; }
    }
  }
  if (!zips.empty()) {
    std::sort(zips.begin(), zips.end());
    zips.erase(std::unique(zips.begin(), zips.end()), zips.end());
    if (seller_only() || (selling_side() && !buys_)) put(Slot::kPropertyZip, zips.front());
    else put(Slot::kZips, zips);
  }
}

void Reader::read_money() {
  const std::string& f = text_.folded();
  const std::vector<MoneyFigure> figures = money_figures(f);
  const bool short_answer = text_.size() <= 5;
  bool saw_budget = false, saw_price = false, saw_payment = false, saw_down = false, saw_preapproval = false;
  for (size_t n = 0; n < figures.size(); ++n) {
    MoneyFigure figure = figures[n];
    if (std::any_of(not_money_.begin() + std::min(figure.start, not_money_.size()),
                    not_money_.begin() + std::min(figure.end, not_money_.size()), [](bool marked) { return marked; }))
      continue;
    const size_t at = text_.word_at_byte(figure.start);
    if (figure.plural) { out_.vague = true; continue; }  // "in the 400s", "low 500s"
    if (text_.preceded_by(at, {"low", "mid", "high", "upper", "lower"}, 1) && !figure.dollar && figure.multiplier == 1)
      { out_.vague = true; continue; }
    // A range: "350-400k", "between 350 and 400", "260 to 275".
    std::optional<MoneyFigure> second;
    if (n + 1 < figures.size() && !not_money_[figures[n + 1].start] &&
        joins_a_range(std::string_view(f).substr(figure.end, figures[n + 1].start - figure.end))) {
      second = figures[n + 1];
      if (figure.multiplier == 1 && second->multiplier > 1 && figure.value < 1000) figure.multiplier = second->multiplier;
    }
    const size_t last_word = text_.word_at_byte((second ? second->end : figure.end) - 1);
    auto after_is = [&](std::initializer_list<std::string_view> phrases) {
      const size_t from = last_word + 1;
      for (std::string_view phrase : phrases) {
        const size_t found = text_.find(phrase, from);
        if (found != npos && found <= from + 1) return true;
      }
      return false;
    };
    const bool per_month = after_is({"a month", "per month", "mo", "month", "monthly", "a mo", "al mes", "por mes",
                                     "mensual", "mensuales", "each month", "every month"}) ||
                           text_.preceded_by(at, {"payment", "payments", "monthly", "mortgage payment", "pago", "pagos",
                                                  "mensualidad", "note"}, 6);
    const bool down = after_is({"down", "for a down", "as a down", "to put down", "for down", "de enganche",
                                "for the down", "saved for a down", "de pago inicial"}) ||
                      text_.preceded_by(at, {"down payment", "put down", "enganche", "downpayment"}, 4);
    const bool preapproval = text_.preceded_by(at, {"preapproved", "pre approved", "approved", "preapproval",
                                                    "pre approval", "prequalified", "pre qualified", "prequal",
                                                    "preaprobado", "preaprobada", "preaprobacion", "aprobado",
                                                    "aprobados", "qualified", "letter"}, 5);
    const bool owed = text_.preceded_by(at, {"owe", "owed", "balance", "payoff", "pay off", "left on", "debemos", "debo",
                                             "deuda", "net", "walk away with", "clear", "mortgage is", "mortgage of",
                                             "loan of", "loan is"}, 4);
    const bool money_word = text_.preceded_by(at, {"budget", "price", "priced", "up to", "under", "below", "max",
                                                   "maximum", "around", "about", "between", "want", "take", "asking",
                                                   "ask", "list", "list it", "sell for", "sell it for", "get", "spend",
                                                   "afford", "range", "no more than", "not over", "at least", "over",
                                                   "starting at", "minimum", "min", "from", "for", "presupuesto",
                                                   "hasta", "precio", "entre", "pedir", "menos de", "mas de",
                                                   "approved for", "offer", "accept", "worth", "paying", "pay",
                                                   "like", "least", "at"}, 3) ||
                            after_is({"ish", "or so", "tops", "max", "dollars", "bucks", "or less", "or more", "range",
                                      "budget"}) ||
                            (f.find('~') != std::string::npos && figure.start > 0 && f[figure.start - 1] == '~');
    const bool pending_money = (pending(SlotGroup::kBudget) || pending(SlotGroup::kPrice)) && short_answer;
    const bool context = figure.dollar || money_word || pending_money || preapproval || per_month || down || owed;
    if (!(figure.multiplier > 1 || figure.grouped || context || figure.value >= 100000)) continue;
    // A bare number in a money context: under 20 is millions, under 10,000 thousands.
    auto dollars_of = [&](const MoneyFigure& fig) {
      if (fig.multiplier > 1 || fig.grouped || per_month) return fig.dollars();
      if (down && fig.value >= 1000) return fig.value;
      if (fig.value < 20) return fig.value * 1e6;
      if (fig.value < 10000) return fig.value * 1e3;
      return fig.value;
    };
    double low = dollars_of(figure), high = low;
    if (second) {
      high = dollars_of(*second);
      if (low > high) std::swap(low, high);
      ++n;
    }
    if (low <= 0) continue;
    if (owed) continue;  // a mortgage balance is never an asking price (§4.1)
    if (per_month) {
      if (!saw_payment) put(Slot::kMonthlyPaymentMax, high), saw_payment = true;
    } else if (down) {
      if (!saw_down) put(Slot::kDownPayment, low), saw_down = true;
    } else if (preapproval) {
      if (!saw_preapproval) put(Slot::kPreapprovalAmount, high), saw_preapproval = true;
    } else if (selling_side() && (seller_only() || sell_clause(at) || pending(SlotGroup::kPrice))) {
      if (!saw_price) put(Slot::kPriceExpectation, low), saw_price = true;  // a range: the least they would take
    } else if (!saw_budget) {
      saw_budget = true;
      if (second) {
        put(Slot::kBudgetMin, low);
        put(Slot::kBudgetMax, high);
      } else if (money_bound(f, figure.start, figure.end) == MoneyBound::kAtLeast) {
        put(Slot::kBudgetMin, low);
      } else {
        put(Slot::kBudgetMax, low);
      }
    }
  }
  if (any({"half a mil"}) && !out_.states(Slot::kBudgetMax) && !out_.states(Slot::kPriceExpectation)) {
    if (selling_side()) put(Slot::kPriceExpectation, 500000.0);
    else put(Slot::kBudgetMax, 500000.0);
  }
}

void Reader::read_financing() {
  std::optional<std::string> status;
  if (any({"not preapproved", "not pre approved", "not yet preapproved", "havent talked to a lender",
           "haven't talked to a lender", "havent talked to lender", "no lender", "havent started", "not started",
           "dont have a lender", "need a lender", "no preapproval", "havent been preapproved", "not approved",
           "havent gotten preapproved", "need to get preapproved", "need to get pre approved", "no we havent",
           "todavia no", "aun no", "no tenemos prestamista", "not yet talked"}))
    status = "not_started";
  else if (any({"getting preapproved", "getting pre approved", "working on getting", "working on preapproval",
                "working on the preapproval", "talking to a lender", "talking to lender", "talking with a lender",
                "applied", "in process", "in progress", "waiting on approval", "waiting for approval",
                "getting approved", "getting prequalified", "getting pre qualified", "waiting on the lender",
                "in the process", "working with a lender",
                "meeting with a lender", "en proceso"}))
    status = "in_progress";
  else if (any({"paying cash", "pay cash", "cash buyer", "all cash", "cash offer", "in cash", "with cash",
                "en efectivo", "de contado", "cash purchase", "buying cash", "buy cash"}) ||
           (pending(SlotGroup::kFinancing) && any({"cash"})) || (buys_ && any({"cash"}) && !any({"cash flow", "cash out"})))
    status = "cash";
  else if (any({"preapproved", "pre approved", "preapproval", "pre approval", "preaprobado", "preaprobados",
                "preaprobada", "preaprobacion", "approved for", "have an approval"}))
    status = "preapproved";
  else if (any({"prequalified", "pre qualified", "prequal", "prequalification", "precalificado"}))
    status = "prequalified";
  else if (pending(SlotGroup::kFinancing)) {
    if (any({"yes", "yep", "yeah", "yup", "si", "we are", "i am", "sure are"})) status = "preapproved";
    else if (any({"no", "nope", "not yet", "nah", "havent", "not really"})) status = "not_started";
  }
  if (status) {
    put(Slot::kFinancingStatus, *status);
    if (*status != "cash") put(Slot::kPreapproved, *status == "preapproved");
  }
  if (any({"fha"})) put(Slot::kLoanType, std::string("fha"));
  else if (any({"va loan", "va mortgage", "va financing", "using va", "using my va", "a va"})) put(Slot::kLoanType, std::string("va"));
  else if (any({"usda"})) put(Slot::kLoanType, std::string("usda"));
  else if (any({"jumbo"})) put(Slot::kLoanType, std::string("jumbo"));
  else if (any({"conventional"})) put(Slot::kLoanType, std::string("conventional"));
  if (any({"first time buyer", "first time home buyer", "first time homebuyer", "first time buying", "firsttime",
           "first home", "never owned", "primera casa", "primera vez", "first house", "our first"}))
    put(Slot::kFirstTimeBuyer, true);
}

void Reader::read_timeline() {
  const bool browsing = any({"just looking", "just browsing", "browsing", "seeing whats out there",
                             "seeing what is out there", "just curious", "solo estoy viendo", "solo mirando",
                             "solo viendo", "window shopping", "not in a rush", "no rush"}) &&
                        !any({"not just looking", "not browsing"});
  if (browsing && any({"just looking", "just browsing", "browsing", "seeing whats out there", "just curious",
                       "solo estoy viendo", "solo mirando", "solo viendo", "window shopping", "seeing what is out there"}))
    put(Slot::kBrowsing, true);
  // The timeline reader sees the text without ZIPs, phone numbers and addresses.
  std::string cleaned = text_.folded();
  for (size_t i = 0; i < cleaned.size(); ++i)
    if (not_time_[i]) cleaned[i] = ' ';
  // "listed til august" is when the listing ends, not when they move.
  if (any({"listed", "contract", "listing"}) && any({"til", "till", "until", "through", "thru", "expires"})) return;
  std::optional<Timeline> timeline = parse_timeline(cleaned, context_.local_now);
  if (timeline && !timeline->approximate) {
    put(Slot::kTimelineMonths, std::round(timeline->high_months));
    if (timeline->high_months <= 3) out_.concrete_action = true;
    return;
  }
  if (timeline && timeline->approximate) out_.vague = true;
  // The Seller Bot asks "If we sold it in the next 30 to 45 days, would that be a problem?"
  if (pending(SlotGroup::kTimeline) && selling_side()) {
    if (any({"too fast", "too soon", "too quick", "need more time", "thats a problem", "that would be a problem",
             "demasiado pronto"})) {
      out_.vague = true;
    } else if (any({"no problem", "that works", "works for me", "works", "sooner the better", "sooner is better",
                    "not a problem", "no prob", "nope", "no", "fine", "perfect", "good with me", "no hay problema",
                    "sin problema", "esta bien", "perfecto", "de acuerdo", "lets do it", "ready"})) {
      put(Slot::kTimelineMonths, 2.0);
    }
  }
  if (any({"soon", "not sure", "depends", "idk", "eventually", "no se", "pronto", "whenever", "dunno", "no idea",
           "someday", "at some point", "when the right one comes", "when we find", "maybe", "unsure", "not certain",
           "dont know", "no estoy seguro", "todavia no se"}))
    out_.vague = true;
}

void Reader::read_places() {
  std::vector<std::string> areas;
  for (const PlaceMention& place : places_) {
    if (selling_side() && (seller_only() ? !buys_ || sell_clause(place.first_word) : sell_clause(place.first_word))) {
      if (!out_.states(Slot::kPropertyArea)) put(Slot::kPropertyArea, place.canonical);
    } else {
      areas.push_back(place.canonical);
    }
  }
  if (!areas.empty()) put(Slot::kAreas, areas);
}

void Reader::read_rooms() {
  const std::string& f = text_.folded();
  const bool buyer = !seller_only();
  for (size_t i = 0; i < text_.size(); ++i) {
    const Word& w = text_.words()[i];
    // "3/2": beds and baths, unless a date ("by 3/2").
    if (all_digits(w.text) && w.text.size() == 1 && w.end < f.size() && f[w.end] == '/' && i + 1 < text_.size() &&
        text_.words()[i + 1].start == w.end + 1 && all_digits(text_.word(i + 1)) && text_.word(i + 1).size() == 1 &&
        !text_.preceded_by(i, {"by", "before", "on", "until", "till", "after", "around"}, 1)) {
      double baths = std::stod(text_.word(i + 1));
      const size_t after = text_.words()[i + 1].end;
      if (after + 1 < f.size() && f[after] == '.' && i + 2 < text_.size() && text_.word(i + 2) == "5") baths += 0.5;
      const double beds = std::stod(w.text);
      if (buyer && !sell_clause(i)) {
        put(Slot::kBedsMin, beds);
        put(Slot::kBathsMin, baths);
      } else {
        put(Slot::kPropertyBeds, beds);
        put(Slot::kPropertyBaths, baths);
      }
      continue;
    }
    // The decimals of "2.5 baths" belong to the number before them.
    if (w.start > 1 && f[w.start - 1] == '.' && f[w.start - 2] >= '0' && f[w.start - 2] <= '9') continue;
    // "3br", "3bed", "4bd": the number glued to the word.
    std::optional<double> count;
    bool beds = false, baths = false;
    size_t k = 0;
    while (k < w.text.size() && w.text[k] >= '0' && w.text[k] <= '9') ++k;
    if (k > 0 && k <= 2 && k < w.text.size()) {
      const std::string_view unit = std::string_view(w.text).substr(k);
      if (bed_word(unit) || unit == "b") beds = true;
      if (bath_word(unit)) baths = true;
      if (beds || baths) count = std::stod(w.text.substr(0, k));
    }
    if (!count && i + 1 < text_.size()) {
      count = small_count(w.text);
      if (count) {
        beds = bed_word(text_.word(i + 1));
        baths = bath_word(text_.word(i + 1));
        // "2.5 bath"
        if (!baths && !beds && w.end < f.size() && f[w.end] == '.' && i + 2 < text_.size() && text_.word(i + 1) == "5" &&
            bath_word(text_.word(i + 2))) {
          *count += 0.5;
          baths = true;
        }
        if (!beds && !baths) count.reset();
      }
    }
    if (!count || *count <= 0 || *count > 20) continue;
    // "3-4 bed": the first number of a range.
    std::optional<double> low;
    if (i >= 1 && small_count(text_.word(i - 1)) && (w.start > 0 && (f[w.start - 1] == '-' ||
                                                                      text_.preceded_by(i, {"to", "or"}, 1)))) {
      const size_t back = f[w.start - 1] == '-' ? i - 1 : i - 2;
      if (back < text_.size()) low = small_count(text_.word(back));
    }
    const bool at_most = text_.preceded_by(i, {"up to", "at most", "max", "no more than"}, 2);
    if (beds) {
      if (buyer && !(selling_side() && sell_clause(i))) {
        if (low) {
          put(Slot::kBedsMin, std::min(*low, *count));
          put(Slot::kBedsMax, std::max(*low, *count));
        } else if (at_most) {
          put(Slot::kBedsMax, *count);
        } else {
          put(Slot::kBedsMin, *count);
        }
      } else {
        put(Slot::kPropertyBeds, *count);
      }
    } else if (baths) {
      if (buyer && !(selling_side() && sell_clause(i))) put(Slot::kBathsMin, low ? std::min(*low, *count) : *count);
      else put(Slot::kPropertyBaths, *count);
    }
  }
}

void Reader::read_property_type() {
  struct Kind {
    std::string_view value;
    std::vector<std::string_view> words;
  };
  static const Kind kKinds[] = {
      {"manufactured", {"mobile home", "manufactured", "trailer", "casa movil"}},
      {"multi_family", {"duplex", "triplex", "fourplex", "4plex", "quadplex", "fourplex", "multifamily",
                        "multi family", "multi unit", "multiplex"}},
      {"townhome", {"townhouse", "townhome", "townhomes", "townhouses", "th", "town home", "town house"}},
      {"condo", {"condo", "condos", "condominium", "condominio", "apartment", "departamento", "apartamento"}},
      {"single_family", {"house", "single family", "sfh", "home with a yard", "houses", "single story house",
                         "single family home", "casa unifamiliar"}},
      {"land", {"land", "acreage", "lot", "vacant lot", "terreno", "acres"}},
  };
  const bool renting = any({"rent", "renting", "lease", "rentar"});
  std::optional<std::string> found;
  size_t found_at = npos;
  for (const Kind& kind : kKinds)
    for (std::string_view phrase : kind.words) {
      size_t at = text_.find(phrase);
      while (at != npos) {
        bool ok = true;
        if (phrase == "lot" && text_.preceded_by(at, {"a", "parking"}, 1)) ok = false;  // "a lot of work"
        if (phrase == "apartment" && renting) ok = false;
        if (phrase == "acres" && any({"house", "home"})) ok = false;
        if ((phrase == "house" || phrase == "houses") &&
            (text_.preceded_by(at, {"open", "my", "our", "the", "this", "that", "your", "his", "her", "their"}, 1) ||
             (at + 1 < text_.size() && one_of(text_.word(at + 1), {"on", "at", "in"}) && !buys_)))
          ok = false;  // "the house on oak" is a listing, "my house" the seller's home
        if (ok) break;
        at = text_.find(phrase, at + 1);
      }
      if (at != npos && at < found_at) {
        found = std::string(kind.value);
        found_at = at;
      }
    }
  // The seller's own home counts too when it is named: "my condo", "our duplex".
  if (!found) return;
  if (role_ == Role::kBoth && sell_clause(found_at)) put(Slot::kPropertyTypeSold, *found);
  else put(Slot::kPropertyType, *found);
}

void Reader::read_motivation() {
  struct Reason {
    std::string_view value;
    std::vector<std::string_view> words;
  };
  static const Reason kReasons[] = {
      {"relocation", {"job transfer", "transfer", "transferred", "relocat*", "new job", "moving to", "moving out of",
                      "moving from", "moving back to", "closer to family", "got a job", "job offer", "job in",
                      "out of state", "trasladan", "traslado", "cambio de trabajo", "nos mudamos a", "me mudo a",
                      "moving across"}},
      {"divorce", {"divorce", "divorcing", "divorced", "separating", "separated", "separation", "splitting up",
                   "divorcio", "nos separamos"}},
      {"inherited", {"inherited", "inherit", "passed away", "passed and left", "left us her house", "left us his house",
                     "left me her house", "left me his house", "left us the house", "left me the house", "estate sale", "late mother", "late father", "late mom",
                     "late dad", "late husband", "late wife", "probate", "heredamos", "herede", "herencia"}},
      {"financial_distress", {"behind on payments", "behind on the mortgage", "behind on my mortgage",
                              "behind on our mortgage", "behind on mortgage", "foreclos*", "cant afford",
                              "can not afford", "cannot afford", "need the cash", "pay debts", "pay off debt",
                              "bankrupt*", "behind on", "atrasados", "no podemos pagar"}},
      {"tired_landlord", {"tired of being a landlord", "sick of being a landlord", "tired landlord",
                          "done being a landlord", "tenants are a headache", "tenant is a headache",
                          "tenants are a pain", "bad tenants", "tired of tenants", "sick of tenants", "tenant problems",
                          "tenants have been", "tenants are a nightmare", "cansado de inquilinos"}},
      {"retirement", {"retire", "retiring", "retired", "retirement", "jubil*"}},
      {"health", {"health", "medical", "surgery", "cant do stairs", "cant do the stairs", "assisted living",
                  "nursing home", "salud"}},
      {"upsizing", {"need more room", "more room", "more space", "something bigger", "bigger place", "bigger house",
                    "bigger home", "outgrown", "outgrew", "moving up", "growing family", "need space", "mas grande",
                    "mas espacio"}},
      {"downsizing", {"downsiz*", "too much house", "kids moved out", "empty nest*", "something smaller",
                      "smaller place", "smaller house", "smaller home", "mas pequena", "mas chica"}},
      {"lease_ending", {"lease is up", "lease ends", "lease ending", "lease up", "lease expires", "lease runs out",
                        "renting till", "renting until", "lease is ending", "our lease", "my lease",
                        "se acaba el contrato", "se vence el contrato"}},
      {"investment", {"investor", "investment", "rental property", "flip", "flipping", "cash flow", "cash out",
                      "invest", "investing", "inversion", "sell a rental"}},
      {"first_home", {"first home", "first time buyer", "first time home", "first time homebuyer", "first house",
                      "primera casa", "our first"}},
  };
  const size_t because = text_.find_any({"because", "since", "porque", "cause", "cuz", "bc"});
  std::optional<std::string_view> chosen;
  size_t chosen_at = npos;
  bool chosen_after_because = false;
  for (const Reason& reason : kReasons) {
    if (reason.value == "first_home") continue;  // only when no other reason is stated
    for (std::string_view phrase : reason.words) {
      const size_t at = text_.find(phrase);
      if (at == npos) continue;
      // "moving to" is a reason for a seller (they leave) and for a buyer from elsewhere, not a
      // buyer moving across town: "moving to round rock".
      if (phrase == "moving to" && !seller_only()) {
        bool local = false;
        for (const PlaceMention& place : places_)
          if (place.first_word == at + 2) local = true;
        if (local) continue;
      }
      if (phrase == "transfer" && !seller_only() && any({"wire transfer"})) continue;
      const bool after_because = because != npos && at > because;
      const bool better = !chosen || (after_because && !chosen_after_because) ||
                          (after_because == chosen_after_because && at < chosen_at);
      if (better) {
        chosen = reason.value;
        chosen_at = at;
        chosen_after_because = after_because;
      }
    }
  }
  if (!chosen && !seller_only() && any({"first home", "first time buyer", "first time home", "first house",
                                        "primera casa", "our first", "first time homebuyer"}))
    chosen = "first_home";
  if (!chosen) return;
  static constexpr std::string_view kBuyerValues[] = {"first_home", "relocation", "upsizing", "downsizing",
                                                      "investment", "lease_ending"};
  static constexpr std::string_view kSellerValues[] = {"relocation", "upsizing", "downsizing", "divorce", "inherited",
                                                       "financial_distress", "tired_landlord", "retirement",
                                                       "investment", "health"};
  const bool seller_reason = selling_side();
  const auto* begin = seller_reason ? std::begin(kSellerValues) : std::begin(kBuyerValues);
  const auto* end = seller_reason ? std::end(kSellerValues) : std::end(kBuyerValues);
  put(Slot::kMotivation, std::string(std::find(begin, end, *chosen) != end ? *chosen : "other"));
}

void Reader::read_condition() {
  if (!selling_side() && !pending(SlotGroup::kCondition)) return;
  auto needed = [&](std::initializer_list<std::string_view> phrases) {
    for (std::string_view phrase : phrases)
      for (size_t at = text_.find(phrase); at != npos; at = text_.find(phrase, at + 1))
        if (!text_.preceded_by(at, {"new", "no", "not", "fresh", "replaced", "updated", "redid", "redone", "never",
                                    "recent", "brand new", "without", "nuevo", "nueva", "sin"}, 2))
          return true;
    return false;
  };
  std::optional<std::string> condition;
  if (needed({"foundation", "roof", "water damage", "fire damage", "flood*", "needs everything", "full renovation",
              "full remodel", "gut", "gutted", "fixer", "fixer upper", "needs a lot", "lot of work", "major",
              "mold", "structural", "tear down", "teardown", "needs to be redone", "cimientos", "techo",
              "mucho trabajo"}))
    condition = "major_work";
  else if (needed({"paint", "carpet", "flooring", "floors", "tlc", "minor", "cosmetic", "small repairs",
                   "some repairs", "some work", "little work", "touch up", "touch ups", "needs some", "updates",
                   "dated", "outdated", "pintura", "un poco de trabajo"}))
    condition = "minor_work";
  else if (any({"move in ready", "movein ready", "move in", "totally updated", "fully updated", "remodeled",
                "renovated", "turnkey", "turn key", "great shape", "good shape", "excellent condition",
                "perfect condition", "great condition", "good condition", "updated", "like new", "ready to move in",
                "lista para mudarse", "buenas condiciones", "excelente estado"}))
    condition = "move_in_ready";
  else if (pending(SlotGroup::kCondition) && any({"ready", "its ready", "nothing", "needs nothing"}))
    condition = "move_in_ready";
  else if (pending(SlotGroup::kCondition) && any({"needs work", "some", "a little", "needs a little"}))
    out_.vague = true;
  if (condition) put(Slot::kPropertyCondition, *condition);
}

void Reader::read_address() {
  for (size_t i = 0; i < text_.size(); ++i) {
    const std::string& number = text_.word(i);
    if (!all_digits(number) || number.size() > 6 || number.size() < 2) continue;
    size_t j = i + 1;
    std::vector<std::string> parts = {number};
    if (j < text_.size() && direction(text_.word(j)) && j + 1 < text_.size()) parts.emplace_back(usps(text_.word(j++)));
    size_t suffix_at = npos;
    for (size_t k = j; k < text_.size() && k <= j + 3; ++k)
      if (street_suffix(text_.word(k)) && k > j) { suffix_at = k; break; }
    const bool pending_address = pending(SlotGroup::kAddress);
    if (suffix_at == npos) {
      if (!pending_address || j >= text_.size()) continue;
      suffix_at = std::min(text_.size() - 1, j + 2);  // "1807 w 35th": no suffix, read up to three words
      for (size_t k = j; k <= suffix_at; ++k) parts.emplace_back(usps(text_.word(k)));
    } else {
      for (size_t k = j; k <= suffix_at; ++k) parts.emplace_back(usps(text_.word(k)));
    }
    size_t next = suffix_at + 1;
    if (next + 1 < text_.size() && one_of(text_.word(next), {"apt", "apartment", "unit", "suite", "ste"})) {
      parts.emplace_back("unit");
      parts.push_back(text_.word(next + 1));
    } else if (next < text_.size() && text_.words()[next].start > 0 && text_.folded()[text_.words()[next].start - 1] == '#') {
      parts.emplace_back("unit");
      parts.push_back(text_.word(next));
    }
    std::string address;
    for (const auto& part : parts) address += (address.empty() ? "" : " ") + part;
    if (seller_only() || pending_address || (selling_side() && sell_clause(i))) {
      put(Slot::kPropertyAddress, address);
    } else {
      out_.listing_address = address;
    }
    return;
  }
}

void Reader::read_listing_and_agents() {
  const bool negated_agent = any({"dont have an agent", "dont have a realtor", "no agent", "no realtor",
                                  "not working with", "without an agent", "dont have one", "no tengo agente"});
  if (!negated_agent &&
      any({"already have a realtor", "already have an agent", "already have a broker", "have an agent",
           "have a realtor", "working with an agent", "working with a realtor", "working with another",
           "working with someone", "my realtor", "my agent", "our realtor", "our agent", "ya tengo agente",
           "ya tengo un agente", "ya tengo realtor", "ya tenemos agente", "already working with",
           "have a buyers agent", "got a realtor", "got an agent"}) &&
      !any({"listed with"}))
    put(selling_side() && !buys_ ? Slot::kListedWithAgent : Slot::kWorkingWithAgent, true);
  else if (negated_agent && !selling_side())
    put(Slot::kWorkingWithAgent, false);
  if (!selling_side() && !pending(SlotGroup::kListed)) return;
  if (any({"not listed", "isnt listed", "not on the market", "not yet listed", "havent listed", "never listed",
           "listing expired", "expired", "took it off", "not with anyone", "no one", "nobody", "no esta listada",
           "no lo hemos listado"})) {
    put(Slot::kListed, false);
    put(Slot::kListedWithAgent, false);
  } else if (any({"fsbo", "by owner", "for sale by owner", "listed it myself", "selling it myself",
                  "on zillow myself", "sell it ourselves", "selling it ourselves", "listed it ourselves"})) {
    put(Slot::kListed, true);
    put(Slot::kListedWithAgent, false);
  } else if (any({"listed with", "its listed", "it is listed", "is listed", "currently listed", "on the market",
                  "listing agreement", "under contract with", "listed til", "listed until", "listed through",
                  "has a listing", "our listing agent", "my listing agent", "esta listada con", "listada con"})) {
    put(Slot::kListed, true);
    if (any({"agent", "broker", "realtor", "brokerage", "company", "another", "listing agreement", "redfin", "keller",
             "compass", "remax", "re max", "coldwell", "agente", "realty", "listed with", "listing agent"}))
      put(Slot::kListedWithAgent, true);
  } else if (pending(SlotGroup::kListed)) {
    if (any({"no", "nope", "not yet", "nah", "not at all"})) {
      put(Slot::kListed, false);
      put(Slot::kListedWithAgent, false);
    } else if (any({"yes", "yeah", "yep", "si"})) {
      put(Slot::kListed, true);
    }
  }
  if (selling_side()) {
    if (any({"tenant", "tenants", "renters", "rented out", "rental", "leased out", "tenant occupied", "inquilinos"}))
      put(Slot::kOccupancy, std::string("tenant"));
    else if (any({"vacant", "empty", "nobody lives", "no one lives", "nobody living", "sitting empty", "vacia"}))
      put(Slot::kOccupancy, std::string("vacant"));
    else if (any({"we live in it", "we live there", "i live there", "i live in it", "live in it", "owner occupied",
                  "we still live", "vivimos"}))
      put(Slot::kOccupancy, std::string("owner"));
  }
}

void Reader::read_safety() {
  // Fair housing (§10.4): what the lead asks about the people or the safety of a place.
  out_.fair_housing =
      any({"safe", "safest", "safety", "crime", "crimes", "dangerous", "bad part of town", "bad area",
           "bad neighborhood", "sketchy", "dicey", "getting better over there", "is it getting better", "ghetto",
           "good schools", "best schools", "top rated schools", "top rated school", "school district",
           "school rating", "school ratings", "schools", "school", "isd", "which isd", "what kind of people",
           "kind of people", "diverse", "diversity", "demographic*", "older crowd", "without kids", "no kids",
           "good place for families", "family friendly", "good for families", "families with kids",
           "lot of families", "church", "churches", "mosque", "synagogue", "temple", "no section 8",
           "section 8", "no students", "neighbors like", "white neighborhood", "mostly white", "mostly black",
           "mostly hispanic", "mostly mexican", "mostly asian", "mostly latino", "mostly families",
           "mostly retirees", "mostly young", "mostly older", "seguro", "segura", "crimen", "escuelas",
           "buenas escuelas", "peligroso", "inseguro"}) &&
      !any({"safe to say", "to be safe", "play it safe", "safe bet", "school year", "after school"});
  out_.fees = any({"commission", "commissions", "your fee", "your fees", "fees", "fee", "your cut", "what do you charge",
                   "how much do you charge", "cut your", "listing fee", "comision", "cobran", "buyer agreement terms",
                   "contract terms", "percent do you"});
  out_.legal = any({"legal", "lawyer", "attorney", "tax", "taxes", "capital gains", "disclose", "disclosure",
                    "do i have to tell", "do we have to tell", "title issue", "title problem", "lien", "liens",
                    "evict", "eviction", "get out of my contract", "get out of the contract", "break the contract",
                    "break my contract", "probate court", "sue", "lawsuit", "abogado", "impuestos", "legally"});
  out_.showing_request =
      !seller_only() &&
      any({"see the house", "see the home", "see it", "see this", "see that one", "can we see", "could we see",
           "can i see", "tour", "tours", "touring", "showing", "walk through", "walkthrough", "view the", "look at it",
           "make an offer", "put in an offer", "put an offer", "write an offer", "submit an offer", "reschedule",
           "cancel the showing", "cancel our showing", "cancel tuesdays tour", "verla", "ver la casa", "visitarla",
           "hacer una oferta", "go see", "take a look inside", "schedule a visit"});
  if (out_.showing_request && any({"cancel*"}) && !any({"tour", "showing", "appointment"})) out_.showing_request = false;
  out_.angry = any({"harass*", "fuck*", "shit", "bullshit", "wtf", "idiot*", "stupid", "scammer*", "scumbag",
                    "report you", "sue you", "leave me the hell", "annoying", "pissed", "screw you", "go away",
                    "spamming", "spam", "stop bothering", "dejen de molestar", "acoso"});
  // All-caps anger: several shouted words (keywords aside).
  int shouted = 0;
  for (size_t i = 0, start = 0; i <= original_.size(); ++i) {
    if (i == original_.size() || original_[i] == ' ') {
      const std::string_view word = original_.substr(start, i - start);
      int upper = 0, letters = 0;
      for (char c : word)
        if (std::isalpha(static_cast<unsigned char>(c))) { ++letters; upper += std::isupper(static_cast<unsigned char>(c)) ? 1 : 0; }
      if (letters >= 3 && upper == letters && !one_of(word, {"STOP", "HOA", "FHA", "USDA", "ASAP", "ATX", "START", "HELP"}))
        ++shouted;
      start = i + 1;
    }
  }
  if (shouted >= 3 && original_.find('!') != std::string_view::npos) out_.angry = true;
  out_.bot_question = any({"are you a bot", "is this a bot", "are you a robot", "is this a robot", "real person",
                           "are you real", "are you human", "is this automated", "are you ai", "is this ai",
                           "talking to a bot", "talking to a robot", "eres un bot", "eres un robot", "es un bot",
                           "persona real", "is this a person", "are you a person", "is this jorge himself"}) &&
                      !any({"talk to a real person", "speak to a real person", "speak with a real person",
                            "talk with a real person", "want a real person", "need a real person"});
  out_.identity_question = any({"who is this", "whos this", "who are you", "who is jorge", "how did you get my number",
                                "how did you get my info", "how do you have my number", "is this a scam", "scam",
                                "who do you work for", "what company", "quien es", "quien eres", "quienes son",
                                "de donde sacaron mi numero", "como consiguio mi numero", "do i know you"}) &&
                           !out_.angry;
  out_.listing_question = !seller_only() &&
                          any({"still available", "is it available", "available still", "hoa", "price drop",
                               "price reduced", "reduced", "sqft", "square feet", "year built", "how old is the",
                               "is it still", "under contract", "pending", "sigue disponible", "esta disponible"});
  out_.no_call = any({"dont call", "do not call", "no calls", "text is fine", "text only", "only text", "no me llames"});
  out_.small_talk = text_.size() <= 3 && any({"ok", "okay", "k", "yes", "yeah", "yep", "no", "thanks", "thank you",
                                              "thx", "ty", "hi", "hello", "hey", "hola", "gracias", "sure", "cool",
                                              "sounds good", "got it", "si", "oh", "ya", "good", "great"});
  if (text_.size() == 0) out_.small_talk = true;
  if (any({"ready to list", "ready to sell", "ready to buy", "need to sell", "need to buy", "need to move",
           "have to sell", "have to move", "want to list", "make an offer", "put in an offer", "write an offer",
           "ready to make", "ready to go", "lets do it", "want to tour"}) ||
      out_.showing_request)
    out_.concrete_action = true;
}

void Reader::read_intent() {
  using enum Intent;
  const InboundKeyword keyword = classify_inbound(original_);
  if (keyword == InboundKeyword::kOptOut) { out_.intent = kOptOut; return; }
  if (keyword == InboundKeyword::kOptIn && context_.opted_out) { out_.intent = kOptIn; return; }
  if (keyword == InboundKeyword::kHelp) { out_.intent = kHelp; return; }
  const bool not_me = [&] {
    // "I'm not Maria": a capitalised name after "I'm not" in the original text.
    for (std::string_view opener : {"I'm not ", "Im not ", "I’m not ", "I am not ", "im not ", "i'm not ", "i am not "}) {
      const size_t at = original_.find(opener);
      if (at != std::string_view::npos && at + opener.size() < original_.size() &&
          std::isupper(static_cast<unsigned char>(original_[at + opener.size()])))
        return true;
    }
    return false;
  }();
  if (not_me || any({"wrong number", "wrong person", "dont know any jorge", "dont know a jorge", "dont know jorge",
                     "who is jorge", "numero equivocado", "numero incorrecto", "no conozco a", "not the right person",
                     "you have the wrong", "youve got the wrong", "no soy"}))
    { out_.intent = kWrongNumber; return; }
  const bool no_call = out_.no_call;
  if (!no_call && any({"call me", "can jorge call", "have jorge call", "jorge call me", "have someone call",
                       "someone call me", "talk to a real person", "talk to a person", "talk to someone",
                       "talk to jorge", "speak to jorge", "speak with jorge", "speak to someone", "speak to a person",
                       "speak with someone", "real person please", "talk to a human", "speak to a human",
                       "give me a call", "can you call", "call me back", "come look at the house",
                       "someone come look", "come see the house", "come out and see", "come by and look",
                       "me puede llamar", "me pueden llamar", "llamame", "llameme", "hablar con una persona",
                       "hablar con jorge", "talk with jorge", "ring me", "phone me", "want a real person",
                       "need a real person", "talk with a real person", "speak with a real person",
                       "speak to a real person", "can we talk", "can we hop on a call", "hop on a call"}))
    { out_.intent = kHumanRequest; return; }
  if (any({"not interested", "no thanks", "no thank you", "no thx", "already bought", "we bought", "just bought",
           "decided not to sell", "decided to stay", "stay put", "staying put", "were good", "we are good", "im good",
           "all set", "not selling", "not buying", "no longer", "changed our mind", "changed my mind",
           "not looking anymore", "not looking to", "no me interesa", "no nos interesa", "ya compramos",
           "ya vendimos", "no gracias", "already sold", "we sold", "took it off the market", "not anymore",
           "not moving", "not planning to", "no estamos interesados"}) &&
      !(sells_ && any({"not selling yet"})))
    { out_.intent = kNotInterested; return; }
  if (sells_ && buys_) { out_.intent = kBoth; return; }
  if (sells_) { out_.intent = kSell; return; }
  if (buys_) { out_.intent = kBuy; return; }
  if (rents_) { out_.intent = kRent; return; }
  if (out_.identity_question || out_.bot_question || out_.fees ||
      any({"how does this work", "what do you do", "are you an agent", "are you a realtor", "what is this",
           "whats this", "what is this about", "como funciona"}))
    { out_.intent = kQuestion; return; }
  // A message that states facts about a purchase or a sale is about buying or selling.
  bool buyer_fact = false, seller_fact = false;
  for (const auto& [slot, value] : out_.values) {
    switch (slot) {
      case Slot::kPriceExpectation: case Slot::kPropertyCondition: case Slot::kListed: case Slot::kListedWithAgent:
      case Slot::kPropertyAddress: case Slot::kPropertyArea: case Slot::kOccupancy: case Slot::kPropertyBeds:
      case Slot::kPropertyBaths: case Slot::kPropertyZip:
        seller_fact = true; break;
      case Slot::kWorkingWithAgent: break;
      case Slot::kTimelineMonths: case Slot::kMotivation: case Slot::kPropertyType:
        (selling_side() ? seller_fact : buyer_fact) = true; break;
      default: buyer_fact = true;
    }
  }
  if (buyer_fact && seller_fact) out_.intent = kBoth;
  else if (seller_fact) out_.intent = role_ == Role::kBoth ? kBoth : kSell;
  else if (buyer_fact) out_.intent = role_ == Role::kBoth ? kBoth : kBuy;
  else if (out_.showing_request || out_.listing_question) out_.intent = kBuy;
  else if (out_.legal || out_.fair_housing) out_.intent = kQuestion;
  if (out_.intent == kUnknown && role_ == Role::kUnknown && buyer_fact) role_ = Role::kBuyer;
}

Extraction Reader::run() {
  out_.language = language_of(text_);
  places_ = places_in(text_);
  read_sides();
  read_not_money_numbers();
  read_money();
  read_financing();
  read_timeline();
  read_places();
  read_rooms();
  read_property_type();
  read_motivation();
  read_condition();
  read_address();
  read_listing_and_agents();
  read_safety();
  read_intent();
  if (role_ == Role::kUnknown && (out_.intent == Intent::kBuy || out_.states(Slot::kBudgetMax) ||
                                  out_.states(Slot::kPreapprovalAmount) || out_.states(Slot::kFinancingStatus)))
    role_ = Role::kBuyer;
  if (role_ == Role::kUnknown && out_.intent == Intent::kSell) role_ = Role::kSeller;
  if (out_.intent == Intent::kBoth) role_ = Role::kBoth;
  out_.role = role_;
  return std::move(out_);
}

}  // namespace

Extraction extract(std::string_view text, const ExtractContext& context) { return Reader(text, context).run(); }

}  // namespace jorge::bots
