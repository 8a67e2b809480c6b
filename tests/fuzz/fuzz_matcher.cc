// Fuzz target: the matcher with the embedded catalog, fed software records
// whose fields come from the input, as a hostile hive, plist or package
// database would hand them over: long values, invalid UTF-8, NUL bytes.
//
// Input: byte 0 picks the ecosystem; byte 1, when 0xF0 or above, repeats
// each field 2^(byte 1 - 0xF0) times (up to 1 MiB), so short inputs reach
// long values while most runs stay short and fast; then the fields id, name,
// publisher, team_id, cert_sha256, subject, location, evidence and volume,
// separated by 0x1F.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/matcher.h"

namespace {

using namespace contraband;

constexpr size_t kMaxFieldBytes = 1 << 20;

std::string Repeated(std::string_view text, size_t times) {
  std::string out;
  if (text.empty()) return out;
  for (size_t i = 0; i < times && out.size() < kMaxFieldBytes; ++i) {
    out.append(text.substr(0, kMaxFieldBytes - out.size()));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Matcher* const matcher = new Matcher(EmbeddedCatalog(), {});
  if (size < 2) return 0;
  const std::vector<std::string>& ecosystems = KnownEcosystems();
  Software sw;
  sw.ecosystem = ecosystems[data[0] % ecosystems.size()];
  const size_t times = data[1] >= 0xF0 ? size_t{1} << (data[1] - 0xF0) : 1;
  std::string_view rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string* fields[] = {&sw.id,        &sw.name,
                           &sw.publisher, &sw.signer.team_id,
                           &sw.signer.cert_sha256, &sw.signer.subject,
                           &sw.location,  &sw.evidence,
                           &sw.volume};
  for (std::string* field : fields) {
    size_t end = rest.find('\x1f');
    *field = Repeated(rest.substr(0, end), times);
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  std::vector<Finding> findings = matcher->Match(sw);
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding& f = findings[i];
    // At most one finding per product, in product order, each from a rule.
    if (!f.product || !f.rule || f.pattern.empty()) __builtin_trap();
    if (i > 0 && !(findings[i - 1].product->id < f.product->id)) {
      __builtin_trap();
    }
  }
  return 0;
}
