#include "collectors/windows/appmodel_repository.h"

#include "common/wildcard.h"
#include "formats/parse_error.h"

namespace contraband {
namespace {

constexpr size_t kMaxProblems = 20;
constexpr std::string_view kClassesSuffix = "_Classes";

}  // namespace

AppModelRepository ReadAppModelRepository(const RegfHive& hive) {
  AppModelRepository out;
  try {
    const std::string root = hive.Name(hive.root());
    if (root.size() > kClassesSuffix.size() &&
        AsciiLower(root.substr(root.size() - kClassesSuffix.size())) ==
            "_classes" &&
        root.rfind("S-", 0) == 0) {
      out.user_sid = root.substr(0, root.size() - kClassesSuffix.size());
    }
  } catch (const ParseError& e) {
    out.problems.push_back(std::string("root key: ") + e.what());
  }
  std::vector<std::pair<std::string, uint32_t>> subkeys;
  std::string spelled;
  try {
    const std::optional<uint32_t> key =
        hive.Find(hive.root(), kAppModelPackagesKey, &spelled);
    if (!key) return out;
    subkeys = hive.Subkeys(*key);
  } catch (const ParseError& e) {
    out.problems.push_back(std::string(kAppModelPackagesKey) + ": " + e.what() +
                           "; its packages cannot be listed");
    return out;
  }
  size_t damaged = 0;
  for (auto& [name, key] : subkeys) {
    AppModelPackage p;
    p.full_name = name;
    p.key_path = spelled + "\\" + name;
    try {
      for (const RegfValue& v : hive.Values(key)) {
        const std::string lower = AsciiLower(v.name);
        if (lower == "displayname") {
          p.display_name = RegfValueText(v);
        } else if (lower == "packagerootfolder") {
          p.root_folder = RegfValueText(v);
        }
      }
    } catch (const ParseError& e) {
      // The key's name is the registration; its values only add detail.
      if (++damaged <= kMaxProblems) {
        out.problems.push_back(p.key_path + ": " + e.what() +
                               "; its values are not read");
      }
    }
    out.packages.push_back(std::move(p));
  }
  if (damaged > kMaxProblems) {
    out.problems.push_back(std::to_string(damaged - kMaxProblems) +
                           " more package keys with damaged values");
  }
  return out;
}

}  // namespace contraband
