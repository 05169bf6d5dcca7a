// The URL canonicalization of spec/documents.md, "URLs": RFC 3986 section 6.2.2
// syntax-based normalization plus the scheme-based rules of section 6.2.3,
// with hosts in IDNA2008 A-labels (UTS #46 processing, libidn2) and fragments
// removed.
#include <idn2.h>
#include <libpsl.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include "base/text.h"
#include "dtm/documents.h"

namespace dtm {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  return (c | 0x20) - 'a' + 10;
}
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
bool IsUnreserved(char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
bool IsSubDelim(char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

Status Invalid(std::string_view url, const std::string& problem) {
  return Status::InvalidArgument("URL " + internal::QuoteForMessage(url), problem);
}

// Percent-encoding normalized (RFC 3986 6.2.2.1 and 6.2.2.2): a triplet of an
// unreserved character is decoded, any other triplet's hex digits are upper
// case, a '%' not followed by two hex digits and every byte that may not appear
// in this component (`extra` lists what may beside pchar) is encoded.
std::string NormalizePercent(std::string_view in, std::string_view extra) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  auto encode = [&](unsigned char b) {
    out.push_back('%');
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  };
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && i + 2 < in.size() && IsHex(in[i + 1]) && IsHex(in[i + 2])) {
      const auto b = static_cast<unsigned char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2]));
      if (IsUnreserved(static_cast<char>(b))) {
        out.push_back(static_cast<char>(b));
      } else {
        encode(b);
      }
      i += 2;
    } else if (IsUnreserved(c) || IsSubDelim(c) || c == ':' || c == '@' ||
               extra.find(c) != std::string_view::npos) {
      out.push_back(c);
    } else {
      encode(static_cast<unsigned char>(c));
    }
  }
  return out;
}

// RFC 3986 5.2.4, remove_dot_segments.
std::string RemoveDotSegments(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../") || in == "/..") {
      in = in.size() == 3 ? std::string_view("/") : in.substr(3);
      const size_t slash = out.rfind('/');
      out.resize(slash == std::string::npos ? 0 : slash);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      const size_t next = in.find('/', 1);
      const size_t take = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, take));
      in.remove_prefix(take);
    }
  }
  return out;
}

std::string PercentDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && IsHex(in[i + 1]) && IsHex(in[i + 2])) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// A registered name in lower-case A-labels, with no final dot.
StatusOr<std::string> CanonicalHost(std::string_view url, std::string_view raw) {
  std::string host = PercentDecode(raw);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return Invalid(url, "has an empty host");
  bool ascii = true;
  for (char c : host) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (!ascii && !internal::IsValidUtf8(host)) return Invalid(url, "host is not UTF-8");
  for (char& c : host) c = Lower(c);
  bool needs_idna = !ascii || host.starts_with("xn--") || host.find(".xn--") != std::string::npos;
  if (needs_idna) {
    char* out = nullptr;
    const int rc = idn2_to_ascii_8z(host.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    std::unique_ptr<char, decltype(&idn2_free)> owned(out, &idn2_free);
    if (rc != IDN2_OK) {
      return Invalid(url, std::string("host is not a valid IDNA name: ") + idn2_strerror(rc));
    }
    host = out;
    for (char& c : host) c = Lower(c);
  }
  for (char c : host) {
    if (!(IsUnreserved(c) || IsSubDelim(c))) {
      return Invalid(url, "host holds " + internal::QuoteForMessage(std::string(1, c)));
    }
  }
  // "a..b", ".a" and "a.." (or an IDNA full stop mapped to a final '.') would lose a dot on
  // every pass; a canonical form must be a fixed point, so empty labels are errors.
  if (host.front() == '.' || host.back() == '.' || host.find("..") != std::string::npos) {
    return Invalid(url, "host has an empty label");
  }
  return host;
}

std::string_view DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return "80";
  if (scheme == "https" || scheme == "wss") return "443";
  if (scheme == "ftp") return "21";
  return "";
}

// Schemes whose URLs name a host: an empty one is an error for them.
bool NeedsHost(std::string_view scheme) {
  return scheme == "http" || scheme == "https" || scheme == "ws" || scheme == "wss" ||
         scheme == "ftp";
}

// userinfo@host:port, canonical.
StatusOr<std::string> CanonicalAuthority(std::string_view url, std::string_view scheme,
                                         std::string_view authority) {
  if (authority.empty() && !NeedsHost(scheme)) return std::string();  // file:///path
  std::string out;
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    out = NormalizePercent(authority.substr(0, at), "") + "@";
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority, port;
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(url, "has an unclosed IPv6 literal");
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return Invalid(url, "has bytes after its IPv6 literal");
    if (!rest.empty()) port = rest.substr(1);
    for (char c : host) out.push_back(Lower(c));
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    DTM_ASSIGN_OR_RETURN(std::string h, CanonicalHost(url, host));
    out += h;
  }
  for (char c : port) {
    if (!IsDigit(c)) return Invalid(url, "has a port that is not a number");
  }
  while (port.size() > 1 && port[0] == '0') port.remove_prefix(1);
  if (port.size() > 5) return Invalid(url, "has a port over 65535");
  if (!port.empty() && std::atoi(std::string(port).c_str()) > 65535) {
    return Invalid(url, "has a port over 65535");
  }
  if (!port.empty() && port != DefaultPort(scheme)) {
    out.push_back(':');
    out.append(port);
  }
  return out;
}

}  // namespace

StatusOr<std::string> CanonicalUrl(std::string_view url) {
  std::string_view s = url;
  // Space and C0 controls around the URL, and wget's <...>, are not part of it.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Invalid(url, "holds a control character");
    }
  }
  size_t colon = 0;
  while (colon < s.size() &&
         (IsAlpha(s[colon]) || (colon > 0 && (IsDigit(s[colon]) || s[colon] == '+' ||
                                              s[colon] == '-' || s[colon] == '.')))) {
    ++colon;
  }
  if (colon == 0 || colon >= s.size() || s[colon] != ':') {
    return Invalid(url, "is not an absolute URL (no scheme)");
  }
  std::string scheme;
  for (char c : s.substr(0, colon)) scheme.push_back(Lower(c));
  std::string_view rest = s.substr(colon + 1);
  const size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string_view query;
  bool has_query = false;
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    query = rest.substr(question + 1);
    has_query = true;
    rest = rest.substr(0, question);
  }
  std::string out = scheme + ":";
  const bool hierarchical = rest.starts_with("//");
  if (hierarchical) {
    rest.remove_prefix(2);
    const size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    DTM_ASSIGN_OR_RETURN(std::string canonical, CanonicalAuthority(url, scheme, authority));
    out += "//" + canonical;
  } else if (scheme == "http" || scheme == "https") {
    return Invalid(url, "has no host");
  }
  std::string path = RemoveDotSegments(NormalizePercent(rest, "/"));
  if (hierarchical && path.empty()) path = "/";
  // Without an authority, a path starting with "//" would read back as one ("x:/..//h" gives
  // "x://h"); "/." keeps it a path, and removing dot segments gives the same path again.
  if (!hierarchical && path.starts_with("//")) path.insert(0, "/.");
  out += path;
  if (has_query && !query.empty()) out += "?" + NormalizePercent(query, "/?");
  return out;
}

std::string_view UrlHost(std::string_view canonical_url) {
  const size_t start = canonical_url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view authority = canonical_url.substr(start + 3);
  authority = authority.substr(0, authority.find('/'));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.starts_with("[")) return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.rfind(':'));
}

std::string RegistrableDomain(std::string_view host) {
  // psl_latest reads the system's list (the publicsuffix package) and falls
  // back to the copy built into libpsl; the context is immutable once made.
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* ctx = psl_latest(nullptr);
    return ctx != nullptr ? ctx : psl_builtin();
  }();
  const std::string h(host);
  // An IPv6 literal, or an IPv4 address (its last label is a number: no
  // top-level domain is), has no registrable domain.
  const size_t last_dot = h.rfind('.');
  const std::string_view last_label =
      std::string_view(h).substr(last_dot == std::string::npos ? 0 : last_dot + 1);
  const bool numeric = !last_label.empty() && std::all_of(last_label.begin(), last_label.end(),
                                                          [](char c) { return IsDigit(c); });
  if (psl == nullptr || h.empty() || h[0] == '[' || numeric) return h;
  const char* domain = psl_registrable_domain(psl, h.c_str());
  return domain != nullptr ? std::string(domain) : h;
}

}  // namespace dtm
