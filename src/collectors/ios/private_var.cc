#include "collectors/ios/private_var.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence/vfs.h"

namespace contraband {
namespace {

constexpr std::string_view kPrivateVar = "/private/var/";
constexpr std::string_view kVar = "/var/";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "/private/var/x" -> "/var/x"; other paths as they are.
std::string ToVar(std::string_view path) {
  if (!StartsWith(path, kPrivateVar)) return std::string(path);
  return std::string(kVar) + std::string(path.substr(kPrivateVar.size()));
}

// Reports of a collector that saw /var files as /private/var ones, with
// their paths written back.
class VarPathSink : public CollectorSink {
 public:
  explicit VarPathSink(CollectorSink& out) : out_(out) {}

  void Add(Software sw) override {
    sw.source = ToVar(sw.source);
    sw.location = ToVar(sw.location);
    for (AlsoSource& a : sw.also_sources) a.path = ToVar(a.path);
    out_.Add(std::move(sw));
  }
  void Warn(std::string_view path, std::string message) override {
    out_.Warn(ToVar(path), std::move(message));
  }
  std::string OwnerOf(std::string_view path) override {
    return out_.OwnerOf(ToVar(path));
  }

 private:
  CollectorSink& out_;
};

class PrivateVarAlias : public Collector {
 public:
  explicit PrivateVarAlias(std::unique_ptr<Collector> inner)
      : inner_(std::move(inner)) {
    for (const FileRequest& r : inner_->Requests()) {
      if (StartsWith(r.pattern, kPrivateVar)) twins_.push_back(ToVar(r.pattern));
    }
  }

  std::vector<FileRequest> Requests() const override {
    std::vector<FileRequest> out = inner_->Requests();
    const size_t n = out.size();
    for (size_t i = 0; i < n; ++i) {
      if (!StartsWith(out[i].pattern, kPrivateVar)) continue;
      FileRequest twin = out[i];
      twin.pattern = ToVar(out[i].pattern);
      out.push_back(std::move(twin));
    }
    return out;
  }

  void Collect(const EvidenceFile& file, CollectorSink& sink) override {
    // Files come in path order: every /private/var one before any /var one.
    if (StartsWith(file.path, kPrivateVar)) saw_private_ = true;
    if (!IsTwin(file.path)) {
      inner_->Collect(file, sink);
      return;
    }
    if (saw_private_) return;  // the same file through the /var link
    saw_var_only_ = true;
    EvidenceFile as_private = file;
    as_private.path = "/private" + file.path;
    VarPathSink back(sink);
    inner_->Collect(as_private, back);
  }

  void Finish(CollectorSink& sink) override {
    if (!saw_var_only_) {
      inner_->Finish(sink);
      return;
    }
    VarPathSink back(sink);
    inner_->Finish(back);
  }

 private:
  bool IsTwin(std::string_view path) const {
    if (!StartsWith(path, kVar)) return false;
    for (const std::string& pattern : twins_) {
      if (GlobMatch(pattern, path)) return true;
    }
    return false;
  }

  std::unique_ptr<Collector> inner_;
  std::vector<std::string> twins_;  // the /var patterns added
  bool saw_private_ = false;
  bool saw_var_only_ = false;
};

}  // namespace

std::unique_ptr<Collector> WithPrivateVarAlias(std::unique_ptr<Collector> inner) {
  return std::make_unique<PrivateVarAlias>(std::move(inner));
}

}  // namespace contraband
