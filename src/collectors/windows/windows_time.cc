#include "collectors/windows/windows_time.h"

#include <ctime>

namespace contraband {

std::string UnixSecondsToRfc3339(int64_t seconds) {
  // Up to 9999-12-31: four-digit years, as RFC 3339 wants.
  constexpr int64_t kMax = 253402300799;
  if (seconds <= 0 || seconds > kMax) return {};
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return {};
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string WindowsFiletimeToRfc3339(uint64_t filetime) {
  constexpr uint64_t kEpochDelta = 11644473600ull;  // 1601 to 1970, seconds
  const uint64_t seconds = filetime / 10000000;
  if (seconds <= kEpochDelta) return {};
  return UnixSecondsToRfc3339(static_cast<int64_t>(seconds - kEpochDelta));
}

std::string AmcacheDateToRfc3339(std::string_view text) {
  // "07/16/2016 22:55:48": positions of the digits and separators.
  if (text.size() != 19) return {};
  constexpr std::string_view kShape = "00/00/0000 00:00:00";
  for (size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == '0' ? !digit : text[i] != kShape[i]) return {};
  }
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  const int month = num(0, 2), day = num(3, 2), year = num(6, 4);
  const int hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1970 ||
      hour > 23 || minute > 59 || second > 60) {
    return {};
  }
  const std::string t(text);
  return t.substr(6, 4) + "-" + t.substr(0, 2) + "-" + t.substr(3, 2) + "T" +
         t.substr(11, 8) + "Z";
}

}  // namespace contraband
