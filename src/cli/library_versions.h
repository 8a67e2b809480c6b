// The libraries linked into this binary, with their versions as they report
// them at run time and their licences, for `contraband --version --verbose`.
#pragma once

#include <string>
#include <vector>

namespace contraband {

struct LibraryVersion {
  std::string name, version, licence;
};

std::vector<LibraryVersion> LinkedLibraries();

}  // namespace contraband
