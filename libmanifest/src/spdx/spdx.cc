// SPDX license expression parser (spec/license.md, "Grammar").
#include "dtm/spdx.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "spdx/license_list.h"

namespace dtm {

namespace {

using internal::EqualsIgnoreCase;
using internal::StartsWithIgnoreCase;
using v1::UseClass;

constexpr std::string_view kLicenseRef = "LicenseRef-";
constexpr std::string_view kAdditionRef = "AdditionRef-";
constexpr std::string_view kDocumentRef = "DocumentRef-";

enum class TokenKind { kOpen, kClose, kWord, kEnd };

struct Token {
  TokenKind kind;
  std::string_view text;  // empty for kEnd
  size_t offset;          // 1-based byte offset; input size + 1 for kEnd
};

enum class Op { kNone, kAnd, kOr, kWith };

Status Error(size_t offset, std::string_view problem) {
  return Status::InvalidArgument("offset " + std::to_string(offset), problem);
}

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

bool IsWordChar(char c) { return IsIdChar(c) || c == ':' || c == '+'; }

std::string DescribeChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u > 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static const char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

// Splits the input into parentheses and words (runs of word characters),
// skipping spaces and tabs. Any other byte is an error.
StatusOr<std::vector<Token>> Tokenize(std::string_view in) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    if (c == ' ' || c == '\t') {
      ++i;
    } else if (c == '(' || c == ')') {
      tokens.push_back({c == '(' ? TokenKind::kOpen : TokenKind::kClose, in.substr(i, 1), i + 1});
      ++i;
    } else if (IsWordChar(c)) {
      size_t start = i;
      while (i < in.size() && IsWordChar(in[i])) ++i;
      tokens.push_back({TokenKind::kWord, in.substr(start, i - start), start + 1});
    } else {
      return Error(i + 1, "invalid character " + DescribeChar(c));
    }
  }
  tokens.push_back({TokenKind::kEnd, {}, in.size() + 1});
  return tokens;
}

Op OperatorOf(const Token& t) {
  if (t.kind != TokenKind::kWord) return Op::kNone;
  std::string_view w = t.text;
  if (w == "AND" || w == "and") return Op::kAnd;
  if (w == "OR" || w == "or") return Op::kOr;
  if (w == "WITH" || w == "with") return Op::kWith;
  return Op::kNone;
}

// "And", "wITH": operators must be all upper or all lower case.
bool IsMixedCaseOperator(const Token& t) {
  return t.kind == TokenKind::kWord && OperatorOf(t) == Op::kNone &&
         (EqualsIgnoreCase(t.text, "and") || EqualsIgnoreCase(t.text, "or") ||
          EqualsIgnoreCase(t.text, "with"));
}

// ", found 'x'" naming the unexpected token; empty at the end of input.
std::string Found(const Token& t) {
  return t.kind == TokenKind::kEnd ? "" : ", found '" + std::string(t.text) + "'";
}

// Checks `word` against [DocumentRef-idstring:]<kind>idstring, where kind is
// "LicenseRef-" or "AdditionRef-" and the prefixes are case-sensitive.
// Returns false when the word does not start like such a ref, true when it is
// one, and an error when it starts like one but is malformed.
StatusOr<bool> CheckRef(std::string_view word, size_t offset, std::string_view kind) {
  size_t at = 0;  // index in word of the kind prefix
  if (StartsWithIgnoreCase(word, kDocumentRef)) {
    if (!word.starts_with(kDocumentRef)) {
      return Error(offset, "the prefix must be spelled 'DocumentRef-'");
    }
    at = word.find(':');
    if (at == std::string_view::npos) {
      return Error(offset, "'" + std::string(word) +
                               "' must be followed by ':" + std::string(kind) + "...'");
    }
    std::string_view doc = word.substr(kDocumentRef.size(), at - kDocumentRef.size());
    if (doc.empty()) return Error(offset + at, "empty idstring after 'DocumentRef-'");
    ++at;
    if (!word.substr(at).starts_with(kind)) {
      return Error(offset + at, "expected '" + std::string(kind) + "' after ':'");
    }
  } else if (!StartsWithIgnoreCase(word, kind)) {
    return false;
  } else if (!word.starts_with(kind)) {
    return Error(offset, "the prefix must be spelled '" + std::string(kind) + "'");
  }
  size_t id_start = at + kind.size();
  if (id_start == word.size()) {
    return Error(offset + id_start, "empty idstring after '" + std::string(kind) + "'");
  }
  // Both idstrings (the DocumentRef's, if any, and the ref's) are
  // [A-Za-z0-9.-]+.
  for (size_t i = at == 0 ? id_start : kDocumentRef.size(); i < word.size(); ++i) {
    if (i == at - 1) i = id_start;  // skip ":LicenseRef-"
    if (!IsIdChar(word[i])) {
      return Error(offset + i, "invalid character " + DescribeChar(word[i]) + " in an idstring");
    }
  }
  return true;
}

// Use-class combination (spec/license.md, "Use-class floor"). UNSPECIFIED
// stands for unknown terms, which may be anything from COMMERCIAL upwards.
// AND: every operand applies, so an unknown one makes the whole unknown.
UseClass CombineAnd(UseClass a, UseClass b) {
  if (a == v1::USE_CLASS_UNSPECIFIED || b == v1::USE_CLASS_UNSPECIFIED) {
    return v1::USE_CLASS_UNSPECIFIED;
  }
  return std::max(a, b);
}

// OR: the licensee may choose, so the least restrictive operand. A known
// COMMERCIAL operand decides it; otherwise an unknown operand might be less
// restrictive than the known ones, so the whole is unknown.
UseClass CombineOr(UseClass a, UseClass b) {
  if (a == v1::USE_CLASS_COMMERCIAL || b == v1::USE_CLASS_COMMERCIAL) {
    return v1::USE_CLASS_COMMERCIAL;
  }
  if (a == v1::USE_CLASS_UNSPECIFIED || b == v1::USE_CLASS_UNSPECIFIED) {
    return v1::USE_CLASS_UNSPECIFIED;
  }
  return std::min(a, b);
}

// A list id is non-commercial when one of its "-"-separated parts is "NC".
UseClass UseClassOfListId(std::string_view id) {
  for (size_t start = 0; start <= id.size();) {
    size_t end = std::min(id.find('-', start), id.size());
    if (id.substr(start, end - start) == "NC") return v1::USE_CLASS_NON_COMMERCIAL;
    start = end + 1;
  }
  return v1::USE_CLASS_COMMERCIAL;
}

void AddDistinct(std::vector<std::string>& v, std::string_view s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.emplace_back(s);
}

// A parsed sub-expression.
struct Term {
  std::string text;  // normalized
  UseClass use_class = v1::USE_CLASS_UNSPECIFIED;
};

// Recursive descent: or := and (OR and)*; and := with (AND with)*;
// with := primary [WITH exception]; primary := "(" or ")" | simple.
class Parser {
 public:
  Parser(std::vector<Token> tokens, LicenseExpressionInfo* info)
      : tokens_(std::move(tokens)), info_(info) {}

  Status Parse() {
    Term t;
    DTM_RETURN_IF_ERROR(ParseChain(Op::kOr, 0, &t));
    if (Peek().kind == TokenKind::kClose) {
      return Error(Peek().offset, "unbalanced parenthesis: ')' has no matching '('");
    }
    if (Peek().kind != TokenKind::kEnd) return ExpectedOperator(false);
    info_->normalized = std::move(t.text);
    info_->use_class_floor = t.use_class;
    return Status::Ok();
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }

  // or := and (OR and)*, when op is kOr; and := with (AND with)*, when kAnd.
  Status ParseChain(Op op, int depth, Term* out) {
    auto operand = [&](Term* t) {
      return op == Op::kOr ? ParseChain(Op::kAnd, depth, t) : ParseWith(depth, t);
    };
    DTM_RETURN_IF_ERROR(operand(out));
    while (OperatorOf(Peek()) == op) {
      Next();
      Term rhs;
      DTM_RETURN_IF_ERROR(operand(&rhs));
      out->text += (op == Op::kOr ? " OR " : " AND ") + rhs.text;
      out->use_class = op == Op::kOr ? CombineOr(out->use_class, rhs.use_class)
                                     : CombineAnd(out->use_class, rhs.use_class);
    }
    return Status::Ok();
  }

  // WITH adds an exception's permissions; the use class is the license's.
  Status ParseWith(int depth, Term* out) {
    DTM_RETURN_IF_ERROR(ParsePrimary(depth, out));
    if (OperatorOf(Peek()) != Op::kWith) return Status::Ok();
    if (!last_was_simple_) {
      return Error(Peek().offset,
                   "WITH must follow a license id or "
                   "LicenseRef, not a parenthesized expression");
    }
    Next();
    const Token& t = Next();
    if (t.kind != TokenKind::kWord || OperatorOf(t) != Op::kNone) {
      return Error(t.offset, "expected an exception id after WITH" + Found(t));
    }
    DTM_ASSIGN_OR_RETURN(std::string_view exception, LookUpException(t));
    AddDistinct(info_->exceptions, exception);
    out->text += " WITH ";
    out->text += exception;
    last_was_simple_ = false;
    if (OperatorOf(Peek()) == Op::kWith) {
      return Error(Peek().offset, "only one WITH may follow a license");
    }
    return Status::Ok();
  }

  Status ParsePrimary(int depth, Term* out) {
    const Token& t = Peek();
    if (t.kind == TokenKind::kOpen) {
      if (depth >= kMaxLicenseExpressionNesting) {
        return Status::LimitExceeded("offset " + std::to_string(t.offset),
                                     "parentheses nested deeper than " +
                                         std::to_string(kMaxLicenseExpressionNesting) + " levels");
      }
      Next();
      Term inner;
      DTM_RETURN_IF_ERROR(ParseChain(Op::kOr, depth + 1, &inner));
      if (Peek().kind == TokenKind::kEnd) {
        return Error(t.offset, "unbalanced parenthesis: '(' is never closed");
      }
      if (Peek().kind != TokenKind::kClose) return ExpectedOperator(true);
      Next();
      out->text = "(" + inner.text + ")";
      out->use_class = inner.use_class;
      last_was_simple_ = false;
      return Status::Ok();
    }
    if (t.kind != TokenKind::kWord || OperatorOf(t) != Op::kNone) {
      std::string msg = "expected a license id";
      if (pos_ > 0) {
        const Token& prev = tokens_[pos_ - 1];
        msg += " after ";
        msg += prev.kind == TokenKind::kOpen ? "'('" : OperatorOf(prev) == Op::kAnd ? "AND" : "OR";
      }
      return Error(t.offset, msg + Found(t));
    }
    Next();
    last_was_simple_ = true;
    return ParseSimple(t, out);
  }

  // A word in license position: a list id with optional "+", or a LicenseRef.
  Status ParseSimple(const Token& t, Term* out) {
    if (IsMixedCaseOperator(t)) return MixedCaseError(t);
    std::string_view word = t.text;
    size_t plus = word.find('+');
    bool or_later = plus != std::string_view::npos;
    if (or_later) {
      if (plus == 0) return Error(t.offset, "'+' must directly follow a license id");
      if (plus != word.size() - 1) {
        return Error(t.offset + plus, "'+' is only allowed at the end of a license id");
      }
      word.remove_suffix(1);
    }
    DTM_ASSIGN_OR_RETURN(bool is_ref, CheckRef(word, t.offset, kLicenseRef));
    if (is_ref) {
      if (or_later) {
        return Error(t.offset + plus,
                     "'+' may only follow a license id of the list, not a LicenseRef");
      }
      out->text = AddRef(word);
      out->use_class = v1::USE_CLASS_UNSPECIFIED;
      return Status::Ok();
    }
    DTM_ASSIGN_OR_RETURN(internal::ListedLicense listed, LookUpLicense(word, t.offset));
    AddDistinct(info_->license_ids, listed.id);
    if (listed.deprecated) AddDistinct(info_->deprecated_ids, listed.id);
    out->text = std::string(listed.id) + (or_later ? "+" : "");
    out->use_class = UseClassOfListId(listed.id);
    return Status::Ok();
  }

  // Records a LicenseRef; returns its spelling at first appearance.
  std::string AddRef(std::string_view ref) {
    for (const std::string& seen : info_->license_refs) {
      if (EqualsIgnoreCase(seen, ref)) return seen;
    }
    info_->license_refs.emplace_back(ref);
    return std::string(ref);
  }

  StatusOr<internal::ListedLicense> LookUpLicense(std::string_view word, size_t offset) {
    if (auto found = internal::FindLicense(word)) return *found;
    std::string w(word);
    if (size_t colon = w.find(':'); colon != std::string::npos) {
      return Error(offset + colon,
                   "invalid character ':' (only 'DocumentRef-x:LicenseRef-y' "
                   "may contain ':')");
    }
    if (StartsWithIgnoreCase(w, kAdditionRef)) {
      return Error(offset, "'" + w + "' is not a license; AdditionRef- is not supported");
    }
    if (w == "NONE" || w == "NOASSERTION") {
      return Error(offset, "'" + w + "' is not allowed; name unknown terms with a LicenseRef-");
    }
    if (auto exception = internal::FindException(word)) {
      return Error(offset,
                   "'" + std::string(*exception) + "' is an exception id; it may only follow WITH");
    }
    std::string msg = "unknown license id '" + w + "'";
    if (auto hint = internal::SuggestLicense(word))
      msg += " (did you mean '" + std::string(*hint) + "'?)";
    return Error(offset, msg);
  }

  StatusOr<std::string_view> LookUpException(const Token& t) {
    std::string w(t.text);
    if (auto found = internal::FindException(w)) return *found;
    if (w.find("LicenseRef-") != std::string::npos || StartsWithIgnoreCase(w, kLicenseRef)) {
      return Error(t.offset, "a LicenseRef may not follow WITH; expected an exception id");
    }
    DTM_ASSIGN_OR_RETURN(bool addition_ref, CheckRef(w, t.offset, kAdditionRef));
    if (addition_ref) {
      return Error(t.offset, "AdditionRef- is not supported; use an exception id of the list");
    }
    if (size_t bad = w.find_first_of(":+"); bad != std::string::npos) {
      return Error(t.offset + bad,
                   "invalid character " + DescribeChar(w[bad]) + " in an exception id");
    }
    std::string msg = "unknown exception '" + w + "'";
    if (auto id = internal::FindLicense(w)) {
      msg += " ('" + std::string(id->id) + "' is a license id, not an exception)";
    } else if (auto hint = internal::SuggestException(w)) {
      msg += " (did you mean '" + std::string(*hint) + "'?)";
    }
    return Error(t.offset, msg);
  }

  Status MixedCaseError(const Token& t) const {
    return Error(t.offset,
                 "operator '" + std::string(t.text) + "' must be all upper or all lower case");
  }

  // After a complete term, something other than an operator follows.
  Status ExpectedOperator(bool in_parens) const {
    if (IsMixedCaseOperator(Peek())) return MixedCaseError(Peek());
    const char* expected = in_parens
                               ? (last_was_simple_ ? "AND, OR, WITH or ')'" : "AND, OR or ')'")
                               : (last_was_simple_ ? "AND, OR or WITH" : "AND or OR");
    return Error(Peek().offset, std::string("expected ") + expected + Found(Peek()));
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  bool last_was_simple_ = false;  // the last primary was a lone id or ref
  LicenseExpressionInfo* info_;
};

}  // namespace

StatusOr<LicenseExpressionInfo> ParseLicenseExpression(std::string_view expression) {
  if (expression.size() > kMaxLicenseExpressionBytes) {
    return Status::LimitExceeded("expression is " + std::to_string(expression.size()) +
                                 " bytes long; the limit is " +
                                 std::to_string(kMaxLicenseExpressionBytes));
  }
  DTM_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(expression));
  if (tokens.size() == 1) return Status::InvalidArgument("empty expression");
  LicenseExpressionInfo info;
  DTM_RETURN_IF_ERROR(Parser(std::move(tokens), &info).Parse());
  return info;
}

}  // namespace dtm
