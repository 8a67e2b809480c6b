#include "formats/snapd_state.h"

#include <nlohmann/json.hpp>

#include "formats/parse_error.h"

namespace contraband {
namespace {

using nlohmann::json;

// snapd writes revisions as strings ("33", "x1"); older or hand-made states
// may hold numbers.
std::string RevisionText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  return {};
}

std::string StringOr(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

SnapdSnap ReadSnap(const std::string& instance, const json& v,
                   const SnapdStateLimits& limits) {
  SnapdSnap s;
  s.instance = instance;
  // An instance "name_key" is a parallel install of snap "name".
  s.name = instance.substr(0, instance.find('_'));
  if (!v.is_object()) {
    s.error = "entry is not an object";
    return s;
  }
  s.type = StringOr(v, "type");
  s.channel = StringOr(v, "channel");
  if (s.channel.empty()) s.channel = StringOr(v, "tracking-channel");
  if (auto it = v.find("active"); it != v.end() && it->is_boolean()) {
    s.active = it->get<bool>();
  }
  if (auto it = v.find("current"); it != v.end())
    s.revision = RevisionText(*it);
  if (s.revision == "unset") s.revision.clear();

  auto seq = v.find("sequence");
  if (seq == v.end() || !seq->is_array()) {
    s.error = "has no \"sequence\" list of revisions";
    return s;
  }
  if (seq->size() > limits.max_sequence) {
    s.error = "sequence has more than " + std::to_string(limits.max_sequence) +
              " revisions";
    return s;
  }
  bool found = false;
  for (const json& side : *seq) {
    if (!side.is_object()) {
      s.error = "a sequence entry is not an object";
      continue;
    }
    std::string rev;
    if (auto it = side.find("revision"); it != side.end())
      rev = RevisionText(*it);
    s.revisions.push_back(rev);
    if (!s.revision.empty() && rev == s.revision) {
      found = true;
      if (std::string n = StringOr(side, "name"); !n.empty()) s.name = n;
      s.snap_id = StringOr(side, "snap-id");
    }
  }
  if (s.revision.empty()) {
    s.error = "has no current revision";
  } else if (!found && s.error.empty()) {
    s.error = "current revision " + s.revision + " is not in its sequence";
  }
  return s;
}

}  // namespace

SnapdState ParseSnapdState(std::string_view text,
                           const SnapdStateLimits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ParseError("state is " + std::to_string(text.size()) +
                     " bytes, over the " + std::to_string(limits.max_bytes) +
                     "-byte limit");
  }
  // Keep only data.snaps while parsing: a long-lived state.json is mostly
  // change and task history, which would otherwise be held in memory.
  std::vector<std::string> path;  // the keys leading to the current value
  auto keep = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > limits.max_depth) {
      throw ParseError("nested deeper than " +
                       std::to_string(limits.max_depth) + " levels");
    }
    if (event != json::parse_event_t::key) return true;
    path.resize(static_cast<size_t>(depth));
    path[static_cast<size_t>(depth) - 1] =
        parsed.is_string() ? parsed.get<std::string>() : std::string();
    if (depth == 1) return path[0] == "data";
    if (depth == 2) return path[0] == "data" && path[1] == "snaps";
    return true;
  };
  json root;
  try {
    root = json::parse(text.begin(), text.end(), keep);
  } catch (const json::exception& e) {
    throw ParseError(std::string("not valid JSON: ") + e.what());
  }
  if (!root.is_object()) throw ParseError("top level is not a JSON object");

  SnapdState state;
  auto data = root.find("data");
  if (data == root.end() || data->is_null()) return state;
  if (!data->is_object()) throw ParseError("\"data\" is not an object");
  auto snaps = data->find("snaps");
  if (snaps == data->end() || snaps->is_null()) return state;
  if (!snaps->is_object()) throw ParseError("data.snaps is not an object");
  if (snaps->size() > limits.max_snaps) {
    throw ParseError("data.snaps has more than " +
                     std::to_string(limits.max_snaps) + " entries");
  }
  for (const auto& [instance, v] : snaps->items()) {
    state.snaps.push_back(ReadSnap(instance, v, limits));
  }
  return state;
}

}  // namespace contraband
