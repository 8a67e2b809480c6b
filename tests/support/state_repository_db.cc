#include "support/state_repository_db.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>

#include "support/test_support.h"

namespace contraband::testing {

std::string SidHex(const std::string& sid) {
  // S-1-<authority>-<sub>...: revision, count, 48-bit big-endian authority,
  // little-endian 32-bit sub-authorities.
  std::vector<uint64_t> parts;
  size_t pos = 2;  // after "S-"
  while (pos <= sid.size()) {
    size_t end = sid.find('-', pos);
    if (end == std::string::npos) end = sid.size();
    parts.push_back(std::stoull(sid.substr(pos, end - pos)));
    pos = end + 1;
  }
  REQUIRE(parts.size() >= 2);
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  auto byte = [&](uint64_t b) {
    out += kHex[(b >> 4) & 15];
    out += kHex[b & 15];
  };
  byte(parts[0]);
  byte(parts.size() - 2);
  for (int i = 5; i >= 0; --i) byte(parts[1] >> (8 * i));
  for (size_t i = 2; i < parts.size(); ++i) {
    for (int k = 0; k < 4; ++k) byte(parts[i] >> (8 * k));
  }
  return out;
}

void WriteStateRepository(const std::string& path,
                          const std::vector<SrdPackage>& packages) {
  std::string sql = R"(PRAGMA journal_mode=WAL;
CREATE TABLE PackageFamily(_PackageFamilyID INTEGER PRIMARY KEY NOT NULL,
  _Revision INTEGER NOT NULL DEFAULT 1, PackageFamilyName TEXT NOT NULL UNIQUE,
  Name TEXT NOT NULL, Publisher TEXT NOT NULL, PublisherId TEXT NOT NULL);
CREATE TABLE Package(_PackageID INTEGER PRIMARY KEY NOT NULL,
  _Revision INTEGER NOT NULL DEFAULT 1,
  PackageFamily INTEGER NOT NULL REFERENCES PackageFamily(_PackageFamilyID),
  PackageFullName TEXT NOT NULL UNIQUE, Flags INTEGER NOT NULL DEFAULT 0,
  PackageType INTEGER NOT NULL DEFAULT 1, Architecture INTEGER NOT NULL DEFAULT 9,
  ResourceId TEXT, Version INTEGER NOT NULL DEFAULT 0, DisplayName TEXT,
  PublisherDisplayName TEXT, InstalledLocation INTEGER);
CREATE TABLE "User"(_UserID INTEGER PRIMARY KEY NOT NULL,
  _Revision INTEGER NOT NULL DEFAULT 1, UserSid BLOB NOT NULL UNIQUE);
CREATE TABLE PackageUser(_PackageUserID INTEGER PRIMARY KEY NOT NULL,
  _Revision INTEGER NOT NULL DEFAULT 1,
  Package INTEGER NOT NULL REFERENCES Package(_PackageID),
  "User" INTEGER NOT NULL REFERENCES "User"(_UserID),
  PackageStatus INTEGER NOT NULL DEFAULT 0, InstallTime INTEGER);
)";
  std::map<std::string, int> users, families;
  int package_id = 0;
  for (const SrdPackage& p : packages) {
    const std::string name = p.full_name.substr(0, p.full_name.find('_'));
    const std::string family =
        name + p.full_name.substr(p.full_name.rfind('_'));
    if (!families.count(family)) {
      const int id = static_cast<int>(families.size()) + 1;
      families[family] = id;
      sql += "INSERT INTO PackageFamily VALUES(" + std::to_string(id) + ",1,'" +
             family + "','" + name + "','CN=x','" +
             family.substr(family.rfind('_') + 1) + "');\n";
    }
    ++package_id;
    sql +=
        "INSERT INTO Package(_PackageID,PackageFamily,PackageFullName) "
        "VALUES(" +
        std::to_string(package_id) + "," + std::to_string(families[family]) +
        ",'" + p.full_name + "');\n";
    for (const std::string& sid : p.user_sids) {
      if (!users.count(sid)) {
        const int id = static_cast<int>(users.size()) + 1;
        users[sid] = id;
        sql += "INSERT INTO \"User\" VALUES(" + std::to_string(id) + ",1,X'" +
               SidHex(sid) + "');\n";
      }
      sql += "INSERT INTO PackageUser(Package,\"User\",InstallTime) VALUES(" +
             std::to_string(package_id) + "," + std::to_string(users[sid]) +
             ",133000000000000000);\n";
    }
  }
  const std::string script = path + ".sql";
  WriteHostFile(script, sql);
  RunResult r = Run("sqlite3 " + ShellQuote(path) + " < " + ShellQuote(script) +
                    " >/dev/null && rm -f " + ShellQuote(script));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace contraband::testing
