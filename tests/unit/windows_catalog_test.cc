// The embedded catalog's Windows rules (signatures/products/*.json, issue 11
// part 7) run through the matcher on inventory rows shaped as the Windows
// collectors make them: Uninstall entries (ecosystem "windows": id = the key
// name, name = DisplayName, publisher = Publisher), MSIX packages ("msix": id =
// the package family name) and loose executables ("installer": the
// Authenticode signer's CN in signer.subject).
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/matcher.h"

using namespace contraband;

namespace {

const Matcher& WindowsMatcher() {
  static const Matcher kMatcher(EmbeddedCatalog(), {});
  return kMatcher;
}

Software Uninstall(const std::string& key, const std::string& display_name,
                   const std::string& publisher) {
  Software sw;
  sw.ecosystem = "windows";
  sw.id = key;
  sw.name = display_name;
  sw.publisher = publisher;
  return sw;
}

Software Msix(const std::string& family_name) {
  Software sw;
  sw.ecosystem = "msix";
  sw.id = family_name;
  return sw;
}

Software SignedExe(const std::string& file_name, const std::string& subject) {
  Software sw;
  sw.ecosystem = "installer";
  sw.name = file_name;
  sw.location = "/Users/alice/Downloads/" + file_name;
  sw.signer.subject = subject;
  return sw;
}

std::vector<std::string> Products(const Software& sw) {
  std::vector<std::string> out;
  for (const Finding& f : WindowsMatcher().Match(sw)) {
    out.push_back(f.product->id);
  }
  return out;
}

// The single finding of `sw`; fails the test when there is not exactly one.
Finding Only(const Software& sw) {
  std::vector<Finding> f = WindowsMatcher().Match(sw);
  INFO("id=" << sw.id << " name=" << sw.name << " publisher=" << sw.publisher
             << " subject=" << sw.signer.subject);
  REQUIRE(f.size() == 1);
  return f[0];
}

std::string& FieldOf(Software& sw, const std::string& field) {
  if (field == "id") return sw.id;
  if (field == "name") return sw.name;
  if (field == "publisher") return sw.publisher;
  if (field == "team_id") return sw.signer.team_id;
  if (field == "cert_sha256") return sw.signer.cert_sha256;
  if (field == "subject") return sw.signer.subject;
  if (field == "store_id") return sw.store_id;
  return sw.location;
}

}  // namespace

TEST_CASE("windows catalog: Zoom's Uninstall entries match zoom",
          "[catalog][windows]") {
  // Per-user install (ZoomInstallerFull.exe) in a user's NTUSER.DAT.
  Finding f = Only(Uninstall("ZoomUMX", "Zoom Workplace",
                             "Zoom Video Communications, Inc."));
  CHECK(f.product->id == "zoom");
  CHECK(f.confidence == Confidence::kHigh);
  CHECK(f.field == "id");
  // The machine-wide MSI: its key is a per-version ProductCode, so the
  // publisher decides.
  f = Only(Uninstall("{00000000-1111-2222-3333-444444444444}", "Zoom (64-bit)",
                     "Zoom Video Communications, Inc."));
  CHECK(f.product->id == "zoom");
  CHECK(f.confidence == Confidence::kMedium);
  // Only the display name: a low-confidence finding.
  f = Only(Uninstall("{00000000-1111-2222-3333-555555555555}",
                     "Zoom Workplace (ARM64)", ""));
  CHECK(f.product->id == "zoom");
  CHECK(f.confidence == Confidence::kLow);
}

TEST_CASE("windows catalog: ZoomIt and Zoom Player are not Zoom",
          "[catalog][windows]") {
  for (const Software& sw :
       {Uninstall("ZoomIt", "ZoomIt", "Sysinternals - www.sysinternals.com"),
        Uninstall("ZoomIt", "ZoomIt v9.01", "Sysinternals - www.sysinternals.com"),
        Uninstall("Zoom Player MAX_is1", "Zoom Player MAX", "Inmatrix LTD"),
        Uninstall("Zoom Player FREE_is1", "Zoom Player FREE 17.2", "Inmatrix LTD"),
        Uninstall("Zoom Player_is1", "Zoom Player", "Inmatrix"),
        // ZoomIt as a loose executable, signed by Microsoft.
        SignedExe("ZoomIt64.exe", "Microsoft Corporation")}) {
    INFO(sw.id << " / " << sw.name);
    CHECK(Products(sw).empty());
  }
}

TEST_CASE("windows catalog: WeCom is not WeChat", "[catalog][windows]") {
  // WeCom (企业微信, installed as WXWork) comes from the same company, with the
  // same Uninstall Publisher and the same Authenticode signer as WeChat.
  // Neither may make it a WeChat finding; until the catalog has a wecom
  // product it matches nothing at all.
  const bool has_wecom = EmbeddedCatalog().FindProduct("wecom") != nullptr;
  for (const Software& sw :
       {Uninstall("WXWork", "企业微信", "腾讯科技(深圳)有限公司"),
        Uninstall("WXWork", "WXWork", "Tencent Technology(Shenzhen) Company Limited"),
        Uninstall("WXWork", "WeCom", "Tencent"),
        Uninstall("{11111111-2222-3333-4444-555555555555}", "企业微信 4.1.33",
                  "Tencent Technology(Shenzhen) Company Limited"),
        SignedExe("WXWork.exe", "Tencent Technology(Shenzhen) Company Limited"),
        SignedExe("WeCom_4.1.33.exe",
                  "CN=Tencent Technology(Shenzhen) Company Limited, "
                  "O=Tencent Technology(Shenzhen) Company Limited, L=Shenzhen, "
                  "S=Guangdong Province, C=CN")}) {
    INFO(sw.id << " / " << sw.name << " / " << sw.signer.subject);
    for (const std::string& id : Products(sw)) {
      CHECK(id != "wechat");
      CHECK(id == "wecom");
    }
    if (!has_wecom) CHECK(Products(sw).empty());
  }
}

TEST_CASE("windows catalog: WeChat's own entries still match wechat",
          "[catalog][windows]") {
  Finding f = Only(Uninstall("WeChat", "WeChat", "腾讯科技(深圳)有限公司"));
  CHECK(f.product->id == "wechat");
  CHECK(f.confidence == Confidence::kHigh);
  f = Only(Uninstall("Weixin", "微信", "腾讯科技(深圳)有限公司"));
  CHECK(f.product->id == "wechat");
  CHECK(f.confidence == Confidence::kMedium);
  f = Only(Msix("TencentWeChatLimited.forWindows10_sdtnhv12zgd7a"));
  CHECK(f.product->id == "wechat");
  CHECK(f.confidence == Confidence::kHigh);
}

TEST_CASE("windows catalog: MSIX family names are high-confidence findings",
          "[catalog][windows]") {
  Finding f = Only(Msix("5319275A.WhatsAppDesktop_cv1g1gvanyjgm"));
  CHECK(f.product->id == "whatsapp");
  CHECK(f.confidence == Confidence::kHigh);
  CHECK(f.field == "id");
  CHECK(Only(Msix("5319275A.51895FA4EA97F_cv1g1gvanyjgm")).product->id ==
        "whatsapp");  // WhatsApp Beta
  CHECK(Only(Msix("Microsoft.SkypeApp_kzf8qxf38zg5c")).product->id == "skype");
  CHECK(Only(Msix("BytedancePte.Ltd.TikTok_6yccndn6064se")).product->id ==
        "tiktok");
  CHECK(Only(Msix("TelegramMessengerLLP.TelegramDesktop_t4vj0pshhgkwm"))
            .product->id == "telegram");
  CHECK(Only(Msix("TelegramFZ-LLC.Unigram_1vfw5zm9jmzqy")).product->id ==
        "telegram");
  // Another publisher's package that only shares a name part is nothing.
  CHECK(Products(Msix("5319275A.WhatsAppDesktop_8wekyb3d8bbwe")).empty());
  CHECK(Products(Msix("Microsoft.ZoomIt_8wekyb3d8bbwe")).empty());
}

TEST_CASE("windows catalog: loose executables match by their signer",
          "[catalog][windows]") {
  struct Case {
    const char* file;
    const char* subject;
    const char* product;
  };
  for (const Case& c : std::vector<Case>{
           {"setup.exe", "AO Kaspersky Lab", "kaspersky"},
           {"kts21.exe",
            "CN=AO Kaspersky Lab, O=AO Kaspersky Lab, STREET=\"sh Leningradskoye, "
            "39A / str 2\", L=Moscow, S=Moscow, C=RU, SERIALNUMBER=1027739867473",
            "kaspersky"},
           {"ZoomInstallerFull.exe", "Zoom Video Communications, Inc.", "zoom"},
           {"Zoom.exe",
            "CN=\"Zoom Video Communications, Inc.\", O=\"Zoom Video "
            "Communications, Inc.\", L=San Jose, S=California, C=US, "
            "SERIALNUMBER=4969967",
            "zoom"},
           {"Telegram.exe", "Telegram FZ-LLC", "telegram"},
           {"Skype-8.136.0.202.exe", "Skype Software Sarl", "skype"},
       }) {
    INFO(c.file << " signed by " << c.subject);
    Finding f = Only(SignedExe(c.file, c.subject));
    CHECK(f.product->id == c.product);
    CHECK(f.confidence == Confidence::kHigh);
    CHECK(f.field == "subject");
  }
  // A certificate that only names the company elsewhere in its subject is not
  // the signer: Kaspersky's TLS-interception root is in many trust stores.
  CHECK(Products(SignedExe(
                     "x.exe",
                     "CN=Kaspersky Anti-Virus Personal Root Certificate, "
                     "O=AO Kaspersky Lab, C=RU"))
            .empty());
}

TEST_CASE("windows catalog: Kaspersky's Uninstall entries match kaspersky",
          "[catalog][windows]") {
  Finding f = Only(Uninstall("{0F05E4E5-5A89-482C-9A62-47CC58643788}",
                             "Kaspersky Security Center Network Agent",
                             "AO Kaspersky Lab"));
  CHECK(f.product->id == "kaspersky");
  CHECK(f.confidence == Confidence::kHigh);
  CHECK(f.field == "id");
  f = Only(Uninstall("{27534751-4A40-48BD-B393-BC3BF28C876E}",
                     "Kaspersky Endpoint Security for Windows",
                     "AO Kaspersky Lab"));
  CHECK(f.product->id == "kaspersky");
  CHECK(f.confidence == Confidence::kMedium);
  // A consumer product whose key is not in the catalog: its publisher.
  f = Only(Uninstall("{AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE}",
                     "Kaspersky Standard", "Kaspersky"));
  CHECK(f.product->id == "kaspersky");
  CHECK(f.confidence == Confidence::kMedium);
  CHECK(f.field == "publisher");
}

TEST_CASE("windows catalog: Telegram's per-user key matches telegram",
          "[catalog][windows]") {
  Software sw = Uninstall("{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1",
                          "Telegram Desktop", "Telegram FZ-LLC");
  sw.user = "bob";
  sw.source_key =
      "Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\"
      "{53F49750-6209-4FBF-9CA8-7A333C87D1ED}_is1";
  Finding f = Only(sw);
  CHECK(f.product->id == "telegram");
  CHECK(f.confidence == Confidence::kHigh);
  CHECK(f.field == "id");
  CHECK(f.software.user == "bob");
  // Telegraph-named tools are not Telegram.
  CHECK(Products(Uninstall("Telegraph", "Telegraph Desktop", "")).empty());
}

TEST_CASE("windows catalog: Skype 8 matches skype, Skype for Business does not",
          "[catalog][windows]") {
  Finding f = Only(Uninstall("Skype_is1", "Skype version 8.118",
                             "Skype Technologies S.A."));
  CHECK(f.product->id == "skype");
  CHECK(f.confidence == Confidence::kHigh);
  // Classic Skype 7 (MSI) under WOW6432Node.
  f = Only(Uninstall("{7A3C7E05-EE37-47D6-99E1-2EB05A3DA3F7}", "Skype™ 7.40",
                     "Skype Technologies S.A."));
  CHECK(f.product->id == "skype");
  CHECK(f.confidence == Confidence::kMedium);
  // The skype product is consumer Skype; Skype for Business (Lync, part of
  // Office) is left out of it.
  CHECK(Products(Uninstall("{90160000-012B-0409-1000-0000000FF1CE}",
                           "Skype for Business 2016", "Microsoft Corporation"))
            .empty());
  CHECK(Products(Uninstall("{90160000-012B-0409-1000-0000000FF1CE}",
                           "Skype for Business Basic 2016", "Microsoft Corporation"))
            .empty());
  CHECK(Products(Uninstall("{A7B7A3E2-5F1C-4E9B-9C56-123456789ABC}",
                           "Skype Meetings App", "Microsoft Corporation"))
            .empty());
  CHECK(Products(SignedExe("lync.exe", "Microsoft Corporation")).empty());
}

TEST_CASE("windows catalog: display-name patterns are low with look-alikes "
          "excluded, every high Windows rule matches only its product",
          "[catalog][windows]") {
  const std::set<std::string> windows_ecosystems = {"windows", "msix",
                                                    "installer"};
  size_t high_values = 0;
  for (const Product& product : EmbeddedCatalog().products) {
    for (const Rule& rule : product.rules) {
      std::vector<std::string> ecosystems;
      for (const std::string& e : rule.ecosystems) {
        if (windows_ecosystems.count(e)) ecosystems.push_back(e);
      }
      if (ecosystems.empty()) continue;
      INFO(product.id << ": " << rule.field << " " << ToString(rule.op) << " "
                      << rule.values[0]);
      if (rule.field == "name" && rule.op != MatchOp::kEquals) {
        CHECK(rule.confidence == Confidence::kLow);
      }
      if (rule.op != MatchOp::kEquals || rule.confidence != Confidence::kHigh) {
        continue;
      }
      // Recall: a row carrying exactly the identifier finds this product,
      // with high confidence, and no other product.
      for (const std::string& eco : ecosystems) {
        for (const std::string& value : rule.values) {
          Software sw;
          sw.ecosystem = eco;
          FieldOf(sw, rule.field) = value;
          INFO(eco << " " << value);
          std::vector<Finding> f = WindowsMatcher().Match(sw);
          REQUIRE(f.size() == 1);
          CHECK(f[0].product->id == product.id);
          CHECK(f[0].confidence == Confidence::kHigh);
          ++high_values;
        }
      }
    }
  }
  CHECK(high_values >= 30);
}
