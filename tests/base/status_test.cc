#include "dtm/status.h"

#include <gtest/gtest.h>

namespace dtm {
namespace {

TEST(StatusTest, OkHasNoMessage) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, FactoriesJoinMessageAndDetail) {
  Status s = Status::Corruption("data.dtm", "bad magic number");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "data.dtm: bad magic number");
  EXPECT_EQ(s.ToString(), "Corruption: data.dtm: bad magic number");
}

TEST(StatusTest, WithContextPrefixesAndKeepsCode) {
  Status s = Status::NotFound("source 'x'").WithContext("dtm.yaml:3");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "dtm.yaml:3: source 'x'");
  EXPECT_TRUE(Status::Ok().WithContext("ignored").ok());
}

TEST(StatusTest, WithContextSaysANameOnce) {
  Status open = Status::IOError("data.dtm: cannot open");
  EXPECT_EQ(open.WithContext("data.dtm").message(), "data.dtm: cannot open");
  // Only a whole leading "prefix: " counts.
  EXPECT_EQ(open.WithContext("data").message(), "data: data.dtm: cannot open");
  EXPECT_EQ(Status::IOError("data.dtm").WithContext("data.dtm").message(), "data.dtm: data.dtm");
}

StatusOr<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  DTM_ASSIGN_OR_RETURN(*out, Half(x));
  return Status::Ok();
}

TEST(StatusTest, StatusOrCarriesValueOrError) {
  int v = 0;
  EXPECT_TRUE(UseHalf(4, &v).ok());
  EXPECT_EQ(v, 2);
  Status s = UseHalf(3, &v);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
}

TEST(StatusTest, StatusOrFromOkStatusIsAnError) {
  StatusOr<int> r(Status::Ok());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace dtm
