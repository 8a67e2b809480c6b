// Fuzz target: catalog JSON loading and validation, then matching with it.
#include <cstddef>
#include <cstdint>
#include <string>

#include "catalog/catalog.h"
#include "catalog/matcher.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace contraband;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Catalog c = LoadCatalog({{"products/zoom.json", text}}, "fuzz");
    Matcher m(c, {});
    Software sw;
    sw.ecosystem = "dpkg";
    sw.id = sw.name = sw.location = "zoom";
    m.Match(sw);
  } catch (const CatalogError&) {
  }
  return 0;
}
