// Test support: a minimal HTTP/1.0 client for servers the tests run on 127.0.0.1 (the registry,
// the token server), so fixtures and tests can check what a server answers without the code
// under test.
//
//   HttpReply r = http_request("GET", server.url() + "/v2/", {basic_auth("alice", password)});
//   EXPECT_EQ(r.status, 401) << r.error;
//   std::string challenge = r.header("www-authenticate");
//
// Plain http:// to a numeric IPv4 host only; each call opens and closes one connection and reads
// the whole body into memory (fine for manifests and the small fixture blobs). Thread-safe (no
// shared state). Never throws: a failure to connect or a timeout leaves status 0 and sets error.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace strata::test {

struct HttpReply {
  int status = 0;                              // 0: no HTTP answer (see error)
  std::map<std::string, std::string> headers;  // names lower-cased; a repeated header: last one
  std::string body;
  std::string error;

  std::string header(const std::string& lower_case_name) const;
};

// headers: "Name: value" lines. timeout_ms bounds connect, send and each read.
HttpReply http_request(const std::string& method, const std::string& url,
                       const std::vector<std::string>& headers = {}, const std::string& body = "",
                       int timeout_ms = 10000);

// "Authorization: Basic base64(user:password)".
std::string basic_auth(const std::string& user, const std::string& password);
// "Authorization: Bearer TOKEN".
std::string bearer_auth(const std::string& token);

}  // namespace strata::test
