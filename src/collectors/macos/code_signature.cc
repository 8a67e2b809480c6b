#include "collectors/macos/code_signature.h"

namespace contraband {

void ApplyCodeSignature(const MachOSignature& sig, Software& sw) {
  sw.signer.team_id = sig.team_id;
  if (!sig.has_cms) return;
  sw.signer.subject =
      sig.signer.common_name.empty() ? sig.signer.subject : sig.signer.common_name;
  sw.signer.cert_sha256 = sig.signer.cert_sha256;
  if (sw.publisher.empty()) sw.publisher = sig.signer.organization;
}

}  // namespace contraband
