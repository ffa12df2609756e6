#include "support/fake_ghl.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "core/clock.hpp"

namespace jorge::testing {

FakeGhl::FakeGhl() {
  for (const char* method : {"GET", "POST", "PUT", "DELETE"})
    for (const char* pattern : {"/conversations/messages", "/contacts/{id}/tags", "/contacts/{id}/tasks", "/contacts/{id}/notes", "/contacts/{id}",
                                "/conversations/{id}/messages", "/conversations/search", "/calendars/events/appointments",
                                "/calendars/{id}/free-slots", "/contacts/{id}/appointments", "/hooks/{id}"})
      router_.add(method, pattern, [this](http::Request& request, http::Respond respond) { handle(request, respond); });
  server_ = std::make_unique<LocalServer>(router_, 2);
}

FakeGhl::~FakeGhl() {
  server_.reset();  // no handler runs once the rest of this object goes
}

std::vector<RecordedRequest> FakeGhl::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::vector<std::chrono::steady_clock::time_point> FakeGhl::sent_sms_times() const {
  std::lock_guard lock(mutex_);
  return sent_times_;
}

std::vector<std::string> FakeGhl::sent_sms_contacts() const {
  std::lock_guard lock(mutex_);
  return sent_contacts_;
}

std::vector<std::string> FakeGhl::upserts() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> bodies;
  for (const auto& body : upserts_) bodies.push_back(body.dump());
  return bodies;
}

std::vector<nlohmann::json> FakeGhl::notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

void FakeGhl::set_free_slots(std::vector<std::string> slots, std::vector<std::string> vanishing) {
  std::lock_guard lock(mutex_);
  free_slots_ = std::move(slots);
  vanishing_ = std::move(vanishing);
}

std::vector<nlohmann::json> FakeGhl::chat_messages() const {
  std::lock_guard lock(mutex_);
  return chat_;
}

void FakeGhl::lose_next_booking_answer() {
  std::lock_guard lock(mutex_);
  lose_booking_answer_ = true;
}

std::vector<nlohmann::json> FakeGhl::appointments() const {
  std::lock_guard lock(mutex_);
  return appointments_;
}

std::vector<nlohmann::json> FakeGhl::tasks() const {
  std::lock_guard lock(mutex_);
  return tasks_;
}

std::vector<std::string> FakeGhl::sent_sms_messages() const {
  std::lock_guard lock(mutex_);
  return sent_;
}

void FakeGhl::fail_next(int count, int status, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) faults_.push_back({status, retry_after_seconds, {}});
}

void FakeGhl::delay_next(int count, std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) faults_.push_back({0, 1, delay});
}

void FakeGhl::drop_next(int count, Drop when) {
  std::lock_guard lock(mutex_);
  for (int i = 0; i < count; ++i) {
    Fault fault;
    (when == Drop::kBeforeHandling ? fault.drop_before : fault.drop_after) = true;
    faults_.push_back(fault);
  }
}

void FakeGhl::inject_random_faults(double probability, unsigned seed, std::chrono::milliseconds slow) {
  std::lock_guard lock(mutex_);
  fault_probability_ = probability;
  fault_random_.seed(seed);
  slow_ = slow;
}

std::map<std::string, int> FakeGhl::injected() const {
  std::lock_guard lock(mutex_);
  return injected_;
}

void FakeGhl::enforce_rate_limit(int requests, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  limit_ = requests;
  window_ = window;
}

int FakeGhl::throttled() const {
  std::lock_guard lock(mutex_);
  return throttled_;
}

void FakeGhl::handle(http::Request& request, http::Respond respond) {
  Fault fault;
  http::Response response;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back({request.method, request.path, request.body, std::string(request.header("authorization")),
                         std::string(request.header("version")), request.query});
    if (!faults_.empty()) {
      fault = faults_.front();
      faults_.erase(faults_.begin());
    } else if (fault_probability_ > 0 && std::uniform_real_distribution<>(0, 1)(fault_random_) < fault_probability_) {
      static const char* kKinds[] = {"429", "500", "503", "slow", "drop_before", "drop_after"};
      std::string kind = kKinds[std::uniform_int_distribution<>(0, 5)(fault_random_)];
      ++injected_[kind];
      if (kind == "slow") fault.delay = slow_;
      else if (kind == "drop_before") fault.drop_before = true;
      else if (kind == "drop_after") fault.drop_after = true;
      else fault.status = std::stoi(kind);
    }
    auto now = std::chrono::steady_clock::now();
    if (limit_ > 0) {
      std::erase_if(recent_, [&](auto at) { return now - at >= window_; });
      if (static_cast<int>(recent_.size()) >= limit_ && fault.status == 0) {
        fault.status = 429;
        fault.retry_after = 0;
        ++throttled_;
      }
      recent_.push_back(now);
    }
    if (request.method == "POST" && request.path.rfind("/hooks/", 0) == 0) {
      // A Slack-compatible incoming webhook: no token, no version; {"text": ...} → 200 "ok".
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      if (!body.is_object() || !body.contains("text") || !body["text"].is_string()) {
        response.status = 400;
        response.body = "invalid_payload";
        response.content_type = "text/plain";
      } else {
        chat_.push_back(body);
        response.status = 200;
        response.body = "ok";
        response.content_type = "text/plain";
      }
    } else if (request.header("authorization").rfind("Bearer ", 0) != 0) {
      response = http::json_response(401, R"({"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"})");
    } else if (request.header("version").empty()) {
      response = http::json_response(400, R"({"statusCode":400,"message":"Version header is required"})");
    } else if (fault.status != 0) {
      response = http::json_response(fault.status, nlohmann::json{{"statusCode", fault.status}, {"message", "injected"}}.dump());
      if (fault.status == 429) {
        response.headers.emplace_back("X-RateLimit-Remaining", "0");
        response.headers.emplace_back("X-RateLimit-Interval-Milliseconds", std::to_string(window_.count()));
        if (fault.retry_after > 0) response.headers.emplace_back("Retry-After", std::to_string(fault.retry_after));
      }
    } else if (fault.drop_before) {
      response.drop_connection = true;
    } else if (request.method == "POST" && request.path == "/conversations/messages") {
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      if (!body.is_object() || body.value("type", "") != "SMS" || !body.contains("contactId")) {
        response = http::json_response(422, R"({"statusCode":422,"message":["type and contactId are required"],"error":"Unprocessable Entity"})");
      } else {
        sent_.push_back(body.value("message", ""));
        sent_contacts_.push_back(body["contactId"].get<std::string>());
        sent_times_.push_back(now);
        std::string id = "fakeMsg" + std::to_string(++next_id_);
        response = http::json_response(200, nlohmann::json{{"conversationId", "fakeConv" + body["contactId"].get<std::string>()},
                                                           {"messageId", id},
                                                           {"msg", "Message queued successfully."},
                                                           {"status", "pending"}}
                                                .dump());
      }
    } else if (request.method == "POST" && request.path == "/contacts/upsert") {
      // §2.4b: match by e-mail, then phone; otherwise create. Repeats find the same contact.
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      std::string email = body.is_object() ? body.value("email", "") : "", phone = body.is_object() ? body.value("phone", "") : "";
      if (!body.is_object() || body.value("locationId", "").empty() || (email.empty() && phone.empty())) {
        response = http::json_response(422, R"({"statusCode":422,"message":["locationId and an email or phone are required"],"error":"Unprocessable Entity"})");
      } else {
        std::string key = !email.empty() ? "email:" + email : "phone:" + phone;
        bool created = !upserted_.count(key);
        if (created) upserted_[key] = "fakeContact" + std::to_string(upserted_.size() + 1);
        upserts_.push_back(body);
        response = http::json_response(created ? 201 : 200,
                                       nlohmann::json{{"new", created}, {"contact", {{"id", upserted_[key]}}}}.dump());
      }
    } else if (request.method == "POST" && request.path.rfind("/contacts/", 0) == 0 &&
               request.path.size() > 6 && request.path.compare(request.path.size() - 6, 6, "/tasks") == 0) {
      // §2.4c: title, dueDate and completed are required.
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      if (!body.is_object() || !body.contains("title") || !body.contains("dueDate") || !body.contains("completed")) {
        response = http::json_response(422, R"({"statusCode":422,"message":["title, dueDate and completed are required"],"error":"Unprocessable Entity"})");
      } else {
        std::string contact = request.path.substr(10, request.path.size() - 16);
        body["contactId"] = contact;
        body["id"] = "fakeTask" + std::to_string(++next_id_);
        tasks_.push_back(body);
        response = http::json_response(201, nlohmann::json{{"task", body}}.dump());
      }
    } else if (request.method == "POST" && request.path.rfind("/contacts/", 0) == 0 &&
               request.path.size() > 6 && request.path.compare(request.path.size() - 6, 6, "/notes") == 0) {
      // §2.4d: a body is required.
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      if (!body.is_object() || !body.contains("body") || !body["body"].is_string()) {
        response = http::json_response(422, R"({"statusCode":422,"message":["body is required"],"error":"Unprocessable Entity"})");
      } else {
        body["contactId"] = request.path.substr(10, request.path.size() - 16);
        body["id"] = "fakeNote" + std::to_string(++next_id_);
        notes_.push_back(body);
        response = http::json_response(201, nlohmann::json{{"note", body}}.dump());
      }
    } else if (request.method == "GET" && request.path.rfind("/calendars/", 0) == 0 &&
               request.path.ends_with("/free-slots")) {
      // §2.4f: the slots between startDate and endDate (epoch ms), grouped by their local date.
      int64_t from = 0, to = 0;
      try {
        from = std::stoll(request.query_param("startDate"));
        to = std::stoll(request.query_param("endDate"));
      } catch (const std::exception&) {
        from = to = -1;
      }
      if (from < 0 || to <= from || to - from > 31LL * 86'400'000 || request.query_param("timezone").empty()) {
        response = http::json_response(422, R"({"statusCode":422,"message":["startDate, endDate (at most 31 days apart) and timezone are required"],"error":"Unprocessable Entity"})");
      } else {
        nlohmann::json days = nlohmann::json::object();
        for (const std::string& slot : free_slots_) {
          SystemTime at;
          if (!parse_iso8601(slot, at) || to_unix_millis(at) < from || to_unix_millis(at) >= to) continue;
          days[slot.substr(0, 10)]["slots"].push_back(slot);
        }
        days["traceId"] = "fakeTrace" + std::to_string(++next_id_);
        response = http::json_response(200, days.dump());
      }
    } else if (request.method == "POST" && request.path == "/calendars/events/appointments") {
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      const std::string start = body.is_object() ? body.value("startTime", "") : "";
      if (!body.is_object() || body.value("calendarId", "").empty() || body.value("locationId", "").empty() ||
          body.value("contactId", "").empty() || start.empty()) {
        response = http::json_response(422, R"({"statusCode":422,"message":["calendarId, locationId, contactId and startTime are required"],"error":"Unprocessable Entity"})");
      } else if (std::erase(vanishing_, start) > 0 || std::find(free_slots_.begin(), free_slots_.end(), start) == free_slots_.end()) {
        std::erase(free_slots_, start);  // someone else booked it
        response = http::json_response(400, R"({"statusCode":400,"message":"The slot you have selected is no longer available"})");
      } else {
        std::erase(free_slots_, start);
        body["id"] = "fakeAppt" + std::to_string(++next_id_);
        body["endTime"] = body.value("endTime", start);
        appointments_.push_back(body);
        response = http::json_response(201, body.dump());
        response.drop_connection = std::exchange(lose_booking_answer_, false);
      }
    } else if (request.method == "GET" && request.path.rfind("/contacts/", 0) == 0 && request.path.ends_with("/appointments")) {
      const std::string contact = request.path.substr(10, request.path.size() - 10 - 13);
      nlohmann::json events = nlohmann::json::array();
      for (const auto& appointment : appointments_)
        if (appointment.value("contactId", "") == contact) events.push_back(appointment);
      response = http::json_response(200, nlohmann::json{{"events", events}}.dump());
    } else if (request.method == "POST" && request.path.find("/tags") != std::string::npos) {
      auto body = nlohmann::json::parse(request.body, nullptr, false);
      response = http::json_response(201, nlohmann::json{{"tags", body.is_object() ? body.value("tags", nlohmann::json::array()) : nlohmann::json::array()}}.dump());
    } else if (request.method == "PUT") {
      response = http::json_response(200, R"({"succeded":true,"contact":{}})");
    } else if (request.method == "GET" && request.path == "/conversations/search") {
      std::string contact = request.query_param("contactId");
      nlohmann::json conversations = nlohmann::json::array();
      if (std::find(sent_contacts_.begin(), sent_contacts_.end(), contact) != sent_contacts_.end())
        conversations.push_back({{"id", "fakeConv" + contact}, {"contactId", contact}});
      response = http::json_response(200, nlohmann::json{{"conversations", conversations}, {"total", conversations.size()}}.dump());
    } else if (request.method == "GET" && request.path.find("/conversations/") == 0) {
      nlohmann::json messages = nlohmann::json::array();
      for (size_t i = 0; i < sent_.size(); ++i)
        if (request.path == "/conversations/fakeConv" + sent_contacts_[i] + "/messages")
          messages.push_back({{"id", "fakeMsg" + std::to_string(i + 1)}, {"body", sent_[i]}, {"direction", "outbound"}});
      response = http::json_response(200, nlohmann::json{{"messages", {{"messages", messages}, {"nextPage", false}}}}.dump());
    } else {
      response = http::json_response(404, R"({"statusCode":404,"message":"Not Found"})");
    }
    if (fault.drop_after) response.drop_connection = true;
    if (fault.status == 0 && limit_ > 0)
      response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(std::max(0, limit_ - static_cast<int>(recent_.size()))));
  }
  if (fault.delay.count() > 0) {
    // Answer later without holding a server thread.
    std::thread([respond, response, delay = fault.delay] {
      std::this_thread::sleep_for(delay);
      respond(response);
    }).detach();
    return;
  }
  respond(std::move(response));
}

}  // namespace jorge::testing
