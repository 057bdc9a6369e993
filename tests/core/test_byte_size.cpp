#include <gtest/gtest.h>

#include "../common/error_of.hpp"
#include "initlab/byte_size.hpp"

namespace initlab {
namespace {

using testing::error_of;

TEST(ByteSize, ReadsUnitsInPowersOf1024) {
  EXPECT_EQ(parse_byte_size("512B", "--max-memory"), 512u);
  EXPECT_EQ(parse_byte_size("1K", "--max-memory"), 1024u);
  EXPECT_EQ(parse_byte_size("64M", "--max-memory"), 64u << 20);
  EXPECT_EQ(parse_byte_size("64MB", "--max-memory"), 64u << 20);
  EXPECT_EQ(parse_byte_size("64mib", "--max-memory"), 64u << 20);
  EXPECT_EQ(parse_byte_size("1.5G", "--max-memory"), 3ull << 29);
  EXPECT_EQ(parse_byte_size("2T", "--max-memory"), 2ull << 40);
}

TEST(ByteSize, RefusesWhatIsNotASizeNamingTheFlag) {
  const std::string expected = "; expected a number with a unit B, K, M, G or T (powers of 1024), e.g. 512M or 16G";
  // A bare number meant GB on one command and bytes on another: it is refused, never guessed.
  EXPECT_EQ(error_of([] { parse_byte_size("8", "--max-memory"); }), "--max-memory '8' is not a size" + expected);
  for (const char* bad : {"", "G", "lots", "0G", "-1G", "nanG", "infG", "1e30T", "16X", "16GG", "16 G", "0.1B"})
    EXPECT_NE(error_of([&] { parse_byte_size(bad, "--max-memory"); }).find("is not a size"), std::string::npos) << bad;
  const std::string long_text(5000, '9');
  const std::string e = error_of([&] { parse_byte_size(long_text, ""); });
  EXPECT_EQ(e, "'" + std::string(40, '9') + "...' is not a size" + expected);
}

TEST(ByteSize, FormatsInBinaryUnitsWithThreeDigits) {
  EXPECT_EQ(bytes_text(900), "900 bytes");
  EXPECT_EQ(bytes_text(1024), "1 KiB");
  EXPECT_EQ(bytes_text(4e6), "3.81 MiB");
  EXPECT_EQ(bytes_text(1.5 * (1 << 30)), "1.5 GiB");
  EXPECT_EQ(bytes_text(4e12), "3.64 TiB");
  EXPECT_GT(available_memory(), 0u);
}

}  // namespace
}  // namespace initlab
