// Fuzz target: AppX/MSIX manifests (pugixml over hostile bytes: encodings,
// DOCTYPE refusal, the identity fields) and the identity arithmetic on what
// they yield (publisher id, family and full names, full-name splitting);
// input that starts like a registry hive goes to the AppModel package reader
// instead (UsrClass.dat), and an SQLite database to the StateRepository
// reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "collectors/windows/appmodel_repository.h"
#include "formats/appx_manifest.h"
#include "formats/parse_error.h"
#include "formats/regf_hive.h"
#include "formats/state_repository.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.rfind("regf", 0) == 0) {
    try {
      RegfHive hive(bytes);
      AppModelRepository repo = ReadAppModelRepository(hive);
      for (const AppModelPackage& p : repo.packages) {
        (void)ParseAppxFullName(p.full_name);
      }
    } catch (const ParseError&) {
    }
    return 0;
  }
  if (bytes.rfind("SQLite format 3", 0) == 0) {
    try {
      (void)ReadStateRepository(bytes);
    } catch (const ParseError&) {
    }
    return 0;
  }
  (void)ParseAppxFullName(bytes);
  (void)IsAppxResourceReference(bytes);
  try {
    const AppxManifest m = ParseAppxManifest(bytes);
    const std::string full = m.FullName();
    if (m.FamilyName().size() != m.name.size() + 14) __builtin_trap();
    auto split = ParseAppxFullName(full);
    if (split && split->publisher_id != AppxPublisherId(m.publisher)) {
      __builtin_trap();
    }
  } catch (const ParseError&) {
  }
  return 0;
}
