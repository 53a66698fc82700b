#pragma once
// TLS for the clients that reach a live server (`probe --url wss://...`, the
// fault proxy's upstream): OpenSSL through Asio, the peer's certificate
// verified against the system's trust store or a given CA file, the host
// name checked against it (and sent as SNI). Boost-free; the Beast side is
// system/net/tls_context.hpp.
#include <string>

namespace bridgesim::net {

struct TlsClientOptions {
  bool enabled = false;   // wss:// (https:// for GET /health)
  std::string ca_file;    // PEM: CA(s) or the server's own certificate to trust; empty: the system's store
  bool insecure = false;  // no verification at all (the certificate and the host name are not checked)
};

// Throws ClientError naming the file when `ca_file` cannot be read as PEM
// certificates; nothing when TLS is off or no file is given.
void check_tls_options(const TlsClientOptions& tls);

// The line every command that was asked for --insecure prints and reports.
std::string insecure_warning(const std::string& where);

}  // namespace bridgesim::net
