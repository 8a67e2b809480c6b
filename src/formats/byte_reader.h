// Checked access to untrusted bytes. Every binary parser reads through this so
// that no offset arithmetic can run past the end of its input (bloaty's util.h).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "formats/parse_error.h"

namespace contraband {

/// A cursor over a byte span. All reads are bounds-checked and throw
/// ParseError naming `what` when the input is too short.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t size() const { return data_.size(); }
  size_t offset() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  std::string_view data() const { return data_; }

  /// Moves the cursor to an absolute offset inside the span.
  void seek(uint64_t offset, const char* what) {
    if (offset > data_.size()) Fail(what, offset, 0);
    pos_ = static_cast<size_t>(offset);
  }
  void skip(uint64_t n, const char* what) {
    Need(n, what);
    pos_ += static_cast<size_t>(n);
  }

  /// The next n bytes as a view into the input.
  std::string_view bytes(uint64_t n, const char* what) {
    Need(n, what);
    std::string_view out = data_.substr(pos_, static_cast<size_t>(n));
    pos_ += static_cast<size_t>(n);
    return out;
  }

  template <typename T>
  T le(const char* what) {
    return Read<T>(what, /*big_endian=*/false);
  }
  template <typename T>
  T be(const char* what) {
    return Read<T>(what, /*big_endian=*/true);
  }

  /// A sub-span [offset, offset+length) of the whole input, checked.
  static std::string_view Slice(std::string_view data, uint64_t offset,
                                uint64_t length, const char* what) {
    if (offset > data.size() || length > data.size() - offset) {
      throw ParseError(std::string(what) + ": range " + std::to_string(offset) +
                       "+" + std::to_string(length) + " lies outside the " +
                       std::to_string(data.size()) + "-byte input");
    }
    return data.substr(static_cast<size_t>(offset), static_cast<size_t>(length));
  }

 private:
  void Need(uint64_t n, const char* what) const {
    if (n > data_.size() - pos_) Fail(what, pos_, n);
  }
  [[noreturn]] void Fail(const char* what, uint64_t at, uint64_t n) const {
    throw ParseError(std::string(what) + ": needs " + std::to_string(n) +
                     " bytes at offset " + std::to_string(at) + " of a " +
                     std::to_string(data_.size()) + "-byte input");
  }
  template <typename T>
  T Read(const char* what, bool big_endian) {
    Need(sizeof(T), what);
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      size_t idx = big_endian ? i : sizeof(T) - 1 - i;
      v = static_cast<T>((static_cast<uint64_t>(v) << 8) |
                         static_cast<unsigned char>(data_[pos_ + idx]));
    }
    pos_ += sizeof(T);
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace contraband
