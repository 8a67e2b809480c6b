// What the iOS collectors share: an app's Software record from the
// dictionary iOS keeps for it (a bundle's Info.plist, a backup's
// Manifest.plist "Applications" entry, ideviceinstaller's listing all carry
// the same CFBundle* keys) and from its App Store receipt, iTunesMetadata.
#pragma once

#include <string>
#include <string_view>

#include "formats/plist.h"
#include "scan/software.h"

namespace contraband {

/// ecosystem "ios"; id = CFBundleIdentifier (empty when absent); name =
/// CFBundleDisplayName, else CFBundleName, else `fallback_name`; version =
/// CFBundleShortVersionString, else CFBundleVersion. `info` must be a dict.
Software IosAppFromInfo(const PlistValue& info, std::string_view fallback_name);

/// An App Store purchase as iTunesMetadata.plist records it.
struct ItunesMetadata {
  std::string item_id;   ///< itemId: the App Store id (835599320)
  std::string artist;    ///< artistName: the seller
  std::string apple_id;  ///< the buyer's Apple ID (downloadInfo.accountInfo)
  std::string purchase_date;  ///< ISO 8601
  std::string bundle_id;      ///< softwareVersionBundleId
  std::string version;        ///< bundleShortVersionString
};

/// Reads the fields above from a parsed iTunesMetadata dictionary (empty
/// fields when absent; older files keep AppleID and purchaseDate at the top,
/// newer ones under com.apple.iTunesStore.downloadInfo).
ItunesMetadata ReadItunesMetadata(const PlistValue& metadata);

/// Adds what the purchase says to an app's record: publisher = artistName
/// (where the bundle gave none), user = the buying Apple ID, store_id =
/// itemId (the App Store id, which stays with the product whatever its
/// bundle id is renamed to).
void ApplyItunesMetadata(const ItunesMetadata& metadata, Software& app);

}  // namespace contraband
