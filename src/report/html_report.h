// Pieces of the HTML report (html_report.cc) that tests check on their own:
// escaping of evidence text, the link policy, and where a record's platform
// is for the product × platform picture.
#pragma once

#include <string>
#include <string_view>

#include "scan/software.h"

namespace contraband {

/// `text` made safe as HTML text and as a double- or single-quoted attribute
/// value: & < > " ' become character references; invalid UTF-8 bytes and
/// control characters other than tab, line feed and carriage return become
/// U+FFFD, so hostile evidence can neither add markup nor break the page.
std::string HtmlEscape(std::string_view text);

/// `url` when it is an https:// URL with no spaces or control characters,
/// else "": a report links only to https sources (the catalog's), never to
/// javascript:, data: or plain http.
std::string HttpsUrlOrEmpty(std::string_view url);

/// The platform column a record belongs to: "Windows", "macOS", "Linux",
/// "iOS", "Android", or "Other" when the record does not say (a loose
/// installer file of unknown kind).
std::string_view PlatformColumn(const Software& sw);

}  // namespace contraband
