#include "collectors/windows/msi_installer_history.h"

#include <algorithm>
#include <optional>

#include "collectors/windows/windows_time.h"
#include "common/text.h"
#include "common/wildcard.h"

namespace contraband {
namespace {

enum class Kind { kInstalled, kRemoved };

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "7B3343..." -> "{3C..." when all of `text` is hex digit pairs.
std::optional<std::string> FromHex(std::string_view text) {
  if (text.empty() || text.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = HexDigit(text[i]), lo = HexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

// The first "{8-4-4-4-12}" in `bytes`, upper-case.
std::string FirstGuid(std::string_view bytes) {
  constexpr std::string_view kShape = "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}";
  for (size_t at = bytes.find('{'); at != std::string_view::npos;
       at = bytes.find('{', at + 1)) {
    if (bytes.size() - at < kShape.size()) break;
    std::string guid;
    bool ok = true;
    for (size_t i = 0; i < kShape.size() && ok; ++i) {
      const char c = bytes[at + i];
      if (kShape[i] == 'x') {
        ok = HexDigit(c) >= 0;
        guid += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 32) : c;
      } else {
        ok = c == kShape[i];
        guid += c;
      }
    }
    if (ok) return guid;
  }
  return {};
}

// "Product: Zoom -- Installation completed successfully." -> "Zoom".
std::string NameOfMessage(std::string_view text) {
  constexpr std::string_view kPrefix = "Product: ";
  if (text.substr(0, kPrefix.size()) != kPrefix) return {};
  text.remove_prefix(kPrefix.size());
  const size_t dashes = text.rfind(" -- ");
  if (dashes == std::string_view::npos) return {};
  return std::string(TrimAscii(text.substr(0, dashes)));
}

std::string At(const EvtxEvent& e, size_t i) {
  if (i >= e.strings.size() || e.strings[i] == "(NULL)") return {};
  return std::string(TrimAscii(e.strings[i]));
}

}  // namespace

std::string MsiProductCode(const EvtxEvent& event) {
  std::string code = FirstGuid(event.data);
  if (!code.empty()) return code;
  // libevtx hands the Binary element over as one more string, in hex.
  for (auto it = event.strings.rbegin(); it != event.strings.rend(); ++it) {
    if (std::optional<std::string> bytes = FromHex(*it)) {
      code = FirstGuid(*bytes);
      if (!code.empty()) return code;
    }
  }
  return {};
}

bool MsiInstallerHistory::Add(const EvtxEvent& event) {
  std::optional<Kind> kind;
  std::string name, version, publisher;
  switch (event.event_id) {
    case 11707:
    case 11724:
      name = NameOfMessage(At(event, 0));
      kind = event.event_id == 11707 ? Kind::kInstalled : Kind::kRemoved;
      break;
    case 1033:
    case 1034:
      // 4th string: the installation's success or error status.
      if (At(event, 3) != "0") return true;
      name = At(event, 0);
      version = At(event, 1);
      publisher = At(event, 4);
      kind = event.event_id == 1033 ? Kind::kInstalled : Kind::kRemoved;
      break;
    default:
      return true;  // not a completed install or removal
  }
  const std::string code = MsiProductCode(event);
  if (name.empty() && code.empty()) return true;
  const std::string key = code.empty() ? "name:" + AsciiLower(name) : code;
  auto it = products_.find(key);
  if (it == products_.end()) {
    if (products_.size() >= kMaxProducts) return false;
    it = products_.emplace(key, Product{}).first;
    it->second.product_code = code;
    it->second.first_seen = products_.size();
  }
  Product& p = it->second;
  if (!name.empty()) p.name = name;
  if (!version.empty()) p.version = version;
  if (!publisher.empty()) p.publisher = publisher;
  const std::string when = WindowsFiletimeToRfc3339(event.written);
  if (*kind == Kind::kInstalled) {
    // 11707 and 1033 of one install: the later one decides, same moment.
    p.installed_at = when;
    p.removed_at.clear();
    p.removed_last = false;
  } else {
    p.removed_at = when;
    p.removed_last = true;
  }
  p.deciding_record = event.record_id;
  return true;
}

std::vector<Software> MsiInstallerHistory::Records() const {
  std::vector<const Product*> order;
  for (const auto& [key, p] : products_) order.push_back(&p);
  std::sort(order.begin(), order.end(), [](const Product* a, const Product* b) {
    return a->first_seen < b->first_seen;
  });
  std::vector<Software> out;
  for (const Product* p : order) {
    Software sw;
    sw.ecosystem = "windows";
    sw.id = p->product_code.empty() ? p->name : p->product_code;
    sw.name = p->name;
    sw.version = p->version;
    sw.publisher = p->publisher;
    sw.state = SoftwareState::kRemoved;
    sw.installed_at = p->installed_at;
    if (p->removed_last) sw.removed_at = p->removed_at;
    sw.source_key = "EventRecordID " + std::to_string(p->deciding_record);
    out.push_back(std::move(sw));
  }
  return out;
}

}  // namespace contraband
