#include "dtm/example.h"
#include "testing/temp_dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace dtm {
namespace {

namespace fs = std::filesystem;

const std::string kExampleDir = std::string(DTM_SOURCE_DIR) + "/examples/training-set-v1";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Every file under `root` (relative path -> bytes), without the names
// cmake/EmbedFiles.cmake leaves out: dot files and built *.dtm manifests.
std::map<std::string, std::string> FilesUnder(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_directory()) continue;
    std::string rel = fs::relative(entry.path(), root).generic_string();
    if (rel.starts_with('.') || rel.find("/.") != std::string::npos || rel.ends_with(".dtm")) {
      continue;
    }
    files[rel] = ReadAll(entry.path());
  }
  return files;
}

// Everything under `root`, folders included, with file contents.
std::map<std::string, std::string> Snapshot(const fs::path& root) {
  std::map<std::string, std::string> all;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string rel = fs::relative(entry.path(), root).generic_string();
    all[rel] = entry.is_symlink()     ? "link -> " + fs::read_symlink(entry.path()).string()
               : entry.is_directory() ? "<folder>"
                                      : ReadAll(entry.path());
  }
  return all;
}

class ExampleProjectTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = tmp_.path(); }

  void WriteFile(const std::string& rel, const std::string& content) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel, std::ios::binary) << content;
  }

  // Expects WriteExampleProject(dir_) to refuse with kInvalidArgument and a
  // message containing `message_part`, leaving dir_ exactly as it was.
  void ExpectRefused(const std::string& message_part) {
    auto before = Snapshot(dir_);
    std::vector<std::string> written = {"stale entry"};
    Status s = WriteExampleProject(dir_.string(), &written);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_NE(s.message().find(message_part), std::string::npos) << s.message();
    EXPECT_TRUE(written.empty());
    EXPECT_EQ(Snapshot(dir_), before);
  }

  testing::TempDir tmp_;
  fs::path dir_;
};

TEST_F(ExampleProjectTest, WritesTrainingSetV1ByteForByte) {
  std::map<std::string, std::string> expected = FilesUnder(kExampleDir);
  ASSERT_TRUE(expected.count("dtm.yaml"));
  ASSERT_GE(expected.size(), 10u);

  ASSERT_TRUE(WriteExampleProject(dir_.string()).ok());
  std::map<std::string, std::string> got = FilesUnder(dir_);
  ASSERT_EQ(got.size(), expected.size());
  for (const auto& [path, bytes] : expected) {
    ASSERT_TRUE(got.count(path)) << path << " was not written";
    EXPECT_EQ(got[path], bytes) << path << " differs from " << kExampleDir << "/" << path;
  }
  // Nothing else, not even a temporary file: every other entry is a folder.
  for (const auto& [path, content] : Snapshot(dir_)) {
    EXPECT_TRUE(content == "<folder>" || expected.count(path)) << "unexpected " << path;
  }
}

TEST_F(ExampleProjectTest, ListsWrittenPathsSorted) {
  std::vector<std::string> written = {"stale entry"};
  ASSERT_TRUE(WriteExampleProject(dir_.string(), &written).ok());
  std::vector<std::string> expected;
  for (const auto& [path, bytes] : FilesUnder(kExampleDir)) expected.push_back(path);
  EXPECT_EQ(written, expected);  // std::map iterates in byte order
  EXPECT_TRUE(std::is_sorted(written.begin(), written.end()));
}

TEST_F(ExampleProjectTest, WrittenFilesAreReadableByOthers) {
  ASSERT_TRUE(WriteExampleProject(dir_.string()).ok());
  struct stat st;
  ASSERT_EQ(stat((dir_ / "dtm.yaml").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST_F(ExampleProjectTest, CreatesMissingFolders) {
  fs::path nested = dir_ / "a" / "b";
  ASSERT_TRUE(WriteExampleProject(nested.string() + "/").ok());
  EXPECT_EQ(FilesUnder(nested), FilesUnder(kExampleDir));
}

TEST_F(ExampleProjectTest, RefusesWhenDtmYamlExistsAndWritesNothing) {
  WriteFile("dtm.yaml", "dtm: 1\n# mine\n");
  ExpectRefused((dir_ / "dtm.yaml").string() + ": already exists");
}

TEST_F(ExampleProjectTest, RefusesWhenADataFileExists) {
  WriteFile("web/crawl-2025-03-00001.jsonl", "{}\n");
  ExpectRefused((dir_ / "web/crawl-2025-03-00001.jsonl").string() + ": already exists");
}

TEST_F(ExampleProjectTest, RefusesADanglingSymlinkInsteadOfReplacingIt) {
  fs::create_symlink(dir_ / "nowhere", dir_ / "dtm.yaml");
  ExpectRefused((dir_ / "dtm.yaml").string() + ": already exists");
}

TEST_F(ExampleProjectTest, RefusesWhenAFolderItNeedsIsAFile) {
  WriteFile("news", "not a folder\n");
  ExpectRefused((dir_ / "news").string() + ": exists and is not a folder");
}

TEST_F(ExampleProjectTest, RefusesWhenTheTargetIsAFile) {
  WriteFile("file", "x");
  Status s = WriteExampleProject((dir_ / "file").string());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("not a folder"), std::string::npos) << s.message();
}

TEST_F(ExampleProjectTest, RefusesAnEmptyFolderName) {
  EXPECT_EQ(WriteExampleProject("").code(), StatusCode::kInvalidArgument);
}

TEST_F(ExampleProjectTest, FailedWriteRemovesWhatItCreated) {
  // With a 5000-byte file size limit the small files sorted before dtm.yaml
  // are written, then dtm.yaml (35 KB) fails: everything must be taken back.
  // (A size limit fails even for root, unlike folder permissions.)
  fs::path target = dir_ / "project";
  struct rlimit old_limit;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit limit = old_limit;
  limit.rlim_cur = 5000;
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limit), 0);
  std::vector<std::string> written = {"stale entry"};
  Status s = WriteExampleProject(target.string(), &written);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  signal(SIGXFSZ, old_handler);

  EXPECT_EQ(s.code(), StatusCode::kIOError) << s.ToString();
  EXPECT_NE(s.message().find("dtm.yaml"), std::string::npos) << s.message();
  EXPECT_TRUE(written.empty());
  EXPECT_FALSE(fs::exists(target)) << "left behind: " << ::testing::PrintToString(Snapshot(target));
}

}  // namespace
}  // namespace dtm
