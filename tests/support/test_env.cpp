#include "support/test_env.hpp"

#include "core/files.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace jorge::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "jorge-test-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  path_ = made ? made : "";
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!std::getenv("JORGE_KEEP_TEST_DIRS")) std::filesystem::remove_all(path_, ignored);
}

// Tests read files that may not exist yet (a log before the first line): empty then.
std::string read_file(const std::string& path) {
  auto contents = jorge::read_file(path);
  return contents.ok() ? std::move(contents).value() : std::string();
}

void write_file(const std::string& path, const std::string& contents) {
  Status written = jorge::write_file(path, contents);
  if (!written.ok()) throw std::runtime_error(written.error().message);
}

std::string fixture(const std::string& relative) {
  const char* dir = std::getenv("JORGE_FIXTURES_DIR");
  std::string base = dir ? dir : JORGE_DEFAULT_FIXTURES_DIR;
  std::string path = base + "/" + relative;
  if (!std::filesystem::exists(path)) ADD_FAILURE() << "missing fixture " << path << " (set JORGE_FIXTURES_DIR)";
  return read_file(path);
}

namespace {
// RSA-4096 generation takes about a second and ctest runs each test in its own process, so
// the pair is made once per machine user and shared through a file (written atomically).
ingest::KeyPairPem cached_key_pair(ingest::KeyType type, const std::string& name) {
  std::string dir = (std::filesystem::temp_directory_path() / ("jorge-test-keys-" + std::to_string(getuid()))).string();
  std::filesystem::create_directories(dir);
  std::string private_path = dir + "/" + name + ".key", public_path = dir + "/" + name + ".pub";
  if (std::filesystem::exists(private_path) && std::filesystem::exists(public_path))
    return {read_file(private_path), read_file(public_path)};
  ingest::KeyPairPem pair = *ingest::generate_key_pair(type);
  std::string suffix = "." + std::to_string(getpid());
  write_file(public_path + suffix, pair.public_pem);
  write_file(private_path + suffix, pair.private_pem);
  std::filesystem::rename(public_path + suffix, public_path);
  std::filesystem::rename(private_path + suffix, private_path);
  return {read_file(private_path), read_file(public_path)};
}
}  // namespace

const ingest::KeyPairPem& rsa_keys() {
  static const ingest::KeyPairPem keys = cached_key_pair(ingest::KeyType::kRsa4096, "rsa4096");
  return keys;
}

const ingest::KeyPairPem& ed25519_keys() {
  static const ingest::KeyPairPem keys = cached_key_pair(ingest::KeyType::kEd25519, "ed25519");
  return keys;
}

std::string sign_rsa(const std::string& body) {
  static const ingest::PrivateKey key = *ingest::PrivateKey::from_pem(rsa_keys().private_pem);
  return *key.sign(body);
}

std::string sign_ed25519(const std::string& body) {
  static const ingest::PrivateKey key = *ingest::PrivateKey::from_pem(ed25519_keys().private_pem);
  return *key.sign(body);
}

std::string postgres_admin_url() {
  const char* url = std::getenv("JORGE_TEST_POSTGRES_URL");
  return url ? url : "";
}

std::string fresh_postgres_database() {
  std::string admin = postgres_admin_url();
  std::mt19937_64 random{std::random_device{}()};
  std::string name = "jorge_test_" + std::to_string(random() % 1000000000000ULL);
  pqxx::connection connection(admin);
  pqxx::nontransaction create(connection);
  create.exec("CREATE DATABASE " + name);
  // Swap the database name at the end of the admin URL.
  size_t slash = admin.rfind('/');
  return admin.substr(0, slash + 1) + name;
}

std::string backend_name(Backend backend) { return backend == Backend::kSqlite ? "Sqlite" : "Postgres"; }

std::string fresh_database(Backend backend, const TempDir& dir) {
  if (backend == Backend::kSqlite) return "sqlite://" + dir.file("jorge.db");
  return postgres_admin_url().empty() ? std::string() : fresh_postgres_database();
}

const FieldValue* custom_field(const InboundEvent& event, std::string_view key) {
  if (!event.contact) return nullptr;
  for (const auto& field : event.contact->custom_fields)
    if (field.key == key) return &field.value;
  return nullptr;
}

}  // namespace jorge::testing
