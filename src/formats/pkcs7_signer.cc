#include "formats/pkcs7_signer.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <memory>

#include "common/sha256.h"
#include "formats/parse_error.h"

namespace contraband {

namespace {

struct Pkcs7Free {
  void operator()(PKCS7* p) const { PKCS7_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

// The first `nid` entry of `name` as UTF-8, "" when absent.
std::string NameEntry(X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  ASN1_STRING* data =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

// RFC 2253 with UTF-8 left as it is (not \-escaped).
std::string NameLine(X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

}  // namespace

Pkcs7Signer ParsePkcs7Signer(std::string_view der) {
  struct ClearErrors {
    ~ClearErrors() { ERR_clear_error(); }  // no state left for the next file
  } clear;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<PKCS7, Pkcs7Free> p7(
      d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7) throw ParseError("the signature is not a PKCS#7 structure");
  if (!PKCS7_type_is_signed(p7.get()) || !p7->d.sign) {
    throw ParseError("the signature is PKCS#7 but not SignedData");
  }
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7.get());
  if (!infos || sk_PKCS7_SIGNER_INFO_num(infos) < 1) {
    throw ParseError("the SignedData has no SignerInfo");
  }
  PKCS7_SIGNER_INFO* info = sk_PKCS7_SIGNER_INFO_value(infos, 0);
  if (!info || !info->issuer_and_serial) {
    throw ParseError("the SignerInfo names no issuer and serial number");
  }
  X509* cert = X509_find_by_issuer_and_serial(p7->d.sign->cert,
                                              info->issuer_and_serial->issuer,
                                              info->issuer_and_serial->serial);
  if (!cert) {
    throw ParseError(
        "the signer's certificate (by issuer and serial) is not in the "
        "SignedData");
  }
  Pkcs7Signer out;
  X509_NAME* subject = X509_get_subject_name(cert);
  out.common_name = NameEntry(subject, NID_commonName);
  out.organization = NameEntry(subject, NID_organizationName);
  out.organizational_unit =
      NameEntry(subject, NID_organizationalUnitName);
  out.subject = NameLine(subject);
  out.issuer = NameLine(X509_get_issuer_name(cert));
  std::unique_ptr<BIGNUM, BnFree> serial(
      ASN1_INTEGER_to_BN(X509_get_serialNumber(cert), nullptr));
  if (serial) {
    char* hex = BN_bn2hex(serial.get());
    if (hex) {
      out.serial_hex = hex;
      OPENSSL_free(hex);
    }
  }
  unsigned char* cert_der = nullptr;
  const int n = i2d_X509(cert, &cert_der);
  if (n <= 0) throw ParseError("the signer's certificate cannot be encoded");
  out.cert_sha256 = Sha256::Of(std::string_view(
      reinterpret_cast<char*>(cert_der), static_cast<size_t>(n)));
  OPENSSL_free(cert_der);
  return out;
}

}  // namespace contraband
