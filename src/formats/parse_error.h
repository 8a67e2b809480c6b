// The one error type every byte parser throws. The scan runner catches it at
// the file boundary and turns it into a warning naming the collector and path.
#pragma once

#include <stdexcept>
#include <string>

namespace contraband {

/// A record or file could not be parsed. The message says what was wrong in
/// terms of the format ("stanza 12: field line without a name"); the caller
/// adds which file it was.
class ParseError : public std::runtime_error {
 public:
  explicit ParseError(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace contraband
