#include "catalog/catalog_regex.h"

#include <re2/re2.h>

#include <string>

namespace contraband {
namespace {

// Length of the well-formed UTF-8 sequence starting at `s[i]` (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or 0.
size_t Utf8SequenceAt(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (lead < 0xC2) {
    return 0;  // a continuation byte, or an overlong two-byte form
  } else if (lead < 0xE0) {
    n = 2;
  } else if (lead < 0xF0) {
    n = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead < 0xF5) {
    n = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::optional<CatalogRegex> CatalogRegex::Compile(std::string_view pattern,
                                                  std::string& error) {
  if (pattern.size() > kMaxRegexPatternBytes) {
    error = "a pattern of " + std::to_string(pattern.size()) +
            " bytes is longer than the " +
            std::to_string(kMaxRegexPatternBytes) +
            " allowed (split it into several values)";
    return std::nullopt;
  }
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_dot_nl(true);
  options.set_never_capture(true);  // only "does it match" is asked
  options.set_log_errors(false);    // errors are reported, not logged
  options.set_max_mem(kMaxRegexMemoryBytes);
  auto re = std::make_shared<const RE2>(
      re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    error = "\"" + std::string(pattern) +
            "\" is not a valid regular expression (" + re->error() + ")";
    switch (re->error_code()) {
      case RE2::ErrorBadPerlOp:
      case RE2::ErrorBadEscape:
        error += "; RE2 syntax has no lookaround or backreferences";
        break;
      case RE2::ErrorPatternTooLarge:
        error += "; it needs more than " +
                 std::to_string(kMaxRegexMemoryBytes >> 20) +
                 " MiB compiled: simplify it or split it into several values";
        break;
      default:
        break;
    }
    return std::nullopt;
  }
  return CatalogRegex(std::move(re));
}

bool CatalogRegex::FullMatch(std::string_view utf8_text) const {
  return RE2::FullMatch(re2::StringPiece(utf8_text.data(), utf8_text.size()),
                        *re_);
}

std::string_view AsValidUtf8(std::string_view text, std::string& storage) {
  size_t i = 0;
  while (i < text.size()) {
    size_t n = Utf8SequenceAt(text, i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return text;
  storage.assign(text.substr(0, i));
  while (i < text.size()) {
    size_t n = Utf8SequenceAt(text, i);
    if (n == 0) {
      storage += "\xEF\xBF\xBD";
      ++i;
    } else {
      storage.append(text.substr(i, n));
      i += n;
    }
  }
  return storage;
}

}  // namespace contraband
