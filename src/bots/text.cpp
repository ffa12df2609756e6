#include "bots/text.hpp"

#include <algorithm>
#include <unordered_set>

namespace jorge::bots {

char32_t next_code_point(std::string_view text, size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i++]);
  if (lead < 0x80) return lead;
  const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t code = lead & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) return 0xFFFD;
    code = (code << 6) | (static_cast<unsigned char>(text[i++]) & 0x3F);
  }
  return code;
}

char ascii_letter(char32_t code) {
  if (code < 0x80) {
    const char c = static_cast<char>(code);
    if (c >= 'A' && c <= 'Z') return static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return c;
    return 0;
  }
  static constexpr std::pair<char32_t, char> kFolded[] = {
      {U'á', 'a'}, {U'à', 'a'}, {U'ä', 'a'}, {U'â', 'a'}, {U'Á', 'a'}, {U'é', 'e'}, {U'è', 'e'}, {U'ë', 'e'},
      {U'ê', 'e'}, {U'É', 'e'}, {U'í', 'i'}, {U'ì', 'i'}, {U'ï', 'i'}, {U'î', 'i'}, {U'Í', 'i'}, {U'ó', 'o'},
      {U'ò', 'o'}, {U'ö', 'o'}, {U'ô', 'o'}, {U'Ó', 'o'}, {U'ú', 'u'}, {U'ù', 'u'}, {U'ü', 'u'}, {U'û', 'u'},
      {U'Ú', 'u'}, {U'Ü', 'u'}, {U'ñ', 'n'}, {U'Ñ', 'n'}, {U'ç', 'c'}, {U'Ç', 'c'}};
  for (const auto& [from, to] : kFolded)
    if (from == code) return to;
  return 0;
}

namespace {

bool is_apostrophe(char32_t code) { return code == '\'' || code == U'’' || code == U'‘' || code == U'ʼ' || code == '`'; }
bool word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// FNV-1a, folded so the low 8 bits pick one of 256 bits.
std::uint64_t word_hash(std::string_view word) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : word) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h ^ (h >> 29) ^ (h >> 47);
}

}  // namespace

FoldedText::FoldedText(std::string_view original) {
  original = original.substr(0, 2048);  // an SMS is at most a few segments; the rest is noise
  folded_.reserve(original.size());
  for (size_t i = 0; i < original.size();) {
    const char32_t code = next_code_point(original, i);
    if (const char letter = ascii_letter(code)) {
      folded_.push_back(letter);
    } else if (is_apostrophe(code)) {
      // "what's" reads as "whats"; a quote around words is a space.
      const bool inside = !folded_.empty() && word_char(folded_.back()) && i < original.size() &&
                          ascii_letter(static_cast<unsigned char>(original[i])) != 0;
      if (!inside) folded_.push_back(' ');
    } else if (code < 0x80 && std::string_view("$,./-+~%:?!&#;()").find(static_cast<char>(code)) != std::string_view::npos) {
      folded_.push_back(static_cast<char>(code));
    } else if (code == U'–' || code == U'—') {
      folded_.push_back('-');
    } else if (code == U'¿' || code == U'¡') {
      folded_.push_back(' ');
    } else if (!folded_.empty() && folded_.back() != ' ') {
      folded_.push_back(' ');  // spaces, emoji, symbols
    }
  }
  while (!folded_.empty() && folded_.back() == ' ') folded_.pop_back();
  for (size_t i = 0; i < folded_.size() && words_.size() < 400;) {
    if (!word_char(folded_[i])) { ++i; continue; }
    Word word;
    word.start = i;
    while (i < folded_.size() && word_char(folded_[i])) ++i;
    word.end = i;
    word.text = folded_.substr(word.start, word.end - word.start);
    words_.push_back(std::move(word));
  }
  for (Word& word : words_) {
    const std::uint64_t h = word.hash = word_hash(word.text);
    word_bits_[(h >> 6) & 3] |= std::uint64_t{1} << (h & 63);
    const std::uint64_t p = word_hash(std::string_view(word.text).substr(0, 2));
    prefix_bits_[(p >> 6) & 3] |= std::uint64_t{1} << (p & 63);
  }
}

bool FoldedText::may_start(std::string_view prefix) const {
  if (prefix.size() < 2) return true;
  const std::uint64_t p = word_hash(prefix.substr(0, 2));
  return (prefix_bits_[(p >> 6) & 3] >> (p & 63)) & 1;
}

bool FoldedText::may_contain(std::string_view word) const {
  const std::uint64_t h = word_hash(word);
  return (word_bits_[(h >> 6) & 3] >> (h & 63)) & 1;
}

bool FoldedText::matches(size_t at, std::string_view phrase, size_t* length) const {
  size_t k = at;
  while (!phrase.empty()) {
    const size_t space = phrase.find(' ');
    std::string_view part = phrase.substr(0, space);
    phrase = space == std::string_view::npos ? std::string_view() : phrase.substr(space + 1);
    if (k >= words_.size()) return false;
    const std::string& word = words_[k].text;
    if (!part.empty() && part.back() == '*') {
      part.remove_suffix(1);
      if (word.compare(0, part.size(), part) != 0) return false;
    } else if (word != part) {
      return false;
    }
    ++k;
  }
  if (length) *length = k - at;
  return true;
}

size_t FoldedText::find(std::string_view phrase, size_t from) const {
  // Most phrases are absent: rule them out by their first word before scanning.
  const std::string_view first = phrase.substr(0, phrase.find(' '));
  if (first.empty() || first.back() == '*') {
    if (!first.empty() && !may_start(first.substr(0, first.size() - 1))) return npos;
    for (size_t i = from; i < words_.size(); ++i)
      if (matches(i, phrase)) return i;
    return npos;
  }
  const std::uint64_t h = word_hash(first);
  if (!((word_bits_[(h >> 6) & 3] >> (h & 63)) & 1)) return npos;
  for (size_t i = from; i < words_.size(); ++i)
    if (words_[i].hash == h && matches(i, phrase)) return i;
  return npos;
}

bool FoldedText::has_any(std::initializer_list<std::string_view> phrases) const {
  return find_any(phrases) != npos;
}

size_t FoldedText::find_any(std::initializer_list<std::string_view> phrases, size_t from) const {
  size_t best = npos;
  for (std::string_view phrase : phrases) best = std::min(best, find(phrase, from));
  return best;
}

bool FoldedText::preceded_by(size_t at, std::initializer_list<std::string_view> phrases, size_t span) const {
  const size_t first = at > span ? at - span : 0;
  for (std::string_view phrase : phrases) {
    const std::string_view head = phrase.substr(0, phrase.find(' '));
    if (!head.empty() && (head.back() == '*' ? !may_start(head.substr(0, head.size() - 1)) : !may_contain(head))) continue;
    for (size_t i = first; i < at; ++i) {
      size_t length = 0;
      if (matches(i, phrase, &length) && i + length <= at) return true;
    }
  }
  return false;
}

size_t FoldedText::word_at_byte(size_t offset) const {
  for (size_t i = 0; i < words_.size(); ++i)
    if (offset >= words_[i].start && offset < words_[i].end) return i;
  return words_.size();
}

std::string language_of(const FoldedText& text) {
  static constexpr std::string_view kSpanish[] = {
      "hola", "busco", "buscando", "casa", "quiero", "tengo", "tenemos", "para", "una", "por", "favor", "gracias",
      "necesito", "vender", "comprar", "cuando", "mi", "mis", "nuestra", "es", "esta", "estoy", "donde", "cuanto",
      "meses", "mes", "ano", "anos", "que", "con", "mil", "pero", "si", "como", "vendo", "queremos", "los", "las",
      "el", "la", "de", "en", "y", "no", "me", "se", "recamaras", "preaprobado", "preaprobacion", "ya", "muy",
      "bien", "pronto", "quien", "eres", "llamar", "puede", "mudarnos", "mudarme", "trabajo", "hasta", "menos",
      "te", "tu", "lo", "del", "al", "hoy", "hora", "contigo", "necesita", "estas", "listo", "lista", "entendido",
      "sigues", "quieres", "dime", "solo", "suerte", "mucha", "hacemos", "quitamos", "numero", "perdon",
      "escribeme", "molesto", "mas", "cambia", "algo", "ahi", "zona", "mudarte", "gastar", "dinero", "banco",
      "ahora", "vas", "rapido", "dame", "ayudame", "aqui", "equipo", "vuelta", "compras", "vendes", "responde",
      "recibir", "llama", "dudas", "bienes", "raices", "soy", "nos", "tenemos", "vendemos", "casas", "precio",
      "cuantas", "recamaras", "dirección", "direccion", "donde", "pero", "porque", "ya", "tambien", "usted",
      "ustedes", "necesitamos", "queremos", "busca", "mejor", "hablemos", "listos", "entonces", "claro", "vez",
      "gracias", "mientras", "tanto", "reviso", "confirma", "visitas", "encarga", "organizarla", "comisiones",
      "hablan", "mensaje", "mensajes", "contacta", "directamente", "pido", "vueltas", "calificar", "sitio", "datos",
      "necesitas", "casa", "ventas", "rentas", "busqueda", "bastante", "pendiente", "escribo", "basta", "mudarse",
      "sigue", "cambio", "para", "plazo", "mudanza", "cuentas", "tope", "rango", "comodo", "financiar", "contado"};
  static constexpr std::string_view kEnglish[] = {
      "the", "i", "we", "my", "our", "is", "are", "to", "for", "and", "looking", "house", "home", "want", "need",
      "have", "in", "of", "it", "a", "this", "that", "what", "when", "sell", "buy", "with", "you", "on", "at",
      "just", "yes", "thanks", "months", "by", "be", "not", "can", "im", "its", "would", "about", "up", "get"};
  static const std::unordered_set<std::string_view> spanish_words(std::begin(kSpanish), std::end(kSpanish));
  static const std::unordered_set<std::string_view> english_words(std::begin(kEnglish), std::end(kEnglish));
  int spanish = 0, english = 0;
  for (const Word& word : text.words()) {
    // Words both languages write ("no", "me", "a", "mi") count for Spanish only next to
    // unambiguous ones, so "no" alone stays English.
    if (spanish_words.count(word.text)) ++spanish;
    if (english_words.count(word.text)) ++english;
  }
  for (std::string_view shared : {"no", "me", "si", "es", "y"})
    if (text.has(shared)) --spanish;
  return spanish > english && spanish >= 1 ? "es" : "en";
}

}  // namespace jorge::bots
