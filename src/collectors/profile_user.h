// The profile folder a path lies in: "/Users/alice/Downloads/x.exe" ->
// "alice". Windows and macOS both keep profiles under /Users, and their
// collectors name a per-user install's `user` by it.
#pragma once

#include <string>
#include <string_view>

namespace contraband {

/// The folder name after "/Users/"; "" for a path outside /Users.
std::string ProfileUser(std::string_view path);

}  // namespace contraband
