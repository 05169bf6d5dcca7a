// dtm show: a summary a person reads at a glance in a terminal.
#include <google/protobuf/util/time_util.h>

#include <cstdio>
#include <map>
#include <vector>

#include "container/integrity.h"
#include "dtm/format.h"
#include "dtm/summary.h"

namespace dtm {

using google::protobuf::EnumDescriptor;

namespace {

struct SourceLine {
  v1::Source source;
  uint64_t files = 0;
  uint64_t bytes = 0;
  uint64_t documents = 0;  // DocumentEntry records: measured
  uint64_t listed = 0;     // of them, declared in a document listing (not read)
  uint64_t skipped = 0;    // documents the builder skipped
};

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

void WriteComposition(std::ostream& out, const char* title, const EnumDescriptor* type,
                      const google::protobuf::RepeatedPtrField<v1::CompositionRow>& rows,
                      const v1::Totals& totals) {
  out << "\n" << title << "\n";
  out << "  " << Pad("", 18) << PadLeft("sources", 8) << PadLeft("files", 12)
      << PadLeft("bytes", 12) << PadLeft("share", 8) << PadLeft("tokens", 16) << "\n";
  for (const v1::CompositionRow& r : rows) {
    char share[16];
    double pct = totals.bytes()
                     ? 100.0 * static_cast<double>(r.bytes()) / static_cast<double>(totals.bytes())
                     : 0.0;
    std::snprintf(share, sizeof share, "%.1f%%", pct);
    out << "  " << Pad(EnumLabel(type, r.value()), 18) << PadLeft(GroupDigits(r.sources()), 8)
        << PadLeft(GroupDigits(r.files()), 12) << PadLeft(HumanBytes(r.bytes()), 12)
        << PadLeft(share, 8) << PadLeft(r.tokens() ? GroupDigits(r.tokens()) : "-", 16) << "\n";
  }
}

// "1 file", "2,000 files".
std::string CountOf(uint64_t n, std::string_view noun) {
  return GroupDigits(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

// ", 3 documents measured, 5 declared": which count is which, each only if there.
std::string DocumentCounts(uint64_t measured, uint64_t declared, bool has_rule,
                           uint64_t measured_bytes = 0) {
  std::string out;
  if (has_rule || measured) out += ", " + CountOf(measured, "document") + " measured";
  if (measured_bytes) out += " (" + HumanBytes(measured_bytes) + ")";
  if (declared) {
    out += out.empty() ? ", " + CountOf(declared, "document") + " declared"
                       : ", " + GroupDigits(declared) + " declared";
  }
  return out;
}

void WriteSource(std::ostream& out, const SourceLine& line, bool public_view) {
  const v1::Source& s = line.source;
  out << "  " << s.id() << "  " << s.name() << "\n";
  out << "      " << EnumLabel(v1::Modality_descriptor(), s.modality()) << ", ";
  if (public_view) {
    out << "files withheld";
  } else {
    out << CountOf(line.files, "file") << ", " << HumanBytes(line.bytes);
  }
  if (s.counts().tokens()) out << ", " << GroupDigits(s.counts().tokens()) << " tokens";
  if (public_view) {
    if (s.counts().documents())
      out << ", " << CountOf(s.counts().documents(), "document") << " declared";
  } else if (line.listed > 0) {
    out << ", " << GroupDigits(line.documents)
        << (line.documents == 1 ? " document entry (" : " document entries (")
        << GroupDigits(line.listed) << " from a document listing, not read)";
    if (s.counts().documents()) out << ", " << GroupDigits(s.counts().documents()) << " declared";
  } else {
    out << DocumentCounts(line.documents, s.counts().documents(), s.has_documents());
  }
  if (line.skipped) out << " (" << CountOf(line.skipped, "bad document") << " skipped)";
  out << "\n      license " << s.license().expression() << " ("
      << EnumLabel(v1::UseClass_descriptor(), s.license().use_class()) << ", claim from "
      << EnumLabel(v1::LicenseClaimSource_descriptor(), s.license().claim_source()) << ")\n";
  out << "      acquired "
      << EnumLabel(v1::AcquisitionMethod_descriptor(), s.provenance().acquisition());
  if (s.has_generation()) {
    out << " by " << s.generation().model();
    if (!s.generation().model_version().empty()) out << " " << s.generation().model_version();
    out << " (outputs for training: "
        << EnumLabel(v1::TrainingPermission_descriptor(), s.generation().training_permission())
        << ")";
  }
  if (s.opt_outs_size() > 0) out << ", " << s.opt_outs_size() << " opt-out observations";
  if (s.personal_data().contains_personal_information() != v1::ANSWER_UNSPECIFIED) {
    out << ", personal data: "
        << EnumLabel(v1::Answer_descriptor(), s.personal_data().contains_personal_information());
  }
  out << "\n";
  if (s.has_skipped()) {
    out << "      left out by the build: " << CountOf(s.skipped().symlinks(), "symbolic link")
        << ", " << CountOf(s.skipped().special_files(), "special file");
    if (!s.skipped().first().empty()) out << " (first: " << s.skipped().first() << ")";
    out << "\n";
  }
  // Which models used it, and how (spec/schema.md, "Scope and roles").
  if (s.models_size() > 0 || s.roles_size() > 0) {
    out << "      used for ";
    for (int i = 0; i < s.models_size(); ++i) out << (i ? ", " : "") << s.models(i);
    if (s.models_size() == 0) out << "models not stated";
    out << " as ";
    for (int i = 0; i < s.roles_size(); ++i) {
      out << (i ? ", " : "") << EnumLabel(v1::DevelopmentRole_descriptor(), s.roles(i));
    }
    if (s.roles_size() == 0) out << "roles not stated";
    out << "\n";
  }
}

}  // namespace

Status WriteManifestSummary(const std::string& path, std::ostream& out) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path));
  std::vector<SourceLine> sources;
  std::map<std::string, size_t> index;
  internal::IntegrityCheck check(path, ContainerLimits());
  v1::Record record;
  while (true) {
    DTM_ASSIGN_OR_RETURN(bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    if (record.has_source()) {
      index[record.source().id()] = sources.size();
      sources.push_back({record.source()});
    } else if (record.has_file()) {
      auto it = index.find(record.file().source_id());
      if (it == index.end()) continue;  // unreachable: the check refuses it
      sources[it->second].files++;
      sources[it->second].bytes += record.file().size();
      sources[it->second].skipped += record.file().documents_skipped();
    } else if (record.has_document()) {
      auto it = index.find(record.document().source_id());
      if (it != index.end()) {
        sources[it->second].documents++;
        if (record.document().origin() == v1::FileEntry::ORIGIN_DECLARED) {
          sources[it->second].listed++;
        }
      }
    }
  }
  const v1::Header& h = reader->header();
  const v1::Totals& t = h.totals();
  out << "Dataset    " << h.dataset().name() << " " << h.dataset().version() << "\n";
  if (!h.dataset().description().empty()) out << "           " << h.dataset().description() << "\n";
  out << "Publisher  " << h.publisher().name();
  if (!h.publisher().contact().empty()) out << " <" << h.publisher().contact() << ">";
  out << "\n";
  for (const v1::ModelRef& m : h.models()) {
    out << "Model      " << m.name() << (m.version().empty() ? "" : " " + m.version()) << "\n";
  }
  out << "Created    " << google::protobuf::util::TimeUtil::ToString(h.created()) << " by "
      << h.tool().name() << " " << h.tool().version() << "\n";
  out << "Root       sha256:" << ToHex(h.merkle_root()) << "\n";
  out << "File       sha256:" << ToHex(reader->file_sha256()) << "\n";
  if (reader->public_view()) {
    out << "View       PUBLIC VIEW: the signed header and every source; "
        << GroupDigits(h.record_count() - t.sources())
        << " file and document records withheld (the totals are the header's)\n";
  }
  if (h.has_previous()) {
    out << "Previous   " << h.previous().version()
        << " sha256:" << ToHex(h.previous().manifest_sha256()) << "\n";
  }
  out << "Totals     " << CountOf(t.sources(), "source") << ", " << CountOf(t.files(), "file")
      << ", " << HumanBytes(t.bytes());
  if (t.tokens()) out << ", " << GroupDigits(t.tokens()) << " tokens";
  out << DocumentCounts(t.document_entries(), t.documents(), false, t.document_bytes());
  out << "\n";
  WriteComposition(out, "By license use class", v1::UseClass_descriptor(),
                   h.composition().by_use_class(), t);
  WriteComposition(out, "By acquisition method", v1::AcquisitionMethod_descriptor(),
                   h.composition().by_acquisition(), t);
  WriteComposition(out, "By modality", v1::Modality_descriptor(), h.composition().by_modality(), t);
  out << "\nSources\n";
  for (const SourceLine& s : sources) WriteSource(out, s, reader->public_view());
  if (!out) return Status::IOError("writing the summary failed");
  return Status::Ok();
}

}  // namespace dtm
