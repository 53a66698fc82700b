#include "system/net/tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "system/net/client.hpp"
#include "system/net/tls_context.hpp"

namespace bridgesim::net {

namespace {

std::string subject_of(X509* cert) {
  if (cert == nullptr) return "";
  char buffer[256] = {};
  X509_NAME_oneline(X509_get_subject_name(cert), buffer, sizeof buffer);
  return buffer;
}

}  // namespace

std::shared_ptr<ssl::context> make_client_tls_context(const TlsClientOptions& tls) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  error_code ec;
  if (!tls.ca_file.empty()) {
    context->load_verify_file(tls.ca_file, ec);
    if (ec) throw ClientError("--ca-file " + tls.ca_file + ": cannot load PEM certificates: " + ec.message());
  } else {
    context->set_default_verify_paths(ec);
    if (ec) throw ClientError("cannot load the system's trust store: " + ec.message());
  }
  return context;
}

void check_tls_options(const TlsClientOptions& tls) {
  if (tls.enabled) make_client_tls_context(tls);
}

std::string insecure_warning(const std::string& where) {
  return "WARNING: --insecure: the TLS certificate of " + where +
         " is NOT verified (any server, or anyone in the middle, is accepted)";
}

std::function<bool(bool, ssl::verify_context&)> verifier(const std::string& host,
                                                         const std::shared_ptr<std::string>& why) {
  return [host, why](bool preverified, ssl::verify_context& ctx) {
    X509_STORE_CTX* store = ctx.native_handle();
    if (!preverified) {
      if (why->empty()) {
        const int error = X509_STORE_CTX_get_error(store);
        const std::string subject = subject_of(X509_STORE_CTX_get_current_cert(store));
        *why = std::string(X509_verify_cert_error_string(error)) + (subject.empty() ? "" : " (" + subject + ")");
      }
      return false;
    }
    if (!ssl::host_name_verification(host)(preverified, ctx)) {
      if (why->empty()) {
        *why = "hostname mismatch: the certificate (" + subject_of(X509_STORE_CTX_get_current_cert(store)) +
               ") is not for " + host;
      }
      return false;
    }
    return true;
  };
}

bool set_server_name(SSL* handle, const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) return false;  // an address: no SNI (RFC 6066)
  return SSL_set_tlsext_host_name(handle, host.c_str()) == 1;
}

std::string tls_failure(const std::string& where, const error_code& ec, const std::string& why) {
  std::string text = "TLS handshake with " + where + " failed: ";
  if (!why.empty()) {
    text += "certificate verify failed: " + why +
            "; trust the server's CA (or its certificate) with --ca-file PATH, or skip verification with --insecure";
  } else {
    text += ec.message();
  }
  return text;
}

}  // namespace bridgesim::net
