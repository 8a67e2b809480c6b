// MSIX / AppX package manifests: AppxManifest.xml at the root of an installed
// package folder (Program Files/WindowsApps/<full name>/) and a bundle's
// AppxMetadata/AppxBundleManifest.xml. Read with pugixml: no DTD is ever
// processed (a manifest with a DOCTYPE is refused, as Windows refuses it), so
// entity tricks cannot expand. Also the package identity arithmetic Windows
// does: publisher id, family name, full name.
// Identity: "Package identity overview" (learn.microsoft.com, MSIX docs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace contraband {

/// Larger than any real manifest (the biggest Windows ships are ~300 KB).
inline constexpr uint64_t kMaxAppxManifestBytes = 4u << 20;

/// What the package's <Identity> and <Properties> say. Text is UTF-8 and kept
/// as written: "ms-resource:AppName" display names are not resolved (that
/// needs the package's resources.pri).
struct AppxManifest {
  bool bundle = false;    ///< an AppxBundleManifest.xml (<Bundle>)
  std::string name;       ///< Identity Name
  std::string publisher;  ///< Identity Publisher, the signer's subject DN
  std::string version;    ///< Identity Version, "1.2.3.4"
  /// Identity ProcessorArchitecture (x86, x64, arm, arm64, neutral, ...);
  /// "neutral" when absent, as Windows takes it.
  std::string architecture;
  std::string resource_id;             ///< Identity ResourceId, usually empty
  std::string display_name;            ///< Properties/DisplayName
  std::string publisher_display_name;  ///< Properties/PublisherDisplayName

  /// Name + "_" + AppxPublisherId(publisher).
  std::string FamilyName() const;
  /// Name_Version_Architecture_ResourceId_PublisherId: the folder name
  /// Windows installs the package under. A bundle's resource id is "~".
  std::string FullName() const;
};

/// Parses a manifest (a package's or a bundle's). Throws ParseError when it
/// is larger than kMaxAppxManifestBytes, is not well-formed XML, has a
/// DOCTYPE, or has no <Package>/<Bundle> root with an <Identity> naming
/// Name and Publisher.
AppxManifest ParseAppxManifest(std::string_view xml);

/// The 13-character publisher id Windows derives from a publisher DN: the
/// first 8 bytes of SHA-256 over the DN in UTF-16LE, as 65 bits (one zero
/// bit appended) in Crockford's base32, lower case. Invalid UTF-8 is taken
/// as U+FFFD per bad byte.
std::string AppxPublisherId(std::string_view publisher);

/// A package full name split into its parts ("Microsoft.SkypeApp_12.1811.
/// 248.0_x64__kzf8qxf38zg5c"); nullopt when it does not have five parts or
/// its publisher id is not 13 base32 characters.
struct AppxFullName {
  std::string name, version, architecture, resource_id, publisher_id;
  std::string FamilyName() const { return name + "_" + publisher_id; }
};
std::optional<AppxFullName> ParseAppxFullName(std::string_view full_name);

/// Whether a manifest or registry string is a resource reference rather than
/// text: "ms-resource:..." or an indirect string "@{...}".
bool IsAppxResourceReference(std::string_view text);

}  // namespace contraband
