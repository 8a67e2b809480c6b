#include "cli/library_versions.h"

#include <archive.h>
#include <argon2.h>
#include <libbde.h>
#include <libbfio.h>
#include <libevtx.h>
#include <libewf.h>
#include <libfsapfs.h>
#include <libfsxfs.h>
#include <libvhdi.h>
#include <libvmdk.h>
#include <libvshadow.h>
#include <libvslvm.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <tsk/libtsk.h>

#include <CLI/Version.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

namespace contraband {

std::vector<LibraryVersion> LinkedLibraries() {
  std::vector<LibraryVersion> out = {
      {"libarchive", archive_version_string(), "BSD-2-Clause"},
      {"OpenSSL", OpenSSL_version(OPENSSL_VERSION), "Apache-2.0"},
      {"SQLite", sqlite3_libversion(), "public domain"},
      {"The Sleuth Kit", tsk_version_get_str(), "CPL-1.0 and IPL-1.0"},
      {"libewf", libewf_get_version(), "LGPL-3.0-or-later"},
      {"libvmdk", libvmdk_get_version(), "LGPL-3.0-or-later"},
      {"libvhdi", libvhdi_get_version(), "LGPL-3.0-or-later"},
      {"libvslvm", libvslvm_get_version(), "LGPL-3.0-or-later"},
      {"libfsxfs", libfsxfs_get_version(), "LGPL-3.0-or-later"},
      {"libfsapfs", libfsapfs_get_version(), "LGPL-3.0-or-later"},
      {"libbde", libbde_get_version(), "LGPL-3.0-or-later"},
      {"libvshadow", libvshadow_get_version(), "LGPL-3.0-or-later"},
      {"libevtx", libevtx_get_version(), "LGPL-3.0-or-later"},
      {"libbfio", libbfio_get_version(), "LGPL-3.0-or-later"},
      // libargon2 has no version call: its algorithm version (0x13) instead.
      {"libargon2", "algorithm " + std::to_string(ARGON2_VERSION_NUMBER),
       "CC0-1.0 or Apache-2.0"},
      // RE2 has no version call or macro: the build records its package's.
      {"RE2", CONTRABAND_RE2_VERSION, "BSD-3-Clause"},
      {"CLI11", CLI11_VERSION, "BSD-3-Clause"},
      // PUGIXML_VERSION is major * 1000 + minor * 10 (1130: 1.13).
      {"pugixml",
       std::to_string(PUGIXML_VERSION / 1000) + "." +
           std::to_string(PUGIXML_VERSION % 1000 / 10),
       "MIT"},
      {"nlohmann/json",
       std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
           std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
           std::to_string(NLOHMANN_JSON_VERSION_PATCH),
       "MIT"},
  };
  // libarchive names the compression libraries it was built with
  // ("zlib/1.2.13 liblzma/5.4.1 ..."), which are linked here too.
  std::istringstream details(archive_version_details());
  std::string word;
  while (details >> word) {
    size_t slash = word.find('/');
    if (slash == std::string::npos) continue;
    std::string name = word.substr(0, slash);
    std::string licence = name == "zlib"      ? "Zlib"
                          : name == "liblzma" ? "0BSD / public domain"
                          : name == "bz2lib"  ? "bzip2-1.0.6"
                          : name == "liblz4"  ? "BSD-2-Clause"
                          : name == "libzstd" ? "BSD-3-Clause"
                          : name == "libb2"   ? "CC0-1.0"
                                              : "see its package";
    out.push_back({name, word.substr(slash + 1), licence});
  }
  return out;
}

}  // namespace contraband
