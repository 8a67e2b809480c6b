#include "collectors/ios/ios_app.h"

namespace contraband {
namespace {

std::string ScalarText(const PlistValue* v) {
  if (!v) return {};
  switch (v->type) {
    case PlistValue::Type::kString:
    case PlistValue::Type::kDate:
      return v->text;
    case PlistValue::Type::kInteger:
      return std::to_string(v->integer);
    default:
      return {};
  }
}

}  // namespace

Software IosAppFromInfo(const PlistValue& info,
                        std::string_view fallback_name) {
  Software sw;
  sw.ecosystem = "ios";
  sw.id = info.StringAt("CFBundleIdentifier");
  sw.name = info.StringAt("CFBundleDisplayName");
  if (sw.name.empty()) sw.name = info.StringAt("CFBundleName");
  if (sw.name.empty()) sw.name = std::string(fallback_name);
  sw.version = info.StringAt("CFBundleShortVersionString");
  if (sw.version.empty()) sw.version = info.StringAt("CFBundleVersion");
  return sw;
}

ItunesMetadata ReadItunesMetadata(const PlistValue& metadata) {
  ItunesMetadata m;
  if (metadata.type != PlistValue::Type::kDict) return m;
  m.item_id = ScalarText(metadata.Find("itemId"));
  m.artist = metadata.StringAt("artistName");
  m.bundle_id = metadata.StringAt("softwareVersionBundleId");
  m.version = metadata.StringAt("bundleShortVersionString");
  m.apple_id = ScalarText(metadata.Find("appleId"));
  if (m.apple_id.empty()) m.apple_id = ScalarText(metadata.Find("AppleID"));
  m.purchase_date = ScalarText(metadata.Find("purchaseDate"));
  if (const PlistValue* download =
          metadata.Find("com.apple.iTunesStore.downloadInfo")) {
    if (const PlistValue* account = download->Find("accountInfo")) {
      if (std::string id = ScalarText(account->Find("AppleID")); !id.empty()) {
        m.apple_id = id;
      }
    }
    if (std::string date = ScalarText(download->Find("purchaseDate"));
        !date.empty()) {
      m.purchase_date = date;
    }
  }
  return m;
}

void ApplyItunesMetadata(const ItunesMetadata& metadata, Software& app) {
  if (app.publisher.empty()) app.publisher = metadata.artist;
  if (app.user.empty()) app.user = metadata.apple_id;
  if (app.id.empty()) app.id = metadata.bundle_id;
  if (app.version.empty()) app.version = metadata.version;
  if (app.store_id.empty()) app.store_id = metadata.item_id;
}

}  // namespace contraband
