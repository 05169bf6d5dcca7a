// The external sorter against std::sort: records held in memory, and many
// compressed runs on disk merged, give the same order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "sort/external_sort.h"
#include "testing/temp_dir.h"

namespace dtm::internal {
namespace {

constexpr size_t kRecord = 24, kKey = 16;

std::vector<std::string> Sorted(size_t n, size_t memory_bytes, size_t* runs) {
  testing::TempDir d;
  ExternalSorter sorter(kRecord, kKey, d.path(), memory_bytes);
  std::mt19937_64 rng(42);
  std::vector<std::string> input;
  for (size_t i = 0; i < n; ++i) {
    std::string r(kRecord, '\0');
    for (char& c : r) c = static_cast<char>(rng() % 7);  // many equal keys
    input.push_back(r);
    EXPECT_TRUE(sorter.Add(r.data()).ok());
  }
  EXPECT_TRUE(sorter.Finish().ok());
  *runs = sorter.runs();
  std::vector<std::string> out;
  std::string r(kRecord, '\0');
  for (;;) {
    auto more = sorter.Next(r.data());
    EXPECT_TRUE(more.ok());
    if (!more.ok() || !*more) break;
    out.push_back(r);
  }
  // Same records (as a multiset), in key order.
  std::vector<std::string> a = input, b = out;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  for (size_t i = 1; i < out.size(); ++i) {
    EXPECT_LE(std::memcmp(out[i - 1].data(), out[i].data(), kKey), 0) << i;
  }
  return out;
}

TEST(ExternalSortTest, InMemoryAndOnDiskGiveTheSameOrder) {
  size_t runs = 0;
  EXPECT_EQ(Sorted(5000, 1 << 20, &runs).size(), 5000u);
  EXPECT_EQ(runs, 0u);  // fits: never written
  EXPECT_EQ(Sorted(50000, 24 * 1000, &runs).size(), 50000u);
  EXPECT_EQ(runs, 50u);
  EXPECT_EQ(Sorted(0, 1024, &runs).size(), 0u);
  EXPECT_EQ(Sorted(1, 24, &runs).size(), 1u);
}

}  // namespace
}  // namespace dtm::internal
