// The signer of a PKCS#7 / CMS SignedData, as Windows Authenticode and Apple
// code signatures both carry one: the certificate matching the first
// SignerInfo's issuer and serial number. Identity, not validity: nothing is
// verified, so an expired or re-signed file still names who signed it.
#pragma once

#include <string>
#include <string_view>

namespace contraband {

struct Pkcs7Signer {
  std::string common_name;          ///< subject CN, UTF-8
  std::string organization;         ///< subject O, UTF-8
  std::string organizational_unit;  ///< subject OU (Apple: the Team ID)
  std::string subject;              ///< whole subject, RFC 2253 ("CN=...,O=...")
  std::string issuer;               ///< whole issuer, RFC 2253
  std::string serial_hex;           ///< upper-case hex, as openssl prints it
  std::string cert_sha256;  ///< lower-case hex SHA-256 of the certificate's DER
};

/// The signer of a DER PKCS#7 SignedData. Throws ParseError when it is not
/// SignedData or names no certificate it carries.
Pkcs7Signer ParsePkcs7Signer(std::string_view pkcs7_der);

}  // namespace contraband
