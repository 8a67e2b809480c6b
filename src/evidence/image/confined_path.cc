#include "evidence/image/confined_path.h"

#include "evidence/vfs.h"

namespace contraband {
namespace {

namespace fs = std::filesystem;

bool IsUnder(const fs::path& path, const fs::path& dir) {
  auto p = path.begin();
  for (auto d = dir.begin(); d != dir.end(); ++d, ++p) {
    if (d->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *d) return false;
  }
  return true;
}

}  // namespace

std::vector<fs::path> AllowedImageDirs(
    const std::string& image_path,
    const std::vector<std::string>& allow_backing) {
  std::error_code ec;
  std::vector<fs::path> allowed;
  allowed.push_back(
      fs::weakly_canonical(fs::path(image_path), ec).parent_path());
  for (const std::string& dir : allow_backing) {
    allowed.push_back(fs::weakly_canonical(dir, ec));
  }
  return allowed;
}

fs::path ConfinedPath(const std::string& image_path, const std::string& name,
                      const std::vector<fs::path>& allowed,
                      const std::vector<std::string>& chain,
                      const std::string& title, const std::string& role) {
  const fs::path image_dir = fs::path(image_path).parent_path();
  const fs::path file =
      fs::path(name).is_absolute()
          ? fs::path(name)
          : (image_dir.empty() ? fs::path(".") : image_dir) / name;
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(file, ec);
  if (ec || !fs::is_regular_file(real, ec)) {
    throw EvidenceError(title + " needs its " + role + " \"" + name +
                        "\" (looked for " + file.string() +
                        "); put it beside the image under that name");
  }
  bool ok = false;
  for (const fs::path& dir : allowed) ok = ok || IsUnder(real, dir);
  if (!ok) {
    throw EvidenceError(title + " names " + role + " " + real.string() +
                        ", outside the image's folder; it is read only with "
                        "--allow-backing " +
                        real.parent_path().string());
  }
  for (const std::string& seen : chain) {
    if (fs::weakly_canonical(seen, ec) == real) {
      throw EvidenceError(title + " has " + role + " " + real.string() +
                          ", which is already in its chain");
    }
  }
  return real;
}

}  // namespace contraband
