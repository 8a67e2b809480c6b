#include "support/hive_merge.h"

#include <catch2/catch.hpp>
#include <cstdio>

#include "support/test_support.h"

namespace contraband::testing {

std::string RegFile(const std::vector<RegKey>& keys) {
  std::string out = "Windows Registry Editor Version 5.00\n\n";
  for (const RegKey& k : keys) {
    for (size_t p = k.path.find('\\'); p != std::string::npos;
         p = k.path.find('\\', p + 1)) {
      out += "[\\" + k.path.substr(0, p) + "]\n\n";
    }
    out += "[\\" + k.path + "]\n";
    for (const auto& [name, value] : k.strings) {
      std::string escaped;
      for (char c : value) {
        if (c == '\\' || c == '"') escaped += '\\';
        escaped += c;
      }
      out += "\"" + name + "\"=\"" + escaped + "\"\n";
    }
    for (const auto& [name, value] : k.dwords) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "%08x", value);
      out += "\"" + name + "\"=dword:" + hex + "\n";
    }
    out += "\n";
  }
  return out;
}

void MergeIntoHive(const std::string& hive, const std::vector<RegKey>& keys,
                   const std::string& scratch) {
  const std::string reg = scratch + "/merge.reg";
  WriteHostFile(reg, RegFile(keys));
  RunResult r = Run("hivexregedit --merge " + ShellQuote(hive) + " " +
                    ShellQuote(reg));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace contraband::testing
