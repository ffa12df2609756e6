#include "http/server.hpp"

#include <utility>  // before Asio: g++ 12 in C++20 mode needs std::exchange declared first
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

namespace jorge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string new_request_id() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t prefix = std::random_device{}();
  char text[40];
  std::snprintf(text, sizeof text, "%08llx-%llx", static_cast<unsigned long long>(prefix & 0xffffffff),
                static_cast<unsigned long long>(++counter));
  return text;
}

// RFC 9112 §6: a request whose body length the server cannot tell for certain is refused and
// the connection closed, so no proxy in front can disagree with us about where it ends
// (request smuggling). Beast reads by Content-Length when the last coding is not chunked.
std::optional<std::string> framing_error(const bhttp::request_parser<bhttp::string_body>::value_type& header) {
  const size_t codings = header.count(bhttp::field::transfer_encoding);
  if (codings == 0) return std::nullopt;
  if (header.count(bhttp::field::content_length) > 0)
    return "Transfer-Encoding and Content-Length together: send one of them";
  const beast::string_view coding = header[bhttp::field::transfer_encoding];
  if (codings > 1 || !beast::iequals(coding, "chunked")) return "Transfer-Encoding must be exactly \"chunked\"";
  return std::nullopt;
}

// Beast's parse errors (bad line ends, two lengths, a negative length, ...), as opposed to the
// peer going away or a timeout: these get a 400 before the connection closes.
bool is_malformed_request(beast::error_code error) {
  static const auto& http_errors = beast::error_code(bhttp::error::bad_method).category();
  return error.category() == http_errors && error != bhttp::error::end_of_stream &&
         error != bhttp::error::partial_message && error != bhttp::error::need_more;
}

bool usable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace

class Session;

struct Server::Impl {
  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  // One event loop per serving thread, each run by its own thread alone, connections dealt
  // out in turn: no lock or wake-up shared between threads on the hot path (score_lead under
  // wrk -c32: 8,300-8,400 req/s with one loop run by both threads, 9,000-10,100 with a loop
  // each). loops[0] also accepts and handles signals.
  std::vector<std::unique_ptr<asio::io_context>> loops = make_loops(options.threads);
  size_t next_loop = 0;
  tcp::acceptor acceptor{asio::make_strand(*loops[0])};  // a strand: accept and close never overlap
  asio::steady_timer accept_pause{acceptor.get_executor()};
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;  // held while run() runs
  std::atomic<bool> stopping{false};
  std::mutex sessions_mutex;
  std::set<std::shared_ptr<Session>> sessions;
  size_t max_connections = 0;  // from options, or derived from the open-file limit at construction

  Impl(ServerOptions o, const Router& r, Metrics& m)
      : options(std::move(o)), router(r), metrics(m),
        max_connections(options.max_connections > 0 ? options.max_connections
                                                     : max_connections_for(open_file_limit())) {}
  static std::vector<std::unique_ptr<asio::io_context>> make_loops(int threads) {
    const int count = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<asio::io_context>> made;
    for (int i = 0; i < count; ++i) made.push_back(std::make_unique<asio::io_context>(1));
    return made;
  }
  void accept();
  // Room for one more connection under max_connections: near the cap an idle kept-alive
  // connection is closed for it; false when all are busy (the new one is then refused).
  bool make_room();
  void refuse(tcp::socket& socket);
  void publish_connection_count(size_t open);
  void begin_stop();
  void session_ended(const std::shared_ptr<Session>& session);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server) : stream_(std::move(socket)), server_(server) {}

  void start() { wait_for_request(); }
  bool idle() const { return idle_; }

  // From Impl::begin_stop: close now if between requests, else after the current response.
  void stop_when_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_) self->close();
    });
  }

 private:
  void wait_for_request() {
    idle_ = true;
    if (server_.stopping) return close();
    if (buffer_.size() > 0) return read_header();  // pipelined bytes already here
    stream_.expires_after(server_.options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code error, size_t bytes) {
      if (error) return self->close();
      self->buffer_.commit(bytes);
      self->read_header();
    });
  }

  void read_header() {
    idle_ = false;
    head_only_ = false;
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(server_.options.header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, size_t) {
      self->on_header(error);
    });
  }

  // The header is in: refuse an uncertain body length before reading any of the body.
  void on_header(beast::error_code error) {
    if (error) return on_read(error);
    if (auto refused = framing_error(parser_->get())) return refuse_malformed(*refused);
    if (parser_->is_done()) return on_read({});
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, size_t) {
      self->on_read(error);
    });
  }

  // 400 and close: after a framing error nothing on this connection can be trusted.
  void refuse_malformed(const std::string& why) {
    started_ = std::chrono::steady_clock::now();
    request_id_ = new_request_id();
    keep_alive_ = false;
    drain_before_close_ = true;
    send(json_error(400, "bad_request", "request is not valid HTTP/1.1: " + why), "malformed");
  }

  void on_read(beast::error_code error) {
    if (error == bhttp::error::body_limit) {
      started_ = std::chrono::steady_clock::now();
      request_id_ = new_request_id();
      keep_alive_ = false;  // the rest of the body is still on the wire: close after answering
      drain_before_close_ = true;
      return send(json_error(413, "payload_too_large",
                             "request body is larger than " + std::to_string(server_.options.max_body_bytes) + " bytes"),
                  "body_limit");
    }
    if (error == bhttp::error::header_limit) {
      started_ = std::chrono::steady_clock::now();
      request_id_ = new_request_id();
      keep_alive_ = false;
      drain_before_close_ = true;
      return send(json_error(431, "headers_too_large", "request headers are larger than 16 KiB"), "header_limit");
    }
    if (is_malformed_request(error)) return refuse_malformed(error.message());
    if (error) return close();  // the peer went away or timed out
    dispatch(parser_->release());
  }

  void dispatch(bhttp::request<bhttp::string_body>&& message) {
    started_ = std::chrono::steady_clock::now();
    keep_alive_ = message.keep_alive();
    head_only_ = message.method() == bhttp::verb::head;
    stream_.expires_never();  // the handler may wait for a commit; the answer is bounded by it
    auto request = std::make_shared<Request>();
    auto text = [](beast::string_view view) { return std::string(view.data(), view.size()); };
    request->method = text(message.method_string());
    std::string_view target(message.target().data(), message.target().size());
    size_t question = target.find('?');
    request->path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) request->query = std::string(target.substr(question + 1));
    request->headers.reserve(16);
    for (const auto& field : message) request->headers.emplace_back(text(field.name_string()), text(field.value()));
    request->body = std::move(message.body());
    std::string_view given_id = request->header("x-request-id");
    request->request_id = usable_request_id(given_id) ? std::string(given_id) : new_request_id();
    request_id_ = request->request_id;
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Respond respond = [self = shared_from_this(), answered, request](Response response) {
      if (answered->exchange(true)) return;  // a handler answers once; a second answer is a bug, dropped
      // Answered during dispatch, on this session's strand (most handlers): write at once.
      // From another thread (a handler waiting for a commit): hand the answer to the strand.
      if (self->dispatching_in_ == std::this_thread::get_id())
        return self->send(std::move(response), request->route);
      asio::post(self->stream_.get_executor(), [self, request, response = std::move(response)]() mutable {
        self->send(std::move(response), request->route);
      });
    };
    dispatching_in_ = std::this_thread::get_id();
    try {
      server_.router.dispatch(*request, respond);
    } catch (const std::exception& thrown) {
      spdlog::error("request_id={} handler threw: {}", request_id_, thrown.what());
      respond(json_error(500, "internal", "unexpected error; the request id is in the server log"));
    }
    dispatching_in_ = std::thread::id();
  }

  void send(Response response, std::string_view route) {
    if (response.drop_connection) return close();
    // The status line and header fields are written straight into one string and go out with
    // the body in a single gathered write: Beast's field container and serializer cost more per
    // response than the rest of the HTTP work (profiled on score_lead).
    auto reply = std::make_shared<Reply>();
    reply->keep_alive = keep_alive_ && !server_.stopping;
    reply->body = std::move(response.body);
    std::string& head = reply->head;
    const beast::string_view reason = bhttp::obsolete_reason(bhttp::int_to_status(static_cast<unsigned>(response.status)));
    head.reserve(128 + response.content_type.size() + request_id_.size());
    head.append("HTTP/1.1 ").append(std::to_string(response.status)).append(" ").append(reason.data(), reason.size());
    auto field = [&head](std::string_view name, std::string_view value) {
      head.append("\r\n").append(name).append(": ").append(value);
    };
    field("Server", "jorge");
    field("Content-Type", response.content_type);
    field("X-Request-Id", request_id_);
    field("X-Content-Type-Options", "nosniff");  // browsers take our JSON and text for what they say
    for (const auto& [name, value] : response.headers) field(name, value);
    if (!reply->keep_alive) field("Connection", "close");
    field("Content-Length", std::to_string(reply->body.size()));
    head.append("\r\n\r\n");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    server_.metrics.observe_request(route, response.status, seconds);
    if (server_.options.access_log)
      spdlog::info("access request_id={} route={} status={} bytes={} ms={:.3f}", request_id_, route, response.status,
                   reply->body.size(), seconds * 1000);
    stream_.expires_after(server_.options.header_timeout);
    // HEAD: the same fields as GET, Content-Length included, and no body (RFC 9110 §9.3.2).
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(reply->head),
                                                    asio::buffer(reply->body.data(), head_only_ ? 0 : reply->body.size())};
    asio::async_write(stream_, buffers, [self = shared_from_this(), reply](beast::error_code error, size_t) {
      if (!error && self->drain_before_close_) return self->drain_then_close();
      if (error || !reply->keep_alive) return self->close();
      self->wait_for_request();
    });
  }

  // An answer on its way out: alive until the write completes.
  struct Reply {
    std::string head, body;
    bool keep_alive = true;
  };

  // Answered before the client finished sending (a body or headers over the limit). Closing a
  // socket with unread bytes makes the kernel send a reset, and a reset can reach the client
  // before it has read our answer: it would see a dropped connection instead of the 413. So stop
  // sending, read and discard what is still coming for a bounded time and size, then close.
  void drain_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    drain(0);
  }

  void drain(size_t drained) {
    static constexpr size_t kMostDrainedBytes = 64u << 20;
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this(), drained](beast::error_code error,
                                                                                             size_t bytes) {
      if (error || drained + bytes > kMostDrainedBytes) return self->close();
      self->buffer_.commit(bytes);
      self->drain(drained + bytes);
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    server_.session_ended(shared_from_this());
  }

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::chrono::steady_clock::time_point started_;
  std::string request_id_;
  bool keep_alive_ = true;
  bool drain_before_close_ = false;
  // The thread running router.dispatch for this session (none otherwise): an answer given on
  // it is synchronous and on the session's strand.
  std::atomic<std::thread::id> dispatching_in_{};
  std::atomic<bool> idle_{true};  // read by the acceptor when it needs room for a new connection
  bool closed_ = false;
  bool head_only_ = false;  // a HEAD request: headers as for GET, no body
};

void Server::Impl::accept() {
  asio::io_context& loop = *loops[next_loop++ % loops.size()];
  acceptor.async_accept(asio::make_strand(loop), [this](beast::error_code error, tcp::socket socket) {
    if (error) {
      if (!acceptor.is_open()) return;  // stopped
      if (error != asio::error::no_descriptors && error != asio::error::no_buffer_space) return accept();
      // Out of file descriptors or memory: retrying at once would spin. Pause, then go on;
      // open connections keep being served meanwhile.
      spdlog::warn("accept failed: {}; pausing new connections for 100 ms", error.message());
      accept_pause.expires_after(std::chrono::milliseconds(100));
      accept_pause.async_wait([this](beast::error_code) { accept(); });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    if (stopping) return;
    if (!make_room()) {
      refuse(socket);
      return accept();
    }
    auto session = std::make_shared<Session>(std::move(socket), *this);
    {
      std::lock_guard lock(sessions_mutex);
      sessions.insert(session);
      publish_connection_count(sessions.size());
    }
    session->start();
    accept();
  });
}

bool Server::Impl::make_room() {
  std::lock_guard lock(sessions_mutex);
  const size_t open = sessions.size();
  if (open < max_connections - max_connections / 10) return true;  // below 90 %: nothing to do
  for (const auto& session : sessions)
    if (session->idle()) {
      session->stop_when_idle();  // closes on its own strand, unless a request arrived meanwhile
      metrics.increment("jorge_http_idle_connections_closed_total",
                        "Kept-alive connections closed to make room near http.max_connections.", {});
      return true;
    }
  return open < max_connections;
}

void Server::Impl::refuse(tcp::socket& socket) {
  // Written at once on the fresh socket (its send buffer is empty), then closed: the client
  // learns why instead of seeing a dropped connection.
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
      "X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: 83\r\n\r\n"
      "{\"error\":{\"code\":\"unavailable\",\"message\":\"too many connections; try again shortly\"}}";
  beast::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kBusy.data(), kBusy.size()), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
  metrics.increment("jorge_http_connections_refused_total", "Connections refused at http.max_connections.", {});
  spdlog::warn("refused a connection: {} open, the most allowed (http.max_connections)", max_connections);
}

void Server::Impl::publish_connection_count(size_t open) {
  metrics.set_gauge("jorge_http_connections", "Open client connections.", {}, static_cast<double>(open));
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  asio::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    std::vector<std::shared_ptr<Session>> open;
    {
      std::lock_guard lock(sessions_mutex);
      open.assign(sessions.begin(), sessions.end());
    }
    for (auto& session : open) session->stop_when_idle();
  });
}

void Server::Impl::session_ended(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(session);
  publish_connection_count(sessions.size());
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {
  metrics.set_gauge("jorge_http_connections_max", "The most client connections held at once (http.max_connections).",
                    {}, static_cast<double>(impl_->max_connections));
  impl_->publish_connection_count(0);
}

size_t open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<size_t>(limit.rlim_cur);
}

size_t raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);  // on failure the old limit stays, and the cap follows it
  }
  return open_file_limit();
}

size_t max_connections_for(size_t open_files) {
  // The rest is kept for the database (a connection or a file and its WAL per writer and
  // reader), outbound calls to GoHighLevel and Graph, IMAP, logs and model files.
  const size_t reserve = std::max<size_t>(64, open_files / 4);
  const size_t left = open_files > reserve ? open_files - reserve : 0;
  return std::clamp<size_t>(left, 16, 100000);
}

Server::~Server() = default;

Result<uint16_t> Server::listen() {
  beast::error_code error;
  auto address = asio::ip::make_address(impl_->options.host, error);
  if (error) return Error{ErrorCode::kInvalidArgument, "listen: \"" + impl_->options.host + "\" is not an IP address"};
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error)
    return Error{ErrorCode::kUnavailable, "cannot listen on " + impl_->options.host + ":" +
                                              std::to_string(impl_->options.port) + ": " + error.message()};
  return acceptor.local_endpoint().port();
}

void Server::run(bool handle_signals) {
  auto& loops = impl_->loops;
  for (auto& loop : loops) impl_->work.emplace_back(loop->get_executor());
  std::optional<asio::signal_set> signals;
  if (handle_signals) {
    signals.emplace(*loops[0], SIGTERM, SIGINT);
    signals->async_wait([this](beast::error_code error, int signal) {
      if (error) return;
      spdlog::info("signal {}: finishing in-flight requests, then stopping", signal);
      impl_->begin_stop();
    });
  }
  impl_->accept();
  std::vector<std::thread> pool;
  for (size_t i = 1; i < loops.size(); ++i) pool.emplace_back([loop = loops[i].get()] { loop->run(); });
  // The work guards keep every loop serving while handlers wait for commits; this thread
  // also checks, between slices, whether a stop has drained every session.
  while (true) {
    loops[0]->run_for(std::chrono::milliseconds(200));
    if (impl_->stopping) {
      std::lock_guard lock(impl_->sessions_mutex);
      if (impl_->sessions.empty()) break;
    }
  }
  if (signals) signals->cancel();
  impl_->work.clear();
  for (auto& loop : loops) loop->stop();
  for (auto& thread : pool) thread.join();
}

void Server::stop() { impl_->begin_stop(); }

}  // namespace jorge::http
