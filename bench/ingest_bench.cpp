// Per-delivery CPU costs on the webhook path: signature check, parse + normalise.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "core/phone.hpp"
#include "ingest/ghl/ghl_adapter.hpp"
#include "ingest/signing.hpp"

namespace {

std::string fixture(const std::string& name) {
  std::ifstream file(std::string(JORGE_FIXTURES_DIR) + "/" + name, std::ios::binary);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

struct Keys {
  jorge::ingest::KeyPairPem rsa = *jorge::ingest::generate_key_pair(jorge::ingest::KeyType::kRsa4096);
  jorge::ingest::KeyPairPem ed25519 = *jorge::ingest::generate_key_pair(jorge::ingest::KeyType::kEd25519);
};
const Keys& keys() {
  static const Keys generated;
  return generated;
}

void verify(benchmark::State& state, const jorge::ingest::KeyPairPem& pair) {
  std::string body = fixture("ghl/contact_create.json");
  auto key = *jorge::ingest::PublicKey::from_pem(pair.public_pem);
  std::string signature = *jorge::ingest::PrivateKey::from_pem(pair.private_pem)->sign(body);
  for (auto _ : state) benchmark::DoNotOptimize(jorge::ingest::verify_signature(key, body, signature));
}

void BM_VerifyRsa4096(benchmark::State& state) { verify(state, keys().rsa); }
void BM_VerifyEd25519(benchmark::State& state) { verify(state, keys().ed25519); }

void BM_ParseGhlContactCreate(benchmark::State& state) {
  std::string body = fixture("ghl/contact_create.json");
  auto adapter = jorge::ingest::make_ghl_adapter({});
  for (auto _ : state) benchmark::DoNotOptimize(adapter->parse(body));
}

void BM_ParseGhlInboundMessage(benchmark::State& state) {
  std::string body = fixture("ghl/inbound_message_sms.json");
  auto adapter = jorge::ingest::make_ghl_adapter({});
  for (auto _ : state) benchmark::DoNotOptimize(adapter->parse(body));
}

void BM_NormalisePhone(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(jorge::Phone::parse("(512) 555-0123"));
}

}  // namespace

BENCHMARK(BM_VerifyRsa4096);
BENCHMARK(BM_VerifyEd25519);
BENCHMARK(BM_ParseGhlContactCreate);
BENCHMARK(BM_ParseGhlInboundMessage);
BENCHMARK(BM_NormalisePhone);
BENCHMARK_MAIN();
