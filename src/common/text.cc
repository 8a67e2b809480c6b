#include "common/text.h"

namespace contraband {

std::string_view TrimAscii(std::string_view s, std::string_view chars) {
  size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(chars);
  return s.substr(b, e - b + 1);
}

std::string_view TrimAsciiLeft(std::string_view s, std::string_view chars) {
  size_t b = s.find_first_not_of(chars);
  return b == std::string_view::npos ? std::string_view() : s.substr(b);
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool LineReader::Next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  size_t nl = text_.find('\n', pos_);
  line = text_.substr(
      pos_, nl == std::string_view::npos ? std::string_view::npos : nl - pos_);
  pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

size_t CountOccurrences(std::string_view text, std::string_view part) {
  size_t n = 0;
  if (part.empty()) return 0;
  for (size_t pos = text.find(part); pos != std::string_view::npos;
       pos = text.find(part, pos + 1)) {
    ++n;
  }
  return n;
}

}  // namespace contraband
