#include "bots/templates.hpp"

#include <array>

namespace jorge::bots {
namespace {

using enum Level;
constexpr Level P = kProfessionalDirect, S = kStandard, X = kExtraDirect;

// clang-format off
constexpr Template kTemplates[] = {
  // The first message (§14 greeting phrase). {question} is the first slot question when the
  // phrase has none of its own; the "!" of v1 is the one allowed exclamation.
  {"greeting_v1", "en", S, "Hey there! Jorge here with {team}. Let's talk real estate. {question}"},
  {"greeting_v2", "en", S, "What's up, Jorge here with {team}. Ready to find your spot?"},
  {"greeting_v3", "en", S, "Jorge here with {team}. Looking to buy or just browsing?"},
  {"greeting_v1", "es", S, "¡Hola! Soy Jorge, de {team}. Hablemos de bienes raíces. {question}"},
  {"greeting_v2", "es", S, "Qué tal, soy Jorge, de {team}. ¿Listo para encontrar tu lugar?"},
  {"greeting_v3", "es", S, "Soy Jorge, de {team}. ¿Buscas comprar o solo estás viendo?"},

  // Questions, in the three confrontation levels.
  {"ask_role", "en", S, "Quick one: are you buying, selling, or both?"},
  {"ask_role", "en", P, "To point you the right way: are you buying, selling, or both?"},
  {"ask_role", "en", X, "Straight answer: buying, selling, or both?"},
  {"ask_role", "es", S, "Rápido: ¿vas a comprar, vender o las dos cosas?"},
  {"push_role", "en", S, "Help me out here. Is this about a home to buy or one to sell?"},
  {"push_role", "es", S, "Ayúdame con esto. ¿Es para comprar una casa o para vender una?"},
  {"ask_timeline", "en", S, "{ack} When do you need to be in the new place?"},
  {"ask_timeline", "en", P, "{ack} What timeframe are you working with for the move?"},
  {"ask_timeline", "en", X, "{ack} Give me a date. When do you need to be moved in?"},
  {"ask_timeline", "es", S, "{ack} ¿Para cuándo necesitas mudarte?"},
  {"ask_timeline", "es", P, "{ack} ¿Con qué plazo cuentas para la mudanza?"},
  {"ask_timeline", "es", X, "{ack} Dame una fecha. ¿Para cuándo te tienes que mudar?"},
  {"push_timeline", "en", S, "'Soon' isn't a date. Are we talking 30 days, 3 months, or next year?"},
  {"push_timeline", "en", P, "To plan this right I need a rough date. 30 days, 3 months, or later?"},
  {"push_timeline", "en", X, "'Soon' tells me nothing. 30 days, 3 months, or next year?"},
  {"push_timeline", "es", S, "'Pronto' no es una fecha. ¿Hablamos de 30 días, 3 meses o el año que viene?"},
  {"ask_budget", "en", S, "{ack} What's the most you want to spend?"},
  {"ask_budget", "en", P, "{ack} What price range are you comfortable with?"},
  {"ask_budget", "en", X, "{ack} Give me your top number. What's the most you'll spend?"},
  {"ask_budget", "es", S, "{ack} ¿Cuánto es lo máximo que quieres gastar?"},
  {"ask_budget", "es", P, "{ack} ¿Qué rango de precio te queda cómodo?"},
  {"ask_budget", "es", X, "{ack} Dame tu número tope. ¿Cuánto es lo máximo?"},
  {"push_budget", "en", S, "Give me a number. Under 400, 400 to 600, or more?"},
  {"push_budget", "en", P, "A rough range is enough. Under 400, 400 to 600, or more?"},
  {"push_budget", "en", X, "I can't help without a number. Under 400, 400 to 600, or more?"},
  {"push_budget", "es", S, "Dame un número. ¿Menos de 400 mil, de 400 a 600 mil, o más?"},
  {"ask_financing", "en", S, "{ack} Are you pre-approved, paying cash, or haven't talked to a lender yet?"},
  {"ask_financing", "en", P, "{ack} How are you financing: pre-approved, cash, or not started with a lender?"},
  {"ask_financing", "en", X, "{ack} Money talk: pre-approved, cash, or no lender yet?"},
  {"ask_financing", "es", S, "{ack} ¿Ya tienes preaprobación, pagas de contado, o no has hablado con un banco?"},
  {"ask_financing", "es", P, "{ack} ¿Cómo vas a financiar: preaprobación, contado, o aún sin banco?"},
  {"ask_financing", "es", X, "{ack} Hablemos de dinero: ¿preaprobado, contado, o sin banco todavía?"},
  {"ask_area", "en", S, "{ack} Which part of town: Round Rock, South Austin, somewhere else?"},
  {"ask_area", "en", P, "{ack} Which areas are you considering: Round Rock, South Austin, elsewhere?"},
  {"ask_area", "en", X, "{ack} Pick a part of town. Round Rock, South Austin, somewhere else?"},
  {"ask_area", "es", S, "{ack} ¿En qué zona: Round Rock, el sur de Austin, otra parte?"},
  {"ask_area_browsing", "en", S, "Fair. Which part of town are you browsing?"},
  {"ask_area_browsing", "es", S, "Va. ¿En qué zona estás viendo?"},
  {"ask_property", "en", S, "{ack} House, condo or townhome, and how many bedrooms?"},
  {"ask_property", "en", P, "{ack} What type of home and how many bedrooms do you need?"},
  {"ask_property", "en", X, "{ack} House, condo or townhome, and what is your minimum on bedrooms?"},
  {"ask_property", "es", S, "{ack} ¿Casa, condominio o townhome, y cuántas recámaras?"},
  {"ask_motivation", "en", S, "{ack} What's making you move now?"},
  {"ask_motivation", "en", P, "{ack} What's prompting the move?"},
  {"ask_motivation", "en", X, "{ack} What's pushing the move right now?"},
  {"ask_motivation", "es", S, "{ack} ¿Qué te hace mudarte ahora?"},
  {"ask_seller_motivation", "en", S, "{ack} What's got you thinking about selling, and where would you go?"},
  {"ask_seller_motivation", "en", P, "{ack} What's behind the decision to sell, and where would you go next?"},
  {"ask_seller_motivation", "en", X, "{ack} Why sell, and where are you headed after?"},
  {"ask_seller_motivation", "es", S, "{ack} ¿Por qué piensas vender, y a dónde te irías?"},
  {"ask_seller_timeline", "en", S, "{ack} If we sold it in the next 30 to 45 days, would that be a problem?"},
  {"ask_seller_timeline", "en", P, "{ack} Would a sale in the next 30 to 45 days work for you?"},
  {"ask_seller_timeline", "en", X, "{ack} If it sold in 30 to 45 days, could you be out?"},
  {"ask_seller_timeline", "es", S, "{ack} Si la vendemos en los próximos 30 a 45 días, ¿sería un problema?"},
  {"push_seller_timeline", "en", S, "Give me a month to work with: this summer, this fall, next year?"},
  {"push_seller_timeline", "en", P, "Which month would work best for you: this summer, this fall, later?"},
  {"push_seller_timeline", "en", X, "I need a month. This summer, this fall, or next year?"},
  {"push_seller_timeline", "es", S, "Dame un mes para trabajar: ¿este verano, este otoño, el año que viene?"},
  {"ask_condition", "en", S, "{ack} Be straight with me: move-in ready, or does it need work?"},
  {"ask_condition", "en", P, "{ack} How would you describe the condition: move-in ready, or needs work?"},
  {"ask_condition", "en", X, "{ack} No sugarcoating: move-in ready, or does it need work?"},
  {"ask_condition", "es", S, "{ack} Dime la verdad: ¿está lista para mudarse o necesita trabajo?"},
  {"push_condition", "en", S, "Anything big like roof or foundation, or just cosmetic?"},
  {"push_condition", "es", S, "¿Algo grande como techo o cimientos, o solo detalles?"},
  {"ask_price", "en", S, "{ack} What price would actually get you to sell?"},
  {"ask_price", "en", P, "{ack} What price would you need to make the sale worth it?"},
  {"ask_price", "en", X, "{ack} What's your number? The one that gets you to sign."},
  {"ask_price", "es", S, "{ack} ¿Qué precio te haría vender de verdad?"},
  {"push_price", "en", S, "Everyone wants what it's worth. What number gets you packing?"},
  {"push_price", "en", P, "Understood you want full value. What figure would you accept?"},
  {"push_price", "en", X, "Everyone says 'what it's worth'. Give me the number."},
  {"push_price", "es", S, "Todos quieren lo que vale. ¿Qué número te hace empacar?"},
  {"ask_address", "en", S, "{ack} What's the address?"},
  {"ask_address", "es", S, "{ack} ¿Cuál es la dirección?"},
  {"ask_listed", "en", S, "{ack} Is it listed with anyone right now?"},
  {"ask_listed", "es", S, "{ack} ¿Está listada con alguien ahora mismo?"},

  // Answers to the lead's own questions (§10.5).
  {"identity", "en", S, "It's Jorge with {team}, Austin real estate. You asked about {source_topic}. Still {buying_or_selling}?"},
  {"identity", "es", S, "Soy Jorge, de {team}, bienes raíces en Austin. Preguntaste por {source_topic}. ¿Sigues con la idea de {buying_or_selling}?"},
  {"bot_disclosure", "en", S, "I'm Jorge's automated assistant. Want Jorge himself? Say so and he'll call."},
  {"bot_disclosure", "es", S, "Soy el asistente automático de Jorge. ¿Quieres hablar con Jorge? Dilo y te llama."},

  // Handoffs (§9.1): the bot's last message before a human takes over.
  {"handoff_hot", "en", S, "{name}, you're ready. Jorge needs to talk to you today. What time works for a quick call?"},
  {"handoff_hot", "es", S, "{name}, estás listo. Jorge necesita hablar contigo hoy. ¿A qué hora te llama?"},
  {"handoff_human", "en", S, "Done. Jorge will call you himself. What time works best?"},
  {"handoff_human", "es", S, "Listo. Jorge te llama en persona. ¿A qué hora te queda mejor?"},
  {"handoff_showing", "en", S, "Jorge handles showings himself. He'll reach out shortly to set it up."},
  {"handoff_showing", "es", S, "Jorge se encarga de las visitas en persona. Te contacta pronto para organizarla."},
  {"handoff_fees", "en", S, "Fees are a conversation with Jorge, not a text. He'll call you."},
  {"handoff_fees", "es", S, "Las comisiones se hablan con Jorge, no por mensaje. Él te llama."},
  {"handoff_legal", "en", S, "That one needs Jorge, not a text. He'll reach out."},
  {"handoff_legal", "es", S, "Eso lo tiene que ver Jorge, no un mensaje. Te contacta él."},
  {"handoff_angry", "en", S, "Understood. I'll have Jorge reach out to you directly."},
  {"handoff_angry", "es", S, "Entendido. Jorge te contacta directamente."},
  {"handoff_stuck", "en", S, "I'll have Jorge reach out so we don't go in circles."},
  {"handoff_stuck", "es", S, "Le pido a Jorge que te contacte para no dar vueltas."},
  {"fair_housing_redirect", "en", S, "I don't rate areas on safety, schools or who lives there. APD crime maps and the school district's site have the facts. What do you need in the house?"},
  {"fair_housing_redirect", "es", S, "No califico zonas por seguridad, escuelas o quién vive ahí. Los mapas de APD y el sitio del distrito escolar tienen los datos. ¿Qué necesitas en la casa?"},

  // Booking the call after a handoff asked "what time works" (#19): a slot on the team's calendar,
  // named in the lead's zone, or two free ones near the time asked.
  {"booking_confirmed", "en", S, "Booked: {slot}, your time. Jorge will call you then."},
  {"booking_confirmed", "es", S, "Listo: {slot}, tu hora. Jorge te llama entonces."},
  {"booking_offer", "en", S, "That time's taken. Jorge can do {slot} or {other_slot}. Which one works?"},
  {"booking_offer", "es", S, "Esa hora está ocupada. Jorge puede {slot} o {other_slot}. ¿Cuál te sirve?"},
  {"booking_offer_one", "en", S, "That time's taken. Jorge can do {slot}. Does that work?"},
  {"booking_offer_one", "es", S, "Esa hora está ocupada. Jorge puede {slot}. ¿Te sirve?"},
  {"booking_full", "en", S, "Jorge's calendar is full that week. He'll call you to set a time."},
  {"booking_full", "es", S, "La agenda de Jorge está llena esa semana. Él te llama para fijar una hora."},

  // A task for a human while the bot keeps qualifying (§9.2).
  {"listing_task", "en", S, "Checking on that one, Jorge will confirm. Meanwhile: {next_question}"},
  {"listing_task", "es", S, "Lo reviso, Jorge te confirma. Mientras tanto: {next_question}"},

  // Closes (§9.3).
  {"close_not_interested", "en", S, "Got it. I won't bug you. If that changes, text me."},
  {"close_not_interested", "es", S, "Entendido. No te molesto más. Si algo cambia, escríbeme."},
  {"close_wrong_number", "en", S, "Sorry about that, we'll take this number off our list."},
  {"close_wrong_number", "es", S, "Perdón por la molestia, quitamos este número de la lista."},
  {"close_other_agent", "en", S, "Got it, you're already working with an agent. I won't step on that. Good luck."},
  {"close_other_agent", "es", S, "Entendido, ya trabajas con un agente. No me meto. Mucha suerte."},
  {"close_rent", "en", S, "We only do sales, not rentals. Good luck with the search."},
  {"close_rent", "es", S, "Solo hacemos ventas, no rentas. Suerte con la búsqueda."},

  // Compliance (§10.1, §10.2): fixed words, never rephrased.
  {"stop_confirm", "en", S, "You're unsubscribed from Jorge's team texts. No more messages. Reply START to opt back in."},
  {"stop_confirm", "es", S, "Ya no recibirás mensajes del equipo de Jorge. Responde START para volver a suscribirte."},
  {"start_confirm", "en", S, "You're back on. Jorge's team here. Buying or selling?"},
  {"start_confirm", "es", S, "Estás de vuelta. Aquí el equipo de Jorge. ¿Compras o vendes?"},
  {"help", "en", S, "{team}, Austin TX real estate. Questions: call {team_phone}. Reply STOP to opt out."},
  {"help", "es", S, "{team}, bienes raíces en Austin TX. Dudas: llama al {team_phone}. Responde STOP para no recibir más."},

  // Nurture (§6).
  {"nurture_checkin", "en", S, "Jorge here. Still planning to {buy_or_sell} by {timeline_text}, or did things change?"},
  {"nurture_checkin", "es", S, "Aquí Jorge. ¿Sigues pensando en {buy_or_sell} para {timeline_text}, o cambió algo?"},
  {"nurture_checkin_open", "en", S, "Jorge here. Still thinking about a move, or did things change?"},
  {"nurture_checkin_open", "es", S, "Aquí Jorge. ¿Sigues pensando en mudarte, o cambió algo?"},
  {"nurture_ack", "en", S, "{ack} That's what I need for now. I'll keep an eye out and check in."},
  {"nurture_ack", "es", S, "{ack} Con eso me basta por ahora. Estoy pendiente y te escribo."},
};
// clang-format on

constexpr std::array<std::string_view, 3> kLevelNames = {"professional_direct", "standard", "extra_direct"};

bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::string_view level_name(Level level) { return kLevelNames[static_cast<size_t>(level)]; }
std::optional<Level> parse_level(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == name) return static_cast<Level>(i);
  return std::nullopt;
}

std::span<const Template> all_templates() { return kTemplates; }

const Template* find_template(std::string_view key, std::string_view language, Level level) {
  const Template* fallback = nullptr;
  const Template* english = nullptr;
  for (const Template& entry : kTemplates) {
    if (entry.key != key) continue;
    if (entry.language == language && entry.level == level) return &entry;
    if (entry.language == language && entry.level == kStandard) fallback = &entry;
    if (entry.language == "en" && entry.level == kStandard && !english) english = &entry;
  }
  return fallback ? fallback : english;
}

std::string render(std::string_view text, const Variables& variables) {
  std::string out;
  out.reserve(text.size() + 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      const size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = text.substr(i + 1, close - i - 1);
        for (const auto& [key, value] : variables)
          if (key == name) { out += value; break; }
        i = close;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  // Tidy what empty placeholders leave: "  ", " ?", a leading ", ".
  std::string tidy;
  tidy.reserve(out.size());
  for (char c : out) {
    if (c == ' ' && (tidy.empty() || tidy.back() == ' ')) continue;
    if ((c == ',' || c == '.' || c == '?' || c == ':') && !tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    if (c == ',' && tidy.empty()) continue;
    tidy.push_back(c);
  }
  while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
  size_t start = 0;
  while (start < tidy.size() && (tidy[start] == ' ' || tidy[start] == ',')) ++start;
  tidy.erase(0, start);
  if (!tidy.empty() && is_ascii_lower(tidy[0])) tidy[0] = static_cast<char>(tidy[0] - 'a' + 'A');
  return tidy;
}

}  // namespace jorge::bots
