#pragma once
// Shared test helpers: temp directories, fixtures, signing keys, a fresh PostgreSQL database.
#include <string>
#include <string_view>

#include "core/lead.hpp"
#include "ingest/signing.hpp"

namespace jorge::testing {

// A fresh directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& contents);
// ../shared/specs/fixtures/<relative>, or $JORGE_FIXTURES_DIR/<relative>.
std::string fixture(const std::string& relative);

// The value of the event contact's custom field `key`, or null when it has none.
const FieldValue* custom_field(const InboundEvent& event, std::string_view key);

// Key pairs generated once per test binary (RSA-4096 as GoHighLevel uses, and Ed25519).
const ingest::KeyPairPem& rsa_keys();
const ingest::KeyPairPem& ed25519_keys();
std::string sign_rsa(const std::string& body);
std::string sign_ed25519(const std::string& body);

// The PostgreSQL server the test script started ($JORGE_TEST_POSTGRES_URL), or empty.
std::string postgres_admin_url();
// Creates an empty database on that server and returns its URL.
std::string fresh_postgres_database();

// The two stores every store-touching test runs on.
enum class Backend { kSqlite, kPostgres };
std::string backend_name(Backend backend);  // "Sqlite", "Postgres": test-name suffixes
// An empty database: a file in `dir`, or a new PostgreSQL database; empty when PostgreSQL is
// wanted but the test script did not start one (the test then skips with kNoPostgres).
std::string fresh_database(Backend backend, const TempDir& dir);
inline constexpr const char* kNoPostgres = "JORGE_TEST_POSTGRES_URL not set (make test sets it)";

}  // namespace jorge::testing
