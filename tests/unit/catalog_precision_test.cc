// Precision and recall of the published catalog, through the matcher.
// Recall is generated from the catalog itself: every value of every high rule
// yields a synthetic record that must be found, with high confidence, as
// that product alone (a copy-pasted id in two products fails), and must
// also be in catalog_recall_records.tsv, an independent copy of the verified
// identifiers, so a typo in a bundle id on either side fails the build. Precision is a suite of look-alikes that must
// match nothing: other vendors' "Zoom" tools, Telegram forks (a fork is not
// Telegram FZ-LLC's app: other package name, other signer), and products a
// policy does not name (Skype for Business under a consumer-Skype policy,
// WeCom under a WeChat-only policy).
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/catalog.h"
#include "catalog/matcher.h"
#include "support/test_support.h"

using namespace contraband;

namespace {

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

// A value the rule's pattern must accept: the value itself for equals, a
// longer one for a prefix, wildcards filled for a glob.
std::string SampleFor(MatchOp op, const std::string& value) {
  if (op == MatchOp::kPrefix) return value + "sample";
  if (op != MatchOp::kGlob) return value;
  std::string out;
  for (char c : value) {
    if (c == '*') out += "Sample";
    else if (c == '?') out += 'x';
    else out += c;
  }
  return out;
}

Software Record(const std::string& ecosystem, const std::string& field,
                const std::string& value) {
  Software sw;
  sw.ecosystem = ecosystem;
  FieldOf(sw, field) = value;
  return sw;
}

struct RecallRecord {
  std::string product, ecosystem, field, value;
};

std::vector<RecallRecord> RecallRecords() {
  std::istringstream in(testing::ReadHostFile(
      std::string(SOURCE_DIR) + "/tests/unit/catalog_recall_records.tsv"));
  std::vector<RecallRecord> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    RecallRecord r;
    std::istringstream cols(line);
    std::getline(cols, r.product, '\t');
    std::getline(cols, r.ecosystem, '\t');
    std::getline(cols, r.field, '\t');
    std::getline(cols, r.value);
    if (!r.value.empty() && r.value[0] == '*') r.value.erase(0, 1);  // see the header
    out.push_back(r);
  }
  return out;
}

std::vector<std::string> Products(const Matcher& m, const Software& sw) {
  std::vector<std::string> out;
  for (const Finding& f : m.Match(sw)) out.push_back(f.product->id);
  return out;
}

}  // namespace

TEST_CASE("recall: every high rule of the catalog matches a record made from it",
          "[catalog][recall]") {
  const Matcher all(EmbeddedCatalog(), {});
  const std::vector<RecallRecord> records = RecallRecords();
  REQUIRE(records.size() > 100);
  size_t checked = 0, regexes = 0;
  for (const Product& product : EmbeddedCatalog().products) {
    for (const Rule& rule : product.rules) {
      if (rule.confidence != Confidence::kHigh) continue;
      if (rule.op == MatchOp::kRegex) {
        // No sample can be generated: the records file gives full subjects.
        bool found = false;
        for (const RecallRecord& r : records) {
          if (r.product != product.id || r.field != rule.field) continue;
          std::vector<Finding> f = all.Match(Record(r.ecosystem, r.field, r.value));
          found |= f.size() == 1 && f[0].product == &product &&
                   f[0].confidence == Confidence::kHigh;
        }
        INFO(product.id << ": regex " << rule.values[0]);
        CHECK(found);
        ++regexes;
        continue;
      }
      for (const std::string& value : rule.values) {
        INFO(product.id << ": " << rule.field << " " << value
                        << " is not in catalog_recall_records.tsv (a typo?)");
        CHECK(std::any_of(records.begin(), records.end(), [&](const RecallRecord& r) {
          return r.product == product.id && r.field == rule.field && r.value == value &&
                 rule.AppliesTo(r.ecosystem);
        }));
      }
      std::vector<std::string> ecosystems = rule.ecosystems;
      if (ecosystems.empty()) ecosystems = KnownEcosystems();
      for (const std::string& eco : ecosystems) {
        for (const std::string& value : rule.values) {
          const Software sw = Record(eco, rule.field, SampleFor(rule.op, value));
          INFO(product.id << ": " << eco << " " << rule.field << " "
                          << ToString(rule.op) << " " << value);
          std::vector<Finding> f = all.Match(sw);
          REQUIRE(f.size() == 1);  // found, and as this product alone
          CHECK(f[0].product->id == product.id);
          CHECK(f[0].confidence == Confidence::kHigh);
          ++checked;
        }
      }
    }
  }
  CHECK(checked >= 120);
  CHECK(regexes >= 4);
}

TEST_CASE("precision: look-alikes match nothing in the whole catalog",
          "[catalog][precision]") {
  const Matcher all(EmbeddedCatalog(), {});
  struct LookAlike {
    const char* what;
    Software sw;
  };
  auto uninstall = [](const char* key, const char* name, const char* publisher) {
    Software sw = Record("windows", "id", key);
    sw.name = name;
    sw.publisher = publisher;
    return sw;
  };
  auto app = [](const char* eco, const char* id, const char* name, const char* team) {
    Software sw = Record(eco, "id", id);
    sw.name = name;
    sw.signer.team_id = team;
    return sw;
  };
  const std::vector<LookAlike> cases = {
      {"Sysinternals ZoomIt", uninstall("ZoomIt", "ZoomIt v8.01", "Sysinternals - www.sysinternals.com")},
      {"ZoomIt executable", [] {
         Software sw = Record("installer", "id", "ZoomIt.exe");
         sw.name = "ZoomIt64.exe";
         sw.signer.subject = "Microsoft Corporation";
         sw.location = "/Users/alice/Downloads/ZoomIt64.exe";
         return sw;
       }()},
      {"Zoom Player", uninstall("Zoom Player MAX_is1", "Zoom Player MAX 19.5", "Inmatrix LTD")},
      {"Zoom Player free", uninstall("Zoom Player FREE", "Zoom Player FREE", "Inmatrix")},
      {"xzoom (dpkg)", Record("dpkg", "id", "xzoom")},
      {"xzoom (rpm)", Record("rpm", "id", "xzoom")},
      {"Zoomerang on Android", app("android", "com.zoomerang.app", "Zoomerang", "")},
      {"Zoomerang loose APK", app("installer", "com.zoomerang.app", "Zoomerang", "")},
      {"a camera zoom app", app("ios", "com.example.zoomcamera", "Zoom Camera", "ABCDE12345")},
      {"Telegraph publishing app", uninstall("Telegraph", "Telegraph 2.1", "Telegraph Inc.")},
      {"Plus Messenger (Telegram fork)", app("android", "org.telegram.plus", "Plus Messenger", "")},
      {"Nekogram (Telegram fork)", app("android", "tw.nekomimi.nekogram", "Nekogram", "")},
      {"Telegram fork APK with its own certificate", [] {
         Software sw = Record("installer", "id", "org.telegram.plus");
         sw.signer.cert_sha256 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
         return sw;
       }()},
      {"Telegram fork for Windows", uninstall("64Gram Desktop_is1", "64Gram Desktop", "64Gram")},
      {"WhatsApp backup viewer", uninstall("WhatsApp Viewer", "WhatsApp Viewer 1.15", "Andreas Mausch")},
      {"a Kaspersky-free AV", uninstall("{00000000-0000-0000-0000-000000000000}", "Kasperle Kinderspiele", "Kasperle GmbH")},
      {"CamCard (INTSIG, not CamScanner)", app("android", "com.intsig.BCRLite", "CamCard", "")},
      {"another App Store app one digit off WeChat's id", [&app] {
         Software sw = app("ios", "com.example.notes", "Notes Plus", "");
         sw.store_id = "414478125";
         return sw;
       }()},
      {"an App Store id that starts like WhatsApp's", [&app] {
         Software sw = app("ios", "com.example.chat", "Chat", "");
         sw.store_id = "3106339970";
         return sw;
       }()},
  };
  for (const LookAlike& c : cases) {
    INFO(c.what);
    CHECK(Products(all, c.sw).empty());
  }
}

TEST_CASE("precision: Skype for Business under a consumer-Skype policy matches nothing",
          "[catalog][precision]") {
  const Matcher rostec(EmbeddedCatalog(), {"rostec-2021"});  // WhatsApp, Skype, Zoom
  const std::vector<Software> sfb = {
      Record("ios", "id", "com.microsoft.lync2013.iphone"),
      [] {  // Skype for Business for Mac: signed by the Team ID Skype shares
        Software sw = Record("macos", "id", "com.microsoft.SkypeForBusiness");
        sw.name = "Skype for Business";
        sw.signer.team_id = "AL798K98FX";
        return sw;
      }(),
      [] {
        Software sw = Record("windows", "id", "{90160000-012B-0409-1000-0000000FF1CE}");
        sw.name = "Skype for Business 2016";
        sw.publisher = "Microsoft Corporation";
        return sw;
      }(),
      [] {
        Software sw = Record("installer", "id", "lync.exe");
        sw.signer.subject = "Microsoft Corporation";
        return sw;
      }(),
  };
  for (const Software& sw : sfb) {
    INFO(sw.ecosystem << " " << sw.id);
    CHECK(Products(rostec, sw).empty());
  }
  // Consumer Skype is still found under the same policy.
  CHECK(Products(rostec, Record("macos", "id", "com.skype.skype")) ==
        std::vector<std::string>{"skype"});
  // And Skype for Business is its own product under Roskomnadzor's list.
  const Matcher rkn(EmbeddedCatalog(), {"ru-foreign-messengers-2023"});
  CHECK(Products(rkn, Record("ios", "id", "com.microsoft.lync2013.iphone")) ==
        std::vector<std::string>{"skype-for-business"});
}

TEST_CASE("precision: WeCom under a WeChat-only policy matches nothing",
          "[catalog][precision]") {
  const Matcher canada(EmbeddedCatalog(), {"ca-tbs-2023"});  // WeChat, Kaspersky
  const std::vector<Software> wecom = {
      [] {
        Software sw = Record("macos", "id", "com.tencent.WeWorkMac");
        sw.name = "企业微信";
        sw.signer.team_id = "88L2Q4487U";
        return sw;
      }(),
      Record("ios", "id", "com.tencent.ww"),
      Record("android", "id", "com.tencent.wework"),
      [] {
        Software sw = Record("windows", "id", "WXWork");
        sw.name = "企业微信";
        sw.publisher = "腾讯科技(深圳)有限公司";
        return sw;
      }(),
      [] {
        Software sw = Record("installer", "id", "WXWork.exe");
        sw.location = "/Program Files (x86)/WXWork/WXWork.exe";
        sw.signer.subject = "Tencent Technology(Shenzhen) Company Limited";
        return sw;
      }(),
  };
  for (const Software& sw : wecom) {
    INFO(sw.ecosystem << " " << sw.id);
    CHECK(Products(canada, sw).empty());
  }
  // WeChat itself is found under the same policy.
  CHECK(Products(canada, Record("android", "id", "com.tencent.mm")) ==
        std::vector<std::string>{"wechat"});
  // WeCom is its own product where a policy names Tencent's affiliates.
  const Matcher texas(EmbeddedCatalog(), {"tx-prohibited-tech"});
  CHECK(Products(texas, Record("macos", "id", "com.tencent.WeWorkMac")) ==
        std::vector<std::string>{"wecom"});
}
