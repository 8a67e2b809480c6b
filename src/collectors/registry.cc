#include "collectors/registry.h"

namespace contraband {

// Each collector file defines one factory; declaring them here keeps the
// registration in this one list.
std::unique_ptr<Collector> MakeDpkgCollector();
std::unique_ptr<Collector> MakeRpmCollector();
std::unique_ptr<Collector> MakeApkCollector();
std::unique_ptr<Collector> MakePacmanCollector();
std::unique_ptr<Collector> MakeSnapCollector();
std::unique_ptr<Collector> MakeFlatpakCollector();
std::unique_ptr<Collector> MakeHomebrewCollector();
std::unique_ptr<Collector> MakeDesktopEntryCollector();
std::unique_ptr<Collector> MakeInstallMarkerCollector(const Catalog& catalog);
std::unique_ptr<Collector> MakeDpkgHistoryCollector();
std::unique_ptr<Collector> MakeAptHistoryCollector();
std::unique_ptr<Collector> MakeRpmHistoryCollector();
std::unique_ptr<Collector> MakePacmanHistoryCollector();
std::unique_ptr<Collector> MakeWindowsRegistryCollector();
std::unique_ptr<Collector> MakeMsixPackagesCollector();
std::unique_ptr<Collector> MakeAmcacheCollector();
std::unique_ptr<Collector> MakeMsiInstallerLogCollector();
std::unique_ptr<Collector> MakeWindowsExecutablesCollector();
std::unique_ptr<Collector> MakeAndroidPackagesCollector();
std::unique_ptr<Collector> MakeMacosAppsCollector();
std::unique_ptr<Collector> MakeMacosReceiptsCollector();
std::unique_ptr<Collector> MakeMacosLaunchdCollector();
std::unique_ptr<Collector> MakeMacosTccCollector();
std::unique_ptr<Collector> MakeIosTccCollector();
std::unique_ptr<Collector> MakeAndroidApkCollector();
std::unique_ptr<Collector> MakeAndroidDumpsysCollector();
std::unique_ptr<Collector> MakeAndroidBackupCollector();
std::unique_ptr<Collector> MakePlayStoreCollector();
std::unique_ptr<Collector> MakeAndroidDeviceCollector();
std::unique_ptr<Collector> MakeIosAppsCollector();
std::unique_ptr<Collector> MakeIosInstallHistoryCollector();
std::unique_ptr<Collector> MakeIosBackupCollector();
std::unique_ptr<Collector> MakeIosIpaCollector();
std::unique_ptr<Collector> MakeIosDeviceCollector();

const std::vector<CollectorInfo>& AllCollectors() {
  static const std::vector<CollectorInfo> kCollectors = {
      {"dpkg", "dpkg",
       "Debian/Ubuntu dpkg status database and distroless status.d",
       &MakeDpkgCollector},
      {"rpm", "rpm", "RHEL/Fedora/SUSE rpm database: Berkeley DB, sqlite, ndb",
       &MakeRpmCollector},
      {"apk", "apk", "Alpine apk installed database", &MakeApkCollector},
      {"pacman", "pacman", "Arch Linux pacman local database",
       &MakePacmanCollector},
      {"snap", "snap", "snapd state.json and mounted snaps' meta/snap.yaml",
       &MakeSnapCollector},
      {"flatpak", "flatpak",
       "flatpak apps, system-wide and in each user's home",
       &MakeFlatpakCollector},
      {"homebrew", "homebrew", "Homebrew formulae (Cellar) and casks (Caskroom)",
       &MakeHomebrewCollector},
      {"desktop-entry", "installer",
       "freedesktop .desktop launchers, system-wide and in each user's home",
       &MakeDesktopEntryCollector},
      {"install-marker", "installer",
       "files at install locations the catalog names (software installed "
       "without a package)",
       nullptr, &MakeInstallMarkerCollector},
      {"dpkg-history", "dpkg",
       "dpkg.log and its rotations: packages installed, then removed",
       &MakeDpkgHistoryCollector},
      {"apt-history", "dpkg",
       "apt history.log and its rotations: packages installed, then removed",
       &MakeAptHistoryCollector},
      {"rpm-history", "rpm",
       "dnf.rpm.log and yum.log: packages installed, then erased",
       &MakeRpmHistoryCollector},
      {"pacman-history", "pacman",
       "pacman.log: packages installed, then removed",
       &MakePacmanHistoryCollector},
      {"windows-registry", "windows",
       "Windows registry hives: SOFTWARE (Uninstall, WOW6432Node, Windows "
       "Installer products) and every profile's NTUSER.DAT; dirty hives "
       "replayed from .LOG1/.LOG2 in memory",
       &MakeWindowsRegistryCollector},
      {"msix", "msix",
       "MSIX/AppX packages: WindowsApps and SystemApps manifests, with the "
       "users StateRepository-Machine.srd and each UsrClass.dat register "
       "them for",
       &MakeMsixPackagesCollector},
      {"amcache", "windows",
       "Windows Amcache.hve: programs and executables Windows remembers "
       "after their removal (InventoryApplication, InventoryApplicationFile; "
       "Programs and File before Windows 10)",
       &MakeAmcacheCollector},
      {"msi-installer-log", "windows",
       "Application.evtx MsiInstaller events: products installed, then "
       "removed, with their dates",
       &MakeMsiInstallerLogCollector},
      {"windows-executables", "installer",
       "Windows executables under Program Files, ProgramData and each "
       "profile's AppData, Downloads and Desktop (version resource and "
       "Authenticode signer, headers only), and loose .msi installers",
       &MakeWindowsExecutablesCollector},
      {"android-packages", "android",
       "Android packages.xml (text or ABX) with signing certificates and "
       "install times, joined with every user's package-restrictions.xml; "
       "packages.list as fallback; usagestats (XML or protobuf) for each "
       "user's last use",
       &MakeAndroidPackagesCollector},
      {"macos-apps", "macos",
       "macOS application bundles in /Applications, ~/Applications, "
       "/System/Applications, inside other bundles and under /Library/"
       "Application Support: Info.plist and the main executable's code "
       "signature (Team ID, signer; load commands and signature only)",
       &MakeMacosAppsCollector},
      {"macos-receipts", "macos-pkg",
       "macOS Installer receipts (/var/db/receipts) and InstallHistory.plist: "
       "packages installed, and those whose receipt is gone",
       &MakeMacosReceiptsCollector},
      {"macos-launchd", "macos",
       "macOS launch daemons and agents (/Library/Launch{Daemons,Agents}, "
       "~/Library/LaunchAgents): a vendor's jobs left behind, as residue",
       &MakeMacosLaunchdCollector},
      {"macos-tcc", "macos",
       "macOS privacy decisions (TCC.db, the system's and each user's): apps "
       "that asked for the camera, microphone, screen..., remembered after "
       "they are deleted: sightings (removed) with the last decision's date",
       &MakeMacosTccCollector},
      {"android-apk", "android",
       "Android APKs: installed (/data/app/**/base.apk, system and product "
       "apps) and loose .apk/.apks/.xapk/.apkm files (ecosystem installer): "
       "binary manifest and v1-v3.1 signing certificate, read in ranges",
       &MakeAndroidApkCollector},
      {"android-dumpsys", "android",
       "Android package manager dumps: bugreports (dumpstate.txt, "
       "bugreport-*.txt), androidqf (dumpsys.txt, packages.json with "
       "certificate SHA-256), a live phone through adb: versions, code "
       "paths, install times and per-user install state",
       &MakeAndroidDumpsysCollector},
      {"android-backup", "android",
       "Android adb backups (.ab, decrypted with --password): each app's "
       "apps/<package>/_manifest, with versionCode and signing certificate "
       "SHA-256",
       &MakeAndroidBackupCollector},
      {"android-play-store", "android",
       "Google Play's localappstate.db and library.db: apps Play installed "
       "or the account acquired that packages.xml no longer lists, as "
       "removed, with their first-download dates",
       &MakePlayStoreCollector},
      {"android-device", "android",
       "which phone the evidence is (maker, model, Android version, build "
       "fingerprint, serial) from getprop.txt or /system/build.prop, for "
       "the evidence summary; no inventory rows",
       &MakeAndroidDeviceCollector},
      {"ios-apps", "ios",
       "iOS extraction apps: private/var/containers/Bundle/Application "
       "bundles (Info.plist, iTunesMetadata.plist, the main executable's "
       "Team ID), /Applications system apps, FrontBoard's "
       "applicationState.db and the App Store's storeSystem.db (apps whose "
       "bundle is gone: residue)",
       &MakeIosAppsCollector},
      {"ios-install-history", "ios",
       "iOS MobileInstallation logs (mobile_installation.log.N): apps "
       "installed, then uninstalled, with their dates",
       &MakeIosInstallHistoryCollector},
      {"ios-tcc", "ios",
       "iOS privacy decisions (private/var/mobile/Library/TCC/TCC.db): apps "
       "that asked for a permission, remembered after they are deleted: "
       "sightings (removed) with the last decision's date",
       &MakeIosTccCollector},
      {"ios-backup", "ios",
       "iTunes/Finder iPhone backups: Manifest.plist Applications (with "
       "iTunesMetadata), Info.plist Installed Applications, Manifest.db "
       "AppDomain-* domains, AppDomainGroup-* groups no listed app owns "
       "(residue) (decrypted in memory with --password)",
       &MakeIosBackupCollector},
      {"ios-ipa", "installer",
       "iPhone app files (.ipa, loose or given as evidence): Payload/*.app/"
       "Info.plist, iTunesMetadata.plist, the main executable's Team ID",
       &MakeIosIpaCollector},
      {"ios-device", "ios",
       "a live iPhone (evidence ios: or ios:UDID): the apps "
       "ideviceinstaller -l -o xml lists, read-only",
       &MakeIosDeviceCollector},
  };
  return kCollectors;
}

std::unique_ptr<Collector> Instantiate(const CollectorInfo& info,
                                       const Catalog* catalog) {
  if (info.make_for_catalog) {
    return catalog ? info.make_for_catalog(*catalog) : nullptr;
  }
  return info.make();
}

}  // namespace contraband
