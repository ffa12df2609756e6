#pragma once
// Byte helpers shared by every module: base64, SHA-256, constant-time comparison (OpenSSL).
#include <cstddef>
#include <string>
#include <string_view>

namespace jorge {

std::string base64_encode(std::string_view bytes);
// Accepts standard base64 with or without padding and ignores surrounding white space; false
// on bad input or on more than `max_chars` characters (callers bound what they accept).
bool base64_decode(std::string_view text, std::string& out, size_t max_chars);
std::string sha256_hex(std::string_view bytes);
// Lower-case hex of HMAC-SHA256(key, message): Facebook's X-Hub-Signature-256 and our X-Jorge-Signature.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
// Equal contents in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace jorge
