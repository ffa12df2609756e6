#include "ingest/email/lead_email.hpp"

#include <gmime/gmime.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/bytes.hpp"
#include "core/text.hpp"
#include "ingest/normalise.hpp"

namespace jorge::ingest {
namespace {

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, "e-mail: " + std::move(message)}; }

std::string trim(std::string_view text) {
  size_t start = 0, end = text.size();
  while (start < end && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  while (end > start && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(start, end - start));
}

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

// What one message says, with GMime's decoding done (text is UTF-8).
struct MailView {
  std::string message_id, subject, from_name, from_address, reply_to, plain, html;
  SystemTime date{};
  std::unique_ptr<MailView> attached;  // an original attached as message/rfc822
};

struct GObjectUnref {
  void operator()(void* object) const { if (object) g_object_unref(object); }
};

std::string first_mailbox(InternetAddressList* list, bool name) {
  if (!list || internet_address_list_length(list) == 0) return {};
  InternetAddress* address = internet_address_list_get_address(list, 0);
  if (name) return internet_address_get_name(address) ? internet_address_get_name(address) : "";
  if (!INTERNET_ADDRESS_IS_MAILBOX(address)) return {};
  const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
  return addr ? addr : "";
}

void collect_parts(GMimeObject* part, MailView& view, int depth);

MailView view_of(GMimeMessage* message, int depth) {
  MailView view;
  if (const char* id = g_mime_message_get_message_id(message)) view.message_id = id;
  if (const char* subject = g_mime_message_get_subject(message)) view.subject = subject;
  view.from_name = first_mailbox(g_mime_message_get_from(message), true);
  view.from_address = ascii_lower(first_mailbox(g_mime_message_get_from(message), false));
  view.reply_to = ascii_lower(first_mailbox(g_mime_message_get_reply_to(message), false));
  if (GDateTime* date = g_mime_message_get_date(message)) {
    int64_t seconds = g_date_time_to_unix(date);
    if (seconds > 0 && seconds < 4'102'444'800) view.date = SystemTime{} + std::chrono::seconds(seconds);  // before 2100
  }
  if (GMimeObject* body = g_mime_message_get_mime_part(message)) collect_parts(body, view, depth);
  return view;
}

void collect_parts(GMimeObject* part, MailView& view, int depth) {
  if (GMIME_IS_MULTIPART(part)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(part);
    for (int i = 0; i < g_mime_multipart_get_count(multipart); ++i)
      collect_parts(g_mime_multipart_get_part(multipart, i), view, depth);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (inner && depth == 0 && !view.attached) view.attached = std::make_unique<MailView>(view_of(inner, depth + 1));
    return;
  }
  if (!GMIME_IS_TEXT_PART(part)) return;  // images, files
  GMimeContentType* type = g_mime_object_get_content_type(part);
  bool plain = g_mime_content_type_is_type(type, "text", "plain");
  bool html = g_mime_content_type_is_type(type, "text", "html");
  if (!plain && !html) return;
  std::unique_ptr<char, decltype(&g_free)> text(g_mime_text_part_get_text(GMIME_TEXT_PART(part)), &g_free);
  if (!text) return;
  std::string& slot = plain ? view.plain : view.html;
  if (slot.empty()) slot = text.get();
}

std::string decode_entity(std::string_view entity) {
  static const std::map<std::string, std::string, std::less<>> kNamed = {
      {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "},
      {"ndash", "\xE2\x80\x93"}, {"mdash", "\xE2\x80\x94"}, {"rsquo", "\xE2\x80\x99"}, {"lsquo", "\xE2\x80\x98"},
      {"ldquo", "\xE2\x80\x9C"}, {"rdquo", "\xE2\x80\x9D"}, {"hellip", "\xE2\x80\xA6"}};
  if (!entity.empty() && entity[0] == '#') {
    unsigned long code = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X')
                             ? std::strtoul(std::string(entity.substr(2)).c_str(), nullptr, 16)
                             : std::strtoul(std::string(entity.substr(1)).c_str(), nullptr, 10);
    if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
    std::string out;
    if (code < 0x80) out.push_back(static_cast<char>(code));
    else if (code < 0x800) { out.push_back(static_cast<char>(0xC0 | (code >> 6))); out.push_back(static_cast<char>(0x80 | (code & 0x3F))); }
    else if (code < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
    return out;
  }
  auto found = kNamed.find(ascii_lower(entity));
  return found == kNamed.end() ? std::string() : found->second;
}

// Known labels of lead e-mails, lower case, to the field they give.
const std::map<std::string, std::string, std::less<>>& labels() {
  static const std::map<std::string, std::string, std::less<>> map = {
      {"name", "name"}, {"full name", "name"}, {"contact name", "name"}, {"first name", "first_name"},
      {"last name", "last_name"}, {"phone", "phone"}, {"phone number", "phone"}, {"mobile", "phone"},
      {"cell", "phone"}, {"telephone", "phone"}, {"email", "email"}, {"e-mail", "email"},
      {"email address", "email"}, {"message", "message"}, {"comments", "message"}, {"comment", "message"},
      {"question", "message"}, {"property", "property"}, {"property address", "property"},
      {"address", "address"}, {"price", "price"}, {"list price", "price"}, {"pre-approved", "pre_approved"},
      {"preapproved", "pre_approved"}, {"credit score", "credit_score"}, {"move in", "move_in"},
      {"move-in", "move_in"}, {"timeline", "move_in"}, {"timeframe", "move_in"}, {"budget", "budget"},
      {"mls id", "mls_id"}, {"mls #", "mls_id"}, {"beds", "beds"}};
  return map;
}

// The field a "Label: value" line starts with, and where its value starts; nothing otherwise.
std::optional<std::pair<std::string, size_t>> label_of(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 24) return std::nullopt;
  auto found = labels().find(ascii_lower(trim(line.substr(0, colon))));
  if (found == labels().end()) return std::nullopt;
  return std::make_pair(found->second, colon + 1);
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(trim(text.substr(start, end - start)));
    start = end + 1;
  }
  return lines;
}

// Field -> value lines. A value is on the label's line, or on the lines after it (until a
// blank line or the next label): "Phone Number:" followed by a blank line is no phone.
std::map<std::string, std::vector<std::string>> labelled_values(const std::vector<std::string>& lines) {
  std::map<std::string, std::vector<std::string>> values;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto label = label_of(lines[i]);
    if (!label || values.count(label->first)) continue;
    std::string inline_value = trim(std::string_view(lines[i]).substr(label->second));
    std::vector<std::string>& slot = values[label->first];
    if (!inline_value.empty()) {
      slot.push_back(inline_value);
      continue;
    }
    size_t j = i + 1;
    while (j < lines.size() && lines[j].empty() && j < i + 3) ++j;  // the value may sit after a blank
    for (; j < lines.size() && !lines[j].empty() && !label_of(lines[j]); ++j) slot.push_back(lines[j]);
  }
  return values;
}

struct Place {
  std::string street, city, state, zip;
};

// "4407 Avenue C, Austin, TX 78751", "4210 Avenue G, Austin TX 78751", or two lines
// {"2209 Kenwood Ave", "Austin, TX 78704"}.
Place place_of(const std::vector<std::string>& value_lines) {
  std::string text;
  for (const auto& line : value_lines) text += (text.empty() ? "" : ", ") + line;
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string part = trim(std::string_view(text).substr(start, end - start));
    if (!part.empty()) parts.push_back(part);
    start = end + 1;
  }
  Place place;
  if (parts.empty()) return place;
  place.street = parts[0];
  // The tail "TX 78751" or "Austin TX 78751": ZIP last, state before it, the rest the city.
  std::vector<std::string> words;
  for (size_t i = 1; i < parts.size(); ++i) {
    size_t at = 0;
    std::string part = parts[i];
    while (at < part.size()) {
      size_t space = part.find(' ', at);
      if (space == std::string::npos) space = part.size();
      if (space > at) words.push_back(part.substr(at, space - at));
      at = space + 1;
    }
    if (i + 1 < parts.size()) words.push_back(",");
  }
  if (!words.empty() && words.back().size() >= 5 && std::isdigit(static_cast<unsigned char>(words.back()[0]))) {
    place.zip = normalise_postal_code(words.back());
    words.pop_back();
  }
  if (!words.empty() && words.back().size() == 2 && std::isalpha(static_cast<unsigned char>(words.back()[0]))) {
    place.state = normalise_state(words.back());
    words.pop_back();
  }
  for (const auto& word : words) {
    if (word == ",") continue;
    place.city += (place.city.empty() ? "" : " ") + word;
  }
  return place;
}

std::string joined(const std::vector<std::string>& lines, const char* separator = " ") {
  std::string out;
  for (const auto& line : lines) out += (out.empty() ? "" : separator) + line;
  return out;
}

// A "---------- Forwarded message ---------" block: the original's From and Subject, and the
// text after the block.
struct InlineForward {
  std::string from, subject, body;
};
std::optional<InlineForward> inline_forward(const std::string& text) {
  size_t marker = text.find("Forwarded message");
  if (marker == std::string::npos) marker = text.find("Original Message");
  if (marker == std::string::npos) return std::nullopt;
  InlineForward forward;
  size_t line_start = text.find('\n', marker);
  while (line_start != std::string::npos) {
    size_t end = text.find('\n', line_start + 1);
    std::string line = trim(std::string_view(text).substr(line_start + 1, end == std::string::npos ? std::string::npos
                                                                                                     : end - line_start - 1));
    if (line.empty()) {
      forward.body = end == std::string::npos ? "" : text.substr(end + 1);
      break;
    }
    std::string lowered = ascii_lower(line);
    if (lowered.rfind("from:", 0) == 0) forward.from = trim(line.substr(5));
    if (lowered.rfind("subject:", 0) == 0) forward.subject = trim(line.substr(8));
    line_start = end;
  }
  return forward;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string tag = ascii_lower(html.substr(i + 1, end - i - 1));
      std::string name = tag.substr(0, tag.find_first_of(" \t\r\n/", tag[0] == '/' ? 1 : 0));
      if (name == "style" || name == "script" || name == "head") {
        size_t close = ascii_lower(html.substr(end)).find("</" + name);
        i = close == std::string::npos ? html.size() : end + close;
        continue;
      }
      if (name == "br" || name == "/p" || name == "/div" || name == "/tr" || name == "/td" || name == "/th" ||
          name == "/li" || name == "p" || name == "/table" || (name.size() == 3 && name[0] == '/' && name[1] == 'h'))
        out.push_back('\n');
      i = end + 1;
    } else if (c == '&') {
      size_t semicolon = html.find(';', i);
      if (semicolon != std::string_view::npos && semicolon - i <= 10) {
        out += decode_entity(html.substr(i + 1, semicolon - i - 1));
        i = semicolon + 1;
      } else {
        out.push_back(c);
        ++i;
      }
    } else {
      out.push_back(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
      ++i;
    }
  }
  return out;
}

Result<InboundEvent> parse_lead_email(std::string_view raw_message, std::string_view generic_source) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { g_mime_init(); });
  if (raw_message.empty()) return invalid("empty message");
  std::unique_ptr<GMimeStream, GObjectUnref> stream(
      g_mime_stream_mem_new_with_buffer(raw_message.data(), raw_message.size()));
  std::unique_ptr<GMimeParser, GObjectUnref> parser(g_mime_parser_new_with_stream(stream.get()));
  std::unique_ptr<GMimeMessage, GObjectUnref> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) return invalid("not an RFC 5322 message");
  MailView outer = view_of(message.get(), 0);
  // The original, when an agent forwarded it as an attachment.
  const MailView& mail = outer.attached ? *outer.attached : outer;
  std::string text = !mail.plain.empty() ? mail.plain : html_to_text(mail.html);
  if (!is_valid_utf8(text)) return invalid("the body is not valid text in its declared charset");
  std::string from_name = mail.from_name, from_address = mail.from_address, subject = mail.subject;
  if (auto forward = inline_forward(text)) {
    text = forward->body;
    from_address = ascii_lower(forward->from);
    subject = forward->subject;
    from_name.clear();
  }
  std::string lowered_subject = ascii_lower(subject);
  std::string source = "email";
  if (contains(from_address, "zillow") || contains(lowered_subject, "is requesting information about") ||
      contains(lowered_subject, "zillow"))
    source = "zillow";
  else if (contains(from_address, "realtor") || contains(from_address, "move.com") ||
           contains(lowered_subject, "realtor.com"))
    source = "realtor";

  std::vector<std::string> lines = lines_of(text);
  auto values = labelled_values(lines);
  auto value = [&](const char* field) { return values.count(field) ? joined(values[field]) : std::string(); };
  std::string full_name = value("name"), message_text = value("message");
  // Zillow: "<Name> says: <message>" up to the first blank line.
  for (size_t i = 0; i < lines.size() && source == "zillow"; ++i) {
    size_t says = lines[i].find(" says:");
    if (says == std::string::npos || says > 80) continue;
    if (full_name.empty()) full_name = lines[i].substr(0, says);
    std::vector<std::string> said{trim(std::string_view(lines[i]).substr(says + 6))};
    for (size_t j = i + 1; j < lines.size() && !lines[j].empty(); ++j) said.push_back(lines[j]);
    if (message_text.empty()) message_text = joined(said);
    break;
  }
  if (full_name.empty() && values.count("first_name") == 0 && source == "zillow") full_name = from_name;

  ContactFacts facts;
  std::string email = value("email");
  // Zillow's relay address reaches the consumer when nothing better is given.
  if (email.empty() && source == "zillow" && contains(mail.reply_to, "zillow")) email = mail.reply_to;
  normalise_contact({value("first_name"), value("last_name"), full_name, value("phone"), email, {}}, facts);
  if (!facts.phone && facts.email.empty())
    return invalid(std::string("no phone or e-mail address found in a ") + (source == "email" ? "lead" : source) + " message");
  facts.lead_source = source == "email" ? std::string(generic_source) : source;
  if (!mail.reply_to.empty() && mail.reply_to != facts.email) facts.custom_fields.push_back({"reply_to", mail.reply_to});

  Place place = place_of(values.count("property") ? values["property"] : values["address"]);
  if (source == "email") {  // a website form: the address is the person's (a seller's home)
    normalise_place({place.street, place.city, place.state, place.zip}, facts);
  } else {
    auto add = [&](const char* key, const std::string& text_value) {
      if (!text_value.empty()) facts.custom_fields.push_back({key, clean_text(text_value)});
    };
    add("property_address", normalise_address(place.street));
    add("property_city", name_case(place.city));
    add("property_state", place.state);
    add("property_zip", place.zip);
  }
  std::string price = value("price");
  if (auto money = parse_money(price.substr(0, price.find('|')))) facts.custom_fields.push_back({"property_price", money->amount()});
  if (auto budget = parse_money(value("budget"))) {
    if (budget->low) facts.custom_fields.push_back({"budget_min", *budget->low});
    if (budget->high) facts.custom_fields.push_back({"budget_max", *budget->high});
  }
  std::string approved = ascii_lower(value("pre_approved"));
  if (!approved.empty()) facts.custom_fields.push_back({"pre_approved", approved.rfind("yes", 0) == 0 || approved == "true"});
  if (std::string credit = value("credit_score"); !credit.empty()) facts.custom_fields.push_back({"credit_score_range", clean_text(credit)});
  if (std::string move_in = value("move_in"); !move_in.empty()) facts.custom_fields.push_back({"timeline", clean_text(move_in)});
  if (std::string mls = value("mls_id"); !mls.empty()) facts.custom_fields.push_back({"mls_id", clean_text(mls)});

  InboundEvent event;
  event.source = source == "email" ? std::string(generic_source) : source;
  event.event_type = "lead_email";
  event.occurred_at = mail.date;
  event.idempotency_key = mail.message_id.empty()
                              ? "sha256:" + sha256_hex(std::to_string(to_unix_millis(mail.date)) + "\n" + mail.from_address +
                                                       "\n" + mail.subject)
                              : mail.message_id;
  if (event.idempotency_key.size() > 250) event.idempotency_key = "sha256:" + sha256_hex(event.idempotency_key);
  facts.external_id = event.idempotency_key;
  add_derived_fields(facts, event.occurred_at);
  if (!message_text.empty()) {
    InteractionRecord note;
    note.external_id = event.idempotency_key + ":message";
    note.direction = Direction::kInbound;
    note.channel = "Email";
    note.body = clean_text(message_text);
    note.occurred_at = event.occurred_at;
    event.interaction = std::move(note);
  }
  event.contact = std::move(facts);
  return event;
}

}  // namespace jorge::ingest
