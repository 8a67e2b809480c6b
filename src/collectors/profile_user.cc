#include "collectors/profile_user.h"

namespace contraband {

std::string ProfileUser(std::string_view path) {
  constexpr std::string_view kUsers = "/Users/";
  if (path.substr(0, kUsers.size()) != kUsers) return {};
  path.remove_prefix(kUsers.size());
  const size_t slash = path.find('/');
  return slash == std::string_view::npos ? std::string()
                                         : std::string(path.substr(0, slash));
}

}  // namespace contraband
