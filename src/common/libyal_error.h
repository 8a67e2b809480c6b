// libyal libraries (libewf, libvhdi, libevtx, ...) report errors as objects
// that must be printed and freed; one place turns them into a line of text.
#pragma once

#include <cstddef>
#include <string>

namespace contraband {

/// The message of a libyal error (libX_error_t*) as one line, then frees it.
/// `sprint` and `release` are the library's libX_error_sprint/_free.
template <typename Error>
std::string TakeYalError(Error*& error, int (*sprint)(Error*, char*, size_t),
                         void (*release)(Error**)) {
  if (!error) return "no details";
  char buf[1024] = {};
  sprint(error, buf, sizeof buf);
  release(&error);
  std::string out(buf);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "no details" : out;
}

}  // namespace contraband
