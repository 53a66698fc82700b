#pragma once
// Private to system/net and proxy/ (its wss:// upstream): the client-side OpenSSL context and the
// per-connection setup (SNI, verification, a readable reason when the
// certificate is refused).
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "system/net/beast_common.hpp"
#include "system/net/tls.hpp"

namespace bridgesim::net {

namespace ssl = asio::ssl;

// Throws ClientError when the CA file cannot be loaded.
std::shared_ptr<ssl::context> make_client_tls_context(const TlsClientOptions& tls);

// Verifies the chain (OpenSSL's verdict) and the leaf's name against `host`
// (ssl::host_name_verification: DNS names and IP addresses); the first reason
// a certificate is refused lands in *why.
std::function<bool(bool, ssl::verify_context&)> verifier(const std::string& host,
                                                         const std::shared_ptr<std::string>& why);

// SNI when `host` is a name (not an address).
bool set_server_name(SSL* handle, const std::string& host);

template <class SslStream>
void prepare_tls(SslStream& stream, const std::string& host, bool insecure, const std::shared_ptr<std::string>& why) {
  set_server_name(stream.native_handle(), host);
  if (insecure) {
    stream.set_verify_mode(ssl::verify_none);
    return;
  }
  stream.set_verify_mode(ssl::verify_peer);
  stream.set_verify_callback(verifier(host, why));
}

// "TLS handshake with HOST:PORT failed: <why or the OpenSSL error>" and, for
// a refused certificate, what to pass.
std::string tls_failure(const std::string& where, const error_code& ec, const std::string& why);

}  // namespace bridgesim::net
